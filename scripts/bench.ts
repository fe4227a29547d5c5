/**
 * `npm run bench`: what a transition costs, measured in one run and reported as ratios, so the
 * figures compare across machines. Uses the Merton-style dispute of the shipped configuration:
 * the first process of the first partnership whose start form needs only a `summary`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { HashingLimit } from '../server/auth/hashing.ts';
import { loadCatalogue } from '../server/config/index.ts';
import { decideCreate, decideEvent } from '../server/engine/step.ts';
import type { IsoDate } from '../server/engine/definition.ts';
import { startServer } from '../server/main.ts';
import { ApiClient } from '../tests/support/server.ts';

const ROOT = resolve(import.meta.dirname, '..');
const TODAY = '2020-10-01' as IsoDate;
/** Noon in London on that day: the instant the engine's steps are taken at. */
const AT = '2020-10-01T11:00:00Z';

function time<T>(run: () => T): { result: T; ms: number } {
  const start = performance.now();
  const result = run();
  return { result, ms: performance.now() - start };
}

async function timeAsync<T>(run: () => Promise<T>): Promise<{ result: T; ms: number }> {
  const start = performance.now();
  const result = await run();
  return { result, ms: performance.now() - start };
}

const load = time(() => loadCatalogue(ROOT));
if (!load.result.ok) throw new Error('the configuration does not load; run npm run validate');
const catalogue = load.result.catalogue;

// A process whose start form takes just a summary, and its first event whose form is satisfied by {}.
const candidates = [...catalogue.partnerships.values()].flatMap((partnership) =>
  [...partnership.processes.values()].map((workflow) => ({ partnership, workflow })),
);
const target = candidates.find(({ partnership, workflow }) => {
  const form = workflow.def.start.form ? partnership.forms.get(workflow.def.start.form) : undefined;
  return form !== undefined && form.validate({ summary: 'x' }).length === 0;
});
if (target === undefined) throw new Error('no process starts with a summary alone');
const { partnership, workflow } = target;
const startRole = workflow.def.start.roles[0]!;
const actor = { username: `${partnership.def.id}.${startRole}`, roles: [startRole] };

// 1. The pure engine: create + one event that stays or moves, no I/O.
const created = decideCreate(partnership, workflow, { data: { summary: 'Benchmark' }, actor, at: AT });
const withdraw = [...(workflow.events.get(created.projection.state)?.values() ?? [])].find((e) => e.roles.includes('raiser'));
if (withdraw === undefined) throw new Error(`no event of ${workflow.def.id} may be sent by the raiser`);
const engineRuns = 20_000;
const engine = time(() => {
  for (let i = 0; i < engineRuns; i++) {
    const start = decideCreate(partnership, workflow, { data: { summary: `Benchmark ${i}` }, actor, at: AT });
    decideEvent(partnership, workflow, start.projection, { type: withdraw.type, data: { reason: 'benchmark' }, actor, at: AT });
  }
});
const enginePerSecond = (engineRuns * 2) / (engine.ms / 1000);

// 2. The same transitions over HTTP, each committed to SQLite (WAL, synchronous=FULL) before the answer.
const dir = mkdtempSync(join(tmpdir(), 'bench-'));
const server = await startServer({ port: 0, databaseUrl: `sqlite:${join(dir, 'db.sqlite')}`, now: TODAY, demo: true });
const clients = await Promise.all(Array.from({ length: 8 }, () => ApiClient.signIn(server, actor.username)));
const httpCases = 400;
const rssBefore = process.memoryUsage().rss;
const http = await timeAsync(async () => {
  let next = 0;
  await Promise.all(
    clients.map(async (client) => {
      while (next < httpCases) {
        next++;
        const res = await client.createCase(partnership.def.id, workflow.def.id, { summary: `Benchmark ${next}` });
        if (res.status !== 201) throw new Error(`create failed: ${res.status}`);
        const moved = await client.sendEvent(res.body.id, withdraw.type, { reason: 'benchmark' }, 1);
        if (moved.status !== 200) throw new Error(`event failed: ${moved.status}`);
      }
    }),
  );
});
const httpPerSecond = (httpCases * 2) / (http.ms / 1000);
const list = await timeAsync(() => clients[0]!.get('/api/cases?limit=200'));
const rssAfter = process.memoryUsage().rss;
await server.close();
rmSync(dir, { recursive: true, force: true });

