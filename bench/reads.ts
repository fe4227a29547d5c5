/**
 * The read routes at BENCH_CASES cases of one partnership, on SQLite and then on PostgreSQL: made
 * through the API (seed.ts), multiplied in the database (multiply.ts), then read by one signed-in
 * person of the partnership who may read every case of every process (the role `access.read` names
 * most), one request at a time, from a server in a process of its own whose memory is measured after
 * the run. A route is sampled BENCH_READ_SAMPLES times, or for BENCH_READ_SECONDS once it has at
 * least 5 samples. PostgreSQL is asked the questions SQLite's data chose (the same year, process and
 * state), so that each route's two figures are of the same request.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mayReadEvery } from '../server/cases/access.ts';
import type { CompiledPartnership } from '../server/engine/catalogue.ts';
import { databaseLocation } from '../server/main.ts';
import { openReadOnly } from '../server/store/database.ts';
import { openPostgresConnection } from '../server/store/postgres.ts';
import { startChild } from './child.ts';
import { multiplyCases } from './multiply.ts';
import { onPostgres } from './postgres.ts';
import { seedThroughApi } from './seed.ts';
import { Client, percentile, progress, ROOT, SIZES, timed } from './support.ts';

const MIN_SAMPLES = 5;
/**
 * Memory-backed where the machine has it: the product's first start on the multiplied cases writes
 * each copy's due reminder in a durable transaction of its own, minutes on a disk; reads are served
 * from the page cache either way.
 */
const DATABASE_DIR = existsSync('/dev/shm') ? '/dev/shm' : tmpdir();

export interface RouteResult {
  name: string;
  path: string;
  p50: number;
  p99: number;
  samples: number;
  /** Of the last answer. */
  bytes: number;
  /** Rows in the last answer, when it is a list or a page. */
  rows?: number;
  /** The answer is a bare list: everything asked for at once, not a page of it. */
  whole: boolean;
}

/** What the routes ask about: the data's busiest year, and the process with most cases and its commonest state. */
export interface Focus {
  year: string;
  process: string;
  state: string;
}

export interface ReadsResult {
  cases: number;
  /** Created through the API, and with the cases their steps started. */
  seeded: number;
  originals: number;
  seedCutShort: number;
  seedMs: number;
  multiplyMs: number;
  serverStartMs: number;
  today: string;
  focus: Focus;
  reader: string;
  routes: RouteResult[];
  rss: number;
}

export interface Reads {
  sqlite: ReadsResult;
  postgres: ReadsResult | { notMeasured: string };
}

/** The role whose holders may read every case of the most processes of the partnership. */
function widestReader(partnership: CompiledPartnership): string {
  const processes = [...partnership.processes.values()];
  const reach = (role: string) => processes.filter((p) => mayReadEvery(p, { roles: [role] })).length;
  return [...partnership.def.roles].map((r) => r.id).sort((a, b) => reach(b) - reach(a))[0]!;
}

function rowsOf(body: unknown): number | undefined {
  if (Array.isArray(body)) return body.length;
  const items = (body as { items?: unknown } | null)?.items;
  return Array.isArray(items) ? items.length : undefined;
}

async function sample(client: Client, name: string, paths: () => string): Promise<RouteResult> {
  const latencies: number[] = [];
  const until = performance.now() + SIZES.readSecondsPerRoute * 1000;
  let last = { status: 0, body: undefined as unknown, bytes: 0 };
  let path = '';
  while (latencies.length < SIZES.readSamples && (latencies.length < MIN_SAMPLES || performance.now() < until)) {
    path = paths();
    const run = await timed(() => client.get(path));
    if (run.result.status !== 200) throw new Error(`${name}: GET ${path} answered ${run.result.status}`);
    latencies.push(run.ms);
    last = run.result;
  }
  progress(`reads: ${name}: ${latencies.length} samples, p99 ${percentile(latencies, 99).toFixed(1)} ms`);
  const rows = rowsOf(last.body);
  return { name, path, p50: percentile(latencies, 50), p99: percentile(latencies, 99), samples: latencies.length, bytes: last.bytes, whole: Array.isArray(last.body) && !path.includes('limit='), ...(rows === undefined ? {} : { rows }) };
}

