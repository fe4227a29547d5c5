/**
 * The one table: each row what was measured, the issue's target and whether it was met (by how much
 * it was missed, when it was), printed as Markdown and written with the machine and versions to
 * bench/results.md.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import sqlite3 from 'sqlite3';
import type { EngineResult } from './engine-peers.ts';
import type { CeilingRow } from './http-ceiling.ts';
import type { Reads, ReadsResult, RouteResult } from './reads.ts';
import type { FloodResult } from './sign-in-flood.ts';
import type { StartupResult } from './startup.ts';
import { mib, ms, ROOT, SIZES, type Target } from './support.ts';

export interface Results {
  target: Target;
  ceilings: CeilingRow[];
  engine: EngineResult;
  reads: Reads;
  startup: { shipped: StartupResult; generated: StartupResult };
  flood: FloodResult;
  startedAt: Date;
  loadBefore: number[];
  totalMs: number;
}

interface Row {
  what: string;
  measured: string;
  target: string;
  /** Met, missed (and by how much), or nothing to meet. */
  verdict: string;
}

/** `value` against an upper bound: met, or missed by its ratio to the bound. */
function atMost(value: number, bound: number, unit: (n: number) => string): string {
  return value <= bound ? 'met' : `missed (${(value / bound).toFixed(1)}× the target, ${unit(value - bound)} over)`;
}

function perSecond(n: number): string {
  return `${n.toFixed(0)}/s`;
}

function ceilingRows(ceilings: CeilingRow[]): Row[] {
  const sqlite = ceilings.find((c) => 'product' in c && c.driver.startsWith('SQLite'));
  return ceilings.map((c) => {
    const what = `durable HTTP transitions, ${SIZES.clients} clients, ${c.driver}: product / bare Express 5 route, same driver`;
    const target = `≥ 0.8×; write p99 ≤ 50 ms${c.driver.startsWith('SQLite') ? '' : '; within 2× of SQLite'}`;
    if ('notMeasured' in c) return { what, measured: `not measured: ${c.notMeasured}`, target, verdict: '—' };
    const ratio = c.product.perSecond / c.bare.perSecond;
    const measured = `${perSecond(c.product.perSecond)} (p50 ${ms(c.product.p50)}, p99 ${ms(c.product.p99)}) / ${perSecond(c.bare.perSecond)} (p50 ${ms(c.bare.p50)}, p99 ${ms(c.bare.p99)}) = **${ratio.toFixed(2)}×**`;
    const misses = [
      ...(ratio >= 0.8 ? [] : [`ratio ${ratio.toFixed(2)}× of 0.8×`]),
      ...(c.product.p99 <= 50 ? [] : [`p99 ${(c.product.p99 / 50).toFixed(1)}× of 50 ms`]),
      ...(sqlite !== undefined && sqlite !== c && 'product' in sqlite && c.product.perSecond * 2 < sqlite.product.perSecond
        ? [`${(sqlite.product.perSecond / c.product.perSecond).toFixed(1)}× slower than SQLite`]
        : []),
    ];
    return { what, measured, target, verdict: misses.length === 0 ? 'met' : `missed (${misses.join('; ')})` };
  });
}

/** The issue's bound on each read route, in the order reads.ts measures them (none on the whole log, which streams). */
const READ_TARGETS_MS = [10, 10, 20, 10, 20, 100, null, 50];

function readWhat(reads: ReadsResult, route: RouteResult, database: string): string {
  return `${route.name} at ${reads.cases.toLocaleString('en-GB')} cases, ${database} (\`${route.path.replace(/\/api\/cases\/[^?]+$/, '/api/cases/:id')}\`)`;
}

function sampled(route: RouteResult): string {
  const size = `${(route.bytes / 1024).toFixed(0)} KiB${route.rows === undefined ? '' : `, ${route.rows} rows`}${route.whole ? ', the whole answer: no paging' : ''}`;
  return `p50 ${ms(route.p50)}, p99 **${ms(route.p99)}** (n=${route.samples}; ${size})`;
}

const RSS_BOUND = 300 * 1024 * 1024;

function memoryRow(rss: number, database: string): Row {
  return { what: `server memory (RSS) after that run, ${database} (the product's process)`, measured: mib(rss), target: '≤ 300 MiB', verdict: atMost(rss, RSS_BOUND, mib) };
}

