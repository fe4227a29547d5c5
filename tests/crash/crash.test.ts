import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { loadCatalogue } from '../../server/config/index.ts';
import { dropTestDatabase, newTestDatabase } from '../support/database.ts';
import { ApiClient, startTestServer } from '../support/server.ts';
import { checkDatabase, checkLinks, checkTimers, crashRun, formatSummary, type CrashRunOptions, type CrashRunResult, type Op } from './crash-run.ts';
import { DISPUTES, SCR_TRANSITIONS, type CheckedRow } from './workloads.ts';

/**
 * The crash run, shortened for `npm test`: 20 SIGKILLs of a real server process under a small
 * concurrent load, each followed by a restart and a check of every request made so far; then 12
 * over a process with deadlines, a durable timer and a linked case. `npm run test:crash` runs the
 * long version.
 */
/** A crash run on a database of its own (a SQLite file, or a PostgreSQL database in the `postgres` project), printed under `title`. */
async function crashRunOnTestDatabase(title: string, options: Partial<CrashRunOptions>): Promise<CrashRunResult> {
  const dir = mkdtempSync(join(tmpdir(), 'crash-test-'));
  const databaseUrl = await newTestDatabase(dir);
  try {
    const result = await crashRun({ ...options, databaseUrl });
    console.log(`${title}\n${formatSummary(result)}`);
    return result;
  } finally {
    await dropTestDatabase(databaseUrl);
    rmSync(dir, { recursive: true, force: true });
  }
}

/** What every crash run must show: no violation, every kill counted as it happened, one or more during start-up, a real load. */
function expectSurvived(result: CrashRunResult, kills: number, acknowledgedOver: number): void {
  expect(result.violations).toEqual([]);
  // Counted as they happened, not echoed from the options; at least one hit a server still starting.
  expect(result.kills).toBe(kills);
  expect(result.killsDuringStartup).toBeGreaterThanOrEqual(1);
  // The load was real: transitions were acknowledged and refused along the way.
  expect(result.acknowledged).toBeGreaterThan(acknowledgedOver);
  expect(result.refused).toBeGreaterThan(0);
}

test('20 kills under concurrent load lose no acknowledged transition and keep no refused one', async () => {
  // Between kills the server answers 5 to 40 requests, counted, not timed: the same load on a busy machine.
  const result = await crashRunOnTestDatabase('crash run (short)', { kills: 20, clients: 3, answersPerRound: [5, 40], startupKillShare: 0.1 });
  expectSurvived(result, 20, 50);
  expect(result.cases).toBeGreaterThan(5);
  // Each kill costs a restart (tsx compiling the server): with both cores busy a start takes seconds, so the bound is generous.
}, 600_000);

test("kills over deadlines, timers and linked cases leave each case's deadlines, tasks, timers and links as its history decides", async () => {
  // Half the kills before the grace period ends, half after: the waiting timers come due at a restart, perhaps one killed.
  const result = await crashRunOnTestDatabase('crash run (deadlines, timers, linked cases)', {
    kills: 12,
    clients: 3,
    answersPerRound: [5, 30],
    startupKillShare: 0.1,
    workload: SCR_TRANSITIONS,
  });
  expectSurvived(result, 12, 30);
  // Not vacuous: the projection verify-audit compared had deadlines, tasks, timers and links in it, and timers fired.
  expect(result.deadlines).toBeGreaterThan(0);
  expect(result.tasks).toBeGreaterThan(0);
  expect(result.timersWaitingMost).toBeGreaterThan(0);
  expect(result.timersFired).toBeGreaterThan(0);
  expect(result.linkedCases).toBeGreaterThan(0);
}, 600_000);

test('the checker is not vacuous: it reports a lost acknowledgement and a stored refusal', async () => {
  const server = await startTestServer({ now: '2020-10-01' });
  try {
    const partner = await ApiClient.signIn(server, 'merton.statutory-partner');
    const created = await partner.createCase('merton', 'dispute-resolution', { summary: 'crash-x-op1' });
    const ops: Op[] = [
      // Stored, but recorded as refused: the checker must object.
      { marker: 'crash-x-op1', kind: 'create', type: 'CREATE', outcome: 'refused', status: 409 },
      // Acknowledged, but nowhere in the file: the checker must object.
      { marker: 'crash-x-op2', kind: 'event', type: 'UNRESOLVED', caseId: created.body.id, expectedVersion: 1, outcome: 'ok', status: 200 },
    ];
    const loaded = loadCatalogue(process.cwd());
    if (!loaded.ok) throw new Error('configuration');
    const { violations } = await checkDatabase(server.databaseUrl, ops, { catalogue: loaded.catalogue, round: 'self-test', workload: DISPUTES });
    expect(violations).toEqual([
      expect.stringContaining('crash-x-op1: CREATE was refused (409) but is in the history'),
      expect.stringContaining('crash-x-op2: UNRESOLVED was acknowledged (200) but is not in the history'),
    ]);
  } finally {
    await server.close();
  }
});

test('the timer and link checks are not vacuous: a timer fired twice or left due, a started case missing or unclaimed', () => {
  const row = (caseId: string, seq: number, type: string, by: string, effects: object = {}): CheckedRow => ({
    case_id: caseId,
    seq,
    type,
    from_state: null,
    to_state: 'x',
    by,
    data: '{}',
    effects: JSON.stringify(effects),
  });
  const timerFailures: string[] = [];
  const fired = checkTimers(
    [row('case-1', 2, 'GRACE_PERIOD_ENDED', 'system'), row('case-1', 3, 'GRACE_PERIOD_ENDED', 'system'), row('case-2', 2, 'GRACE_PERIOD_ENDED', 'system')],
    [{ case_id: 'case-3', event: 'GRACE_PERIOD_ENDED', fire_on: '2020-09-30' }],
    '2020-10-01',
    (message) => timerFailures.push(message),
  );
  expect(fired).toBe(3);
  expect(timerFailures).toEqual([
    'timer case-1 GRACE_PERIOD_ENDED fired 2 times',
    'timer GRACE_PERIOD_ENDED of case case-3 was due on 2020-09-30 but had not fired when the server served on 2020-10-01',
  ]);

  const linkFailures: string[] = [];
  const started = { caseId: 'review-1', process: 'cspr', relation: 'local-review' };
  const linked = checkLinks(
    [
      row('scr-1', 4, 'COMMISSION_LOCAL_REVIEW', 'rotherham.business-unit', { startedCases: [started, { ...started, caseId: 'review-2' }] }),
      row('review-1', 1, 'CREATE', 'rotherham.business-unit', { linkedFrom: { caseId: 'scr-1', process: 'scr-transition', relation: 'serious-case-review' } }),
      row('review-3', 1, 'CREATE', 'rotherham.business-unit', { linkedFrom: { caseId: 'scr-9', process: 'scr-transition', relation: 'serious-case-review' } }),
    ],
    new Set(['scr-1', 'review-1', 'review-3']),
    (message) => linkFailures.push(message),
  );
  expect(linked).toBe(2);
  expect(linkFailures).toEqual(['case scr-1 says it started case review-2, which does not exist', 'case review-3 says case scr-9 started it, but no step of that case did']);
});