// 3. Sign-ins under a flood: another signed-in person's GET /api/cases, p99, while one client sends
// sign-ins as fast as it can (right passwords, which the throttle never limits), against the same
// with no flood, on one server in one run; then again with the bound on hashing lifted, which is
// what the bound is worth. The flood's one address has at most 10 sign-ins in flight (the throttle).
// Quiet and flooded stretches alternate, so a change in the machine's other load falls on both.
async function casesP99UnderFlood(passwordHashing: HashingLimit | undefined): Promise<{ quiet: number; flooded: number; signIns: number }> {
  const floodDir = mkdtempSync(join(tmpdir(), 'bench-flood-'));
  const floodServer = await startServer({ port: 0, databaseUrl: `sqlite:${join(floodDir, 'db.sqlite')}`, now: TODAY, demo: true, passwordHashing });
  try {
    const reader = await ApiClient.signIn(floodServer, actor.username);
    for (let i = 0; i < 50; i++) await reader.createCase(partnership.def.id, workflow.def.id, { summary: `Listed ${i}` });
    const sample = async (into: number[]) => {
      for (let i = 0; i < 100; i++) {
        const { result, ms } = await timeAsync(() => reader.get('/api/cases'));
        if (result.status !== 200) throw new Error(`list failed: ${result.status}`);
        into.push(ms);
      }
    };
    const quiet: number[] = [];
    const flooded: number[] = [];
    let signIns = 0;
    for (let round = 0; round < 4; round++) {
      await sample(quiet);
      let flooding = true;
      const flood = Promise.all(
        Array.from({ length: 20 }, async () => {
          while (flooding) {
            const res = await new ApiClient(floodServer).request('POST', '/api/session', { username: actor.username, password: 'demo' });
            if (res.status === 200) signIns++;
            else if (res.status !== 429) throw new Error(`sign-in failed: ${res.status}`);
          }
        }),
      );
      await sample(flooded);
      flooding = false;
      await flood;
    }
    const p99 = (times: number[]) => [...times].sort((a, b) => a - b)[Math.ceil(times.length * 0.99) - 1]!;
    return { quiet: p99(quiet), flooded: p99(flooded), signIns };
  } finally {
    await floodServer.close();
    rmSync(floodDir, { recursive: true, force: true });
  }
}
const bounded = await casesP99UnderFlood(undefined);
const unbounded = await casesP99UnderFlood(new HashingLimit(Number.POSITIVE_INFINITY, 0));

const rows = [
  ['configuration load (all partnerships)', `${load.ms.toFixed(0)} ms`],
  ['engine decisions per second (pure)', enginePerSecond.toFixed(0)],
  ['HTTP transitions per second (8 clients, durable commit)', httpPerSecond.toFixed(0)],
  ['ratio: one durable HTTP transition costs this many engine decisions', (enginePerSecond / httpPerSecond).toFixed(1)],
  ['list of 200 cases', `${list.ms.toFixed(1)} ms`],
  ['ratio: list of 200 cases / one HTTP transition', (list.ms / (1000 / httpPerSecond)).toFixed(2)],
  [`memory growth over ${httpCases} cases (RSS, server in process)`, `${((rssAfter - rssBefore) / 1024 / 1024).toFixed(1)} MiB`],
  ['another user\'s GET /api/cases p99, no flood / flood of sign-ins', `${bounded.quiet.toFixed(1)} ms / ${bounded.flooded.toFixed(1)} ms (${bounded.signIns} sign-ins)`],
  ['ratio: that p99 during a flood of sign-ins / without (hashing bounded)', (bounded.flooded / bounded.quiet).toFixed(2)],
  ['ratio: the same with the bound on hashing lifted', (unbounded.flooded / unbounded.quiet).toFixed(2)],
];
console.log(`benchmark: ${partnership.def.id}/${workflow.def.id}, node ${process.version}`);
for (const [name, value] of rows) console.log(`${name.padEnd(72)} ${value}`);
