import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { loadCatalogue } from '../../server/config/index.ts';
import { ChildServer, NotServingError } from '../support/child-server.ts';
import { dropTestDatabase, newTestDatabase } from '../support/database.ts';
import { checkDatabase, Client, crashSeed, Model, mulberry32, startLoad, timersWaiting, type Target } from './crash-run.ts';
import { SCR_TRANSITIONS } from './workloads.ts';

/**
 * Two real server processes on one PostgreSQL database (the `postgres` project only: a SQLite file
 * has one server), clients sending events with `expectedVersion` to either, and each server killed
 * with SIGKILL in turn while the other carries the load. The cases are Rotherham's SCRs in
 * transition: each waits on a durable timer at the grace period's end, which passes while a server
 * is down, so the restarted server fires the due timers while the other's clients act on the same
 * cases. Afterwards every acknowledged transition is in the history once, no refused one is, each
 * timer fired exactly once and verify-audit passes.
 */
const [BEFORE, AFTER] = SCR_TRANSITIONS.days as [string, string];

/** Whichever of the servers is serving, at random for each request. */
function eitherOf(servers: readonly ChildServer[], random: () => number): Target {
  return {
    get url() {
      const serving = servers.filter((s) => s.serving);
      if (serving.length === 0) throw new NotServingError('neither server is serving');
      return serving[Math.floor(random() * serving.length)]!.url;
    },
  };
}

test('two servers, each killed mid-load in turn: nothing acknowledged lost, nothing refused kept, each timer fired once', async () => {
  const started = Date.now();
  const loaded = loadCatalogue(process.cwd());
  if (!loaded.ok) throw new Error('the configuration does not load');
  const dir = mkdtempSync(join(tmpdir(), 'two-servers-'));
  const databaseUrl = await newTestDatabase(dir);
  const seed = crashSeed();
  const random = mulberry32(seed);
  const [a, b] = [new ChildServer({ DATABASE_URL: databaseUrl, WORKFLOW_NOW: BEFORE }), new ChildServer({ DATABASE_URL: databaseUrl, WORKFLOW_NOW: BEFORE })];
  const model = new Model(seed.toString(36), SCR_TRANSITIONS);
  const clients = Array.from({ length: 4 }, () => new Client(eitherOf([a, b], random), model, random));
  const violations: string[] = [];
  let waitingAtGracePeriodEnd = 0;
  let leftForTheQuietRestart = 0;
  let checked;
  try {
    await Promise.all([a.start(), b.start()]);
    for (const client of clients) await client.signIn();
    const load = startLoad(clients, violations);
    // Before the grace period ends: cases written through both servers wait on their timers.
    await model.moreAnswers(40 + Math.floor(random() * 20));
    // A dies mid-load, its last requests in flight; B carries on alone.
    await a.kill();
    waitingAtGracePeriodEnd = await timersWaiting(databaseUrl);
    await model.moreAnswers(10);
    // The grace period ended while A was down: starting, A fires the due timers while B's clients act on those cases.
    a.setEnv({ WORKFLOW_NOW: AFTER });
    b.setEnv({ WORKFLOW_NOW: AFTER });
    await a.start();
    await model.moreAnswers(20);
    // Then B dies mid-load; restarted after the grace period too, it fires the timers of the cases created through it since.
    await b.kill();
    await model.moreAnswers(10);
    await b.start();
    model.today = AFTER;
    await model.moreAnswers(20);
    await load.stop();
    leftForTheQuietRestart = await timersWaiting(databaseUrl, AFTER);
    // A timer whose case a client moved while a server fired it is left for that server's next check (once a minute):
    // a quiet restart makes that check now, before the record is read.
    if (leftForTheQuietRestart > 0) {
      await a.stop();
      await a.start();
    }
    checked = await checkDatabase(databaseUrl, model.ops, { catalogue: loaded.catalogue, round: 'two servers', workload: SCR_TRANSITIONS, today: AFTER });
  } finally {
    await Promise.all([a.stop(), b.stop()]);
    await dropTestDatabase(databaseUrl);
    rmSync(dir, { recursive: true, force: true });
  }
  const { tally } = checked;
  const seconds = Math.round((Date.now() - started) / 100) / 10;
  console.log(
    `two servers (seed ${seed}): 2 kills, ${model.ops.length} requests, ${tally.acknowledged} acknowledged, ${tally.refused} refused, ` +
      `${tally.undelivered} undelivered, ${tally.unanswered} cut off (${tally.unansweredCommitted} committed), ${tally.cases} cases, ` +
      `${waitingAtGracePeriodEnd} timers waiting when the grace period ended, ${tally.timersFired} fired (${leftForTheQuietRestart} by the quiet restart), ${tally.linkedCases} linked cases, ` +
      `${checked.violations.length + violations.length} violations, ${seconds} s`,
  );
  expect([...violations, ...checked.violations]).toEqual([]);
  // The load was real, on both servers, and the timers were there to fire: none left waiting, each fired once.
  expect(tally.acknowledged).toBeGreaterThan(50);
  expect(tally.refused).toBeGreaterThan(0);
  expect(waitingAtGracePeriodEnd).toBeGreaterThan(0);
  expect(tally.timersFired).toBeGreaterThan(0);
  expect(tally.timersPending).toBe(0);
}, 300_000);
