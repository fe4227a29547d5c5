/**
 * Durable HTTP transitions per second at N concurrent clients: the product's `POST
 * /api/cases/:id/events` (session, CSRF, form, guards, history, projection, commit) against the bare
 * route of bare-route.ts doing the equivalent commit on the same driver, each server in a process of
 * its own. The cases are created first, untimed, so that every timed request is one transition of a
 * case at version 1. The two alternate in halves (product, bare, product, bare) so that a change in
 * the machine's other load falls on both.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startChild, type ChildServer } from './child.ts';
import { onPostgres } from './postgres.ts';
import { Client, concurrently, percentile, progress, ROOT, SIZES, timed, type Target, TODAY } from './support.ts';

export interface Throughput {
  perSecond: number;
  p50: number;
  p99: number;
}

export interface CeilingResult {
  driver: string;
  product: Throughput;
  bare: Throughput;
}

export type CeilingRow = CeilingResult | { driver: string; notMeasured: string };

interface Side {
  /** Sends transition `i` of this half; resolves once answered 200. */
  send(i: number, worker: number): Promise<void>;
}

async function productSide(server: ChildServer, target: Target, transitions: number): Promise<Side> {
  const username = `${target.partnership.def.id}.${target.startRole}`;
  const clients = await Promise.all(Array.from({ length: SIZES.clients }, () => Client.signIn(server.url, username)));
  const ids: string[] = new Array(transitions);
  const path = `/api/partnerships/${target.partnership.def.id}/processes/${target.process.def.id}/cases`;
  await concurrently(transitions, SIZES.clients, async (i, worker) => {
    const reply = await clients[worker]!.request('POST', path, { data: { ...target.startData, summary: `Benchmark ${i}` } });
    if (reply.status !== 201) throw new Error(`create failed: ${reply.status} ${JSON.stringify(reply.body)}`);
    ids[i] = (reply.body as { id: string }).id;
  });
  return {
    async send(i, worker) {
      const reply = await clients[worker]!.request('POST', `/api/cases/${ids[i]}/events`, { type: target.event.type, data: target.eventData, expectedVersion: 1 });
      if (reply.status !== 200) throw new Error(`event failed: ${reply.status} ${JSON.stringify(reply.body)}`);
    },
  };
}

function bareSide(server: ChildServer, target: Target): Side {
  const client = new Client(server.url);
  return {
    async send(i) {
      const reply = await client.request('POST', `/cases/case-${i}/events`, { type: target.event.type, data: target.eventData, expectedVersion: 1 });
      if (reply.status !== 200) throw new Error(`bare commit failed: ${reply.status}`);
    },
  };
}

/** Both sides' transitions [0, n) in alternating halves; throughput over the time each spent. */
async function alternate(product: Side, bare: Side, transitions: number): Promise<{ product: Throughput; bare: Throughput }> {
  const half = Math.ceil(transitions / 2);
  const spent = { product: { ms: 0, latencies: [] as number[] }, bare: { ms: 0, latencies: [] as number[] } };
  for (const offset of [0, half]) {
    for (const [name, side] of [['product', product], ['bare', bare]] as const) {
      const count = Math.min(half, transitions - offset);
      const run = await timed(() => concurrently(count, SIZES.clients, (i, worker) => side.send(offset + i, worker)));
      spent[name].ms += run.ms;
      spent[name].latencies.push(...run.result);
    }
  }
  const summary = ({ ms, latencies }: { ms: number; latencies: number[] }): Throughput => ({
    perSecond: latencies.length / (ms / 1000),
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
  });
  return { product: summary(spent.product), bare: summary(spent.bare) };
}

async function measure(target: Target, productUrl: string, bare: { driver: 'sqlite' | 'postgres'; url: string }): Promise<{ product: Throughput; bare: Throughput }> {
  const transitions = SIZES.transitions;
  const product = await startChild({ kind: 'product', databaseUrl: productUrl, now: TODAY, root: ROOT });
  const ceiling = await startChild({ kind: 'bare', driver: bare.driver, url: bare.url, cases: transitions, connections: SIZES.clients });
  try {
    progress(`${bare.driver}: creating ${transitions} cases to move on`);
    const productSender = await productSide(product, target, transitions);
    progress(`${bare.driver}: ${transitions} transitions each, product and bare alternating, ${SIZES.clients} clients`);
    return await alternate(productSender, bareSide(ceiling, target), transitions);
  } finally {
    await Promise.all([product.stop(), ceiling.stop()]);
  }
}

export async function sqliteCeiling(target: Target): Promise<CeilingResult> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-ceiling-'));
  try {
    const measured = await measure(target, `sqlite:${join(dir, 'product.sqlite')}`, { driver: 'sqlite', url: join(dir, 'bare.sqlite') });
    return { driver: 'SQLite (sqlite3)', ...measured };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The same on PostgreSQL (postgres.ts finds one), in two databases made for the run and dropped after it. */
export async function postgresCeiling(target: Target): Promise<CeilingRow> {
  const names = [`bench_${process.pid}_product`, `bench_${process.pid}_bare`];
  const run = await onPostgres(names, ([product, bare]) => measure(target, product!, { driver: 'postgres', url: bare! }));
  const driver = run.origin === undefined ? 'PostgreSQL (pg)' : `PostgreSQL (pg; ${run.origin})`;
  return 'none' in run ? { driver, notMeasured: run.none } : { driver, ...run.result };
}