/** SQLite's rows, then PostgreSQL's for the same routes in the same order, each against SQLite's p99 too. */
function readRows({ sqlite, postgres }: Reads): Row[] {
  const rows = sqlite.routes.map((route, i): Row => {
    const bound = READ_TARGETS_MS[i];
    return {
      what: readWhat(sqlite, route, 'SQLite'),
      measured: sampled(route),
      target: bound === null ? '—' : `p99 ≤ ${bound} ms`,
      verdict: bound === null ? '—' : atMost(route.p99, bound, ms),
    };
  });
  rows.push(memoryRow(sqlite.rss, 'SQLite'));
  if ('notMeasured' in postgres) {
    rows.push({ what: 'the read routes above, PostgreSQL', measured: `not measured: ${postgres.notMeasured}`, target: "p99 within 2× of SQLite's", verdict: '—' });
    return rows;
  }
  for (const [i, route] of postgres.routes.entries()) {
    const bound = READ_TARGETS_MS[i] ?? null;
    const ratio = route.p99 / sqlite.routes[i]!.p99;
    const misses = [
      ...(bound === null || route.p99 <= bound ? [] : [`p99 ${(route.p99 / bound).toFixed(1)}× of ${bound} ms`]),
      ...(ratio <= 2 ? [] : [`${ratio.toFixed(1)}× SQLite's p99`]),
    ];
    rows.push({
      what: readWhat(postgres, route, 'PostgreSQL'),
      measured: `${sampled(route)}; PostgreSQL / SQLite p99 = **${ratio.toFixed(2)}×**`,
      target: `${bound === null ? '' : `p99 ≤ ${bound} ms; `}≤ 2× SQLite's p99`,
      verdict: misses.length === 0 ? 'met' : `missed (${misses.join('; ')})`,
    });
  }
  rows.push(memoryRow(postgres.rss, 'PostgreSQL'));
  return rows;
}

export function tableRows(r: Results): Row[] {
  const { engine, startup, flood } = r;
  return [
    ...ceilingRows(r.ceilings),
    {
      what: 'one transition without I/O: pure engine (fold history, decideEvent) / bare XState v5 (restore, send, persist) / bpmn-engine (recover, resume, signal, getState)',
      measured: `${perSecond(engine.engine)} / ${perSecond(engine.xstate)} / ${perSecond(engine.bpmn)}: engine is **${(engine.engine / engine.xstate).toFixed(2)}×** XState, **${(engine.engine / engine.bpmn).toFixed(1)}×** bpmn-engine`,
      target: '—',
      verdict: '—',
    },
    ...readRows(r.reads),
    {
      what: `start-up, shipped configuration (${startup.shipped.partnerships} partnerships): fork to first 200, then RSS`,
      measured: `${ms(startup.shipped.firstAnswerMs)}, ${mib(startup.shipped.rss)}`,
      target: '—',
      verdict: '—',
    },
    {
      what: `start-up, ${startup.generated.partnerships} generated partnerships: fork to first 200, then RSS`,
      measured: `**${ms(startup.generated.firstAnswerMs)}**, ${mib(startup.generated.rss)}`,
      target: '< 2 s',
      verdict: startup.generated.firstAnswerMs < 2000 ? 'met' : `missed (${(startup.generated.firstAnswerMs / 2000).toFixed(1)}× the target)`,
    },
    {
      what: "another user's GET /api/cases p99: quiet / while one client floods wrong-password sign-ins",
      measured: `${ms(flood.quietP99)} / ${ms(flood.floodedP99)} = **${(flood.floodedP99 / flood.quietP99).toFixed(2)}×** (n=${flood.samples} each; flood answers ${Object.entries(flood.signIns).map(([s, n]) => `${n}×${s}`).join(', ')})`,
      target: '—',
      verdict: '—',
    },
  ];
}

export function markdownTable(rows: Row[]): string {
  const line = (cells: string[]) => `| ${cells.map((c) => c.replace(/\|/g, '\\|')).join(' | ')} |`;
  return [line(['what', 'measured', 'target', 'verdict']), line(['---', '---', '---', '---']), ...rows.map((r) => line([r.what, r.measured, r.target, r.verdict]))].join('\n');
}

