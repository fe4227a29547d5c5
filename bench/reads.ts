/**
 * The read routes at BENCH_CASES cases of one partnership: made through the API (seed.ts), multiplied
 * in the database (multiply.ts), then read by one signed-in person of the partnership who may read
 * every case of every process (the role `access.read` names most), one request at a time, from a
 * server in a process of its own whose memory is measured after the run. A route is sampled
 * BENCH_READ_SAMPLES times, or for BENCH_READ_SECONDS once it has at least 5 samples.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sqlite3 from 'sqlite3';
import { mayReadEvery } from '../server/cases/access.ts';
import type { CompiledPartnership } from '../server/engine/catalogue.ts';
import { startChild } from './child.ts';
import { multiplyCases } from './multiply.ts';
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
  year: string;
  reader: string;
  routes: RouteResult[];
  rss: number;
}

/** The role whose holders may read every case of the most processes of the partnership. */
function widestReader(partnership: CompiledPartnership): string {
  const processes = [...partnership.processes.values()];
  const reach = (role: string) => processes.filter((p) => mayReadEvery(p, { roles: [role] })).length;
  return [...partnership.def.roles].map((r) => r.id).sort((a, b) => reach(b) - reach(a))[0]!;
}

function query<T>(path: string, sql: string, params: unknown[] = []): Promise<T[]> {
  return new Promise((resolve, reject) => {
    const db = new sqlite3.Database(path, sqlite3.OPEN_READONLY, (error) => {
      if (error) return reject(error);
      db.all(sql, params, (failed, rows: T[]) => db.close(() => (failed ? reject(failed) : resolve(rows))));
    });
  });
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

export async function reads(partnership: CompiledPartnership): Promise<ReadsResult> {
  const dir = mkdtempSync(join(DATABASE_DIR, 'bench-reads-'));
  const file = join(dir, 'db.sqlite');
  try {
    const seed = await timed(() => seedThroughApi(partnership, `sqlite:${file}`));
    const multiplied = await timed(() => multiplyCases(file, SIZES.cases));
    const today = seed.result.today;
    // The data's busiest year, and the process with most cases: the heaviest honest questions.
    const [{ year }] = (await query<{ year: string }>(file, 'SELECT substr(at, 1, 4) AS year FROM history GROUP BY year ORDER BY COUNT(*) DESC LIMIT 1')) as [{ year: string }];
    const [{ process }] = (await query<{ process: string }>(file, 'SELECT process FROM cases GROUP BY process ORDER BY COUNT(*) DESC LIMIT 1')) as [{ process: string }];
    const [{ state }] = (await query<{ state: string }>(file, 'SELECT state FROM cases WHERE process = ? GROUP BY state ORDER BY COUNT(*) DESC LIMIT 1', [process])) as [{ state: string }];
    const ids = (await query<{ id: string }>(file, 'SELECT id FROM cases ORDER BY random() LIMIT ?', [SIZES.readSamples])).map((r) => r.id);

    progress(`reads: starting the server on ${multiplied.result.cases} cases`);
    const server = await startChild({ kind: 'product', databaseUrl: `sqlite:${file}`, now: today, root: ROOT });
    try {
      const reader = `${partnership.def.id}.${widestReader(partnership)}`;
      const client = await Client.signIn(server.url, reader);
      const p = partnership.def.id;
      const yearRange = `from=${year}-01-01&to=${year}-12-31`;
      let nextId = 0;
      const routes: RouteResult[] = [];
      routes.push(await sample(client, 'case list (newest first, first page)', () => '/api/cases'));
      routes.push(await sample(client, `filtered list (process and state)`, () => `/api/cases?process=${process}&state=${state}`));
      routes.push(await sample(client, 'overdue filter, by due date', () => '/api/cases?overdue=true&sort=due'));
      routes.push(await sample(client, 'one case', () => `/api/cases/${encodeURIComponent(ids[nextId++ % ids.length]!)}`));
      routes.push(await sample(client, 'statechart counts', () => `/api/partnerships/${p}/processes/${process}/graph`));
      routes.push(await sample(client, `escalation log, ${year}, first page`, () => `/api/partnerships/${p}/escalation-log?${yearRange}&limit=100`));
      routes.push(await sample(client, `escalation log, ${year}, all of it`, () => `/api/partnerships/${p}/escalation-log?${yearRange}`));
      routes.push(await sample(client, `yearly summary, ${year}`, () => `/api/partnerships/${p}/reports/summary?${yearRange}`));
      return {
        cases: multiplied.result.cases,
        originals: multiplied.result.originals,
        seeded: seed.result.cases,
        seedCutShort: seed.result.cutShort,
        seedMs: seed.ms,
        multiplyMs: multiplied.ms,
        serverStartMs: server.readyMs,
        today,
        year,
        reader,
        routes,
        rss: await server.rss(),
      };
    } finally {
      await server.stop();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