/** The routes, in the order report.ts's targets follow; `caseId` gives the next case to read. */
function routes(p: string, { year, process, state }: Focus, caseId: () => string): { name: string; path: () => string }[] {
  const yearRange = `from=${year}-01-01&to=${year}-12-31`;
  return [
    { name: 'case list (newest first, first page)', path: () => '/api/cases' },
    { name: 'filtered list (process and state)', path: () => `/api/cases?process=${process}&state=${state}` },
    { name: 'overdue filter, by due date', path: () => '/api/cases?overdue=true&sort=due' },
    { name: 'one case', path: () => `/api/cases/${encodeURIComponent(caseId())}` },
    { name: 'statechart counts', path: () => `/api/partnerships/${p}/processes/${process}/graph` },
    { name: `escalation log, ${year}, first page`, path: () => `/api/partnerships/${p}/escalation-log?${yearRange}&limit=100` },
    { name: `escalation log, ${year}, all of it`, path: () => `/api/partnerships/${p}/escalation-log?${yearRange}` },
    { name: `yearly summary, ${year}`, path: () => `/api/partnerships/${p}/reports/summary?${yearRange}` },
  ];
}

/** The focus of the data (unless one is given) and the cases the "one case" route reads, in a random order. */
async function ask(databaseUrl: string, given?: Focus): Promise<{ focus: Focus; ids: string[] }> {
  const db = await openReadOnly(databaseLocation(databaseUrl));
  try {
    const first = async <T>(sql: string, params: (string | number)[] = []) => (await db.get<T>(sql, params))!;
    const ids = (await db.all<{ id: string }>('SELECT id FROM cases ORDER BY random() LIMIT ?', [SIZES.readSamples])).map((r) => r.id);
    if (given !== undefined) return { focus: given, ids };
    // The data's busiest year, and the process with most cases: the heaviest honest questions.
    const { year } = await first<{ year: string }>('SELECT substr(at, 1, 4) AS year FROM history GROUP BY year ORDER BY COUNT(*) DESC LIMIT 1');
    const { process } = await first<{ process: string }>('SELECT process FROM cases GROUP BY process ORDER BY COUNT(*) DESC LIMIT 1');
    const { state } = await first<{ state: string }>('SELECT state FROM cases WHERE process = ? GROUP BY state ORDER BY COUNT(*) DESC LIMIT 1', [process]);
    return { focus: { year, process, state }, ids };
  } finally {
    await db.close();
  }
}

/** Seeds, multiplies and reads the database `databaseUrl` names, which starts empty. */
async function readsOn(partnership: CompiledPartnership, databaseUrl: string, given?: Focus): Promise<ReadsResult> {
  const seed = await timed(() => seedThroughApi(partnership, databaseUrl));
  const multiplied = await timed(() => multiplyCases(databaseUrl, SIZES.cases));
  const today = seed.result.today;
  const { focus, ids } = await ask(databaseUrl, given);
  progress(`reads: starting the server on ${multiplied.result.cases} cases`);
  const server = await startChild({ kind: 'product', databaseUrl, now: today, root: ROOT });
  try {
    const reader = `${partnership.def.id}.${widestReader(partnership)}`;
    const client = await Client.signIn(server.url, reader);
    let nextId = 0;
    const measured: RouteResult[] = [];
    for (const route of routes(partnership.def.id, focus, () => ids[nextId++ % ids.length]!)) measured.push(await sample(client, route.name, route.path));
    return {
      cases: multiplied.result.cases,
      originals: multiplied.result.originals,
      seeded: seed.result.cases,
      seedCutShort: seed.result.cutShort,
      seedMs: seed.ms,
      multiplyMs: multiplied.ms,
      serverStartMs: server.readyMs,
      today,
      focus,
      reader,
      routes: measured,
      rss: await server.rss(),
    };
  } finally {
    await server.stop();
  }
}

async function sqliteReads(partnership: CompiledPartnership): Promise<ReadsResult> {
  const dir = mkdtempSync(join(DATABASE_DIR, 'bench-reads-'));
  try {
    return await readsOn(partnership, `sqlite:${join(dir, 'db.sqlite')}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * On a database made for the run whose commits do not wait for the disk, as SQLite's file on /dev/shm
 * does not: seeding and the first start's reminders (a commit each) then take the product's time
 * rather than the disk's, on both. The reads barely commit (a session's touch once a minute at most).
 */
async function postgresReads(partnership: CompiledPartnership, focus: Focus): Promise<Reads['postgres']> {
  const name = `bench_${process.pid}_reads`;
  const run = await onPostgres([name], async ([url]) => {
    const db = await openPostgresConnection(url!);
    await db.exec(`ALTER DATABASE ${name} SET synchronous_commit = off`).finally(() => db.close());
    return readsOn(partnership, url!, focus);
  });
  return 'none' in run ? { notMeasured: run.none } : run.result;
}

export async function reads(partnership: CompiledPartnership): Promise<Reads> {
  const sqlite = await sqliteReads(partnership);
  progress('reads: the same on PostgreSQL');
  return { sqlite, postgres: await postgresReads(partnership, sqlite.focus) };
}