function versionOf(name: string): string {
  return (JSON.parse(readFileSync(join(ROOT, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;
}

function optionalVersionOf(name: string): string {
  try {
    return versionOf(name);
  } catch {
    return 'not installed';
  }
}

/** How the cases one database was read on were made, and how long its server took to start on them. */
function readsMade(target: Target, database: string, reads: ReadsResult): string {
  const seeded = `${reads.seeded} cases created by replaying ${target.partnership.def.id}'s scenario files through the API, ${reads.originals} with the cases their steps started (${(reads.seedMs / 1000).toFixed(0)} s; ${reads.seedCutShort} replays cut short)`;
  return `${database}: ${seeded}, multiplied in SQL to ${reads.cases} (${(reads.multiplyMs / 1000).toFixed(1)} s), read on ${reads.today} as ${reads.reader}; the server took ${(reads.serverStartMs / 1000).toFixed(1)} s to start on them (it writes the copies' due reminders first)`;
}

export function writeResults(r: Results, table: string): string {
  const cpu = cpus();
  const load = (l: number[]) => l.map((n) => n.toFixed(2)).join(', ');
  const loadAfter = loadavg();
  const busy = Math.max(r.loadBefore[0]!, loadAfter[0]!) > cpu.length;
  const text = `# Benchmark results

Written by \`npm run bench\` (bench/run.ts); the latest run replaces this file. The README quotes it.
${busy ? `\n**Measured on a busy machine:** more processes wanted the CPU than there are cores (load average below), so absolute times are high and noisy; the ratios, measured side by side in one run, are the figures to compare.\n` : ''}
- **Date:** ${r.startedAt.toISOString()} (the run took ${(r.totalMs / 60_000).toFixed(1)} min)
- **Machine:** ${cpu.length} cores, ${cpu[0]?.model ?? 'unknown CPU'}, ${(totalmem() / 1024 ** 3).toFixed(1)} GiB memory; load average ${load(r.loadBefore)} before, ${load(loadAfter)} after (1, 5, 15 min: above the core count means other work shared the machine and the figures are noisy)
- **Versions:** Node ${process.version}; sqlite3 ${versionOf('sqlite3')} (SQLite ${sqlite3.VERSION}); pg ${optionalVersionOf('pg')}; express ${versionOf('express')}; xstate ${versionOf('xstate')}; bpmn-engine ${versionOf('bpmn-engine')}
- **Sizes:** BENCH_CASES=${SIZES.cases}, BENCH_SEED_CASES=${SIZES.seedCases}, BENCH_PARTNERSHIPS=${SIZES.partnerships}, BENCH_TRANSITIONS=${SIZES.transitions}, BENCH_CLIENTS=${SIZES.clients}, BENCH_READ_SAMPLES=${SIZES.readSamples}, BENCH_READ_SECONDS=${SIZES.readSecondsPerRoute}, BENCH_ENGINE_MS=${SIZES.engineMs}
- **Writes measured on:** ${r.target.partnership.def.id}/${r.target.process.def.id}, ${r.target.event.type} from ${r.target.from} to ${r.target.event.to}
- **Reads:** ${readsMade(r.target, 'SQLite', r.reads.sqlite)}; ${'notMeasured' in r.reads.postgres ? 'PostgreSQL: not measured' : readsMade(r.target, 'PostgreSQL', r.reads.postgres)}

${table}

## How each row is measured

- **Durable HTTP.** Two server processes (bench/server-child.ts): the product, and a bare Express 5 route
  (bench/bare-route.ts) that per request runs BEGIN IMMEDIATE, inserts a history row, updates the case row where
  its version matches, COMMIT, on the same driver with the product's durability (SQLite WAL, synchronous=FULL,
  one writer connection). The product's cases are created first, untimed; each timed request is one transition
  (\`POST /api/cases/:id/events\`) of a different case, from ${SIZES.clients} concurrent clients in the bench process.
  Product and bare alternate in halves. PostgreSQL: set BENCH_POSTGRES_URL to a role that may create databases;
  two databases are made for the run and dropped after.
- **Engine peers.** In the bench process, each for BENCH_ENGINE_MS after a warm-up, on the same shape: a start,
  one person's step, an end. The engine folds the stored history (\`project\`) and decides the event (form, guards,
  effects) as the product does per transition; XState restores a persisted snapshot, sends, persists; bpmn-engine
  recovers its saved state, resumes, signals the user task, waits for the end and takes its state.
- **Reads.** The partnership's scenario files replayed through the API on their own "today"s (bench/seed.ts), then
  copied in one SQL transaction (bench/multiply.ts): each copy's dates moved back up to three years, ids and
  references suffixed; timers, notifications and sessions not copied; the copies keep the originals' hashes, so
  verify-audit fails on this database, which is for reading only. The database is on /dev/shm where there is one,
  so the product's first start on it (one durable write per due reminder) takes seconds, not minutes; reads come
  from the page cache either way. One person who may read every case reads, one request at a time; the busiest
  year of the history and the process with most cases are the ones asked about. Before any read, the read
  aggregates the triggers kept while the copies went in are checked against a recount (verify-audit's check).
  PostgreSQL: the same, in a database made for the run on a server found as for the durable HTTP row (a throwaway
  cluster of its own, or BENCH_POSTGRES_URL), with \`synchronous_commit = off\` for that database (its counterpart
  of /dev/shm; the reads barely commit) and VACUUM ANALYZE after the copies; the same routes in the same order, with
  SQLite's year, process and state, by the same person. Each route's ratio is its p99 over SQLite's, against the
  issue's "within 2× of SQLite".
- **Start-up.** A server process forked with the shipped configuration, then with the three partnership folders
  copied under new ids to BENCH_PARTNERSHIPS; the time from the fork (Node and tsx loading included, as with
  \`npm start\`) to the first 200 answer of \`GET /api/openapi.json\`, asked as soon as the server says it listens
  (on a port of the system's choosing); then its RSS.
- **Sign-in flood.** A server process; one signed-in person lists cases (${SIZES.readSamples} requests per stretch), in four quiet
  stretches and four while another process sends wrong-password sign-ins for another user, 20 at a time, from
  the same address.
`;
  const path = join(ROOT, 'bench', 'results.md');
  writeFileSync(path, text);
  return path;
}
