import { afterAll, beforeAll, expect, test } from 'vitest';
import { readableCasesSql, type Reader } from '../../server/cases/access.ts';
import { readYearlySummary } from '../../server/cases/reports.ts';
import { checkAggregates } from '../../server/store/aggregates.ts';
import type { IsoDate } from '../../server/engine/definition.ts';
import type { Connection, Database } from '../../server/store/database.ts';
import { shippedCatalogue } from '../support/catalogue.ts';
import { openTestConnection, openTestDatabase } from '../support/database.ts';
import { summaryFromRows } from '../support/summary-by-rows.ts';
import { ApiClient, startTestServer, type TestServer } from '../support/server.ts';
import { runScript } from '../security/support.ts';

/**
 * The read aggregates of migration 013 (server/store/aggregates.ts): kept by triggers as cases are
 * raised, moved on, closed, their deadlines met and corrected, and moved to another version; found
 * out by `checkAggregates` when wrong and put right by a rebuild; and giving the overdue filter, the
 * statechart counts and the yearly summary the answers a count of every case gives.
 */
let server: TestServer;
let db: Database;
let reader: Connection;
const TODAY = '2026-06-15' as IsoDate;
const READERS = ['merton.business-unit', 'merton.statutory-partner', 'merton.local-authority'];
const ids: Record<string, string> = {};
const partnership = shippedCatalogue().partnerships.get('merton')!;
const incident = (awareOn: string) => ({ awareOn, childDied: false, seriouslyHarmed: true, abuseOrNeglectKnownOrSuspected: true, lookedAfterChild: false, inArea: true });
const as = (username: string) => ApiClient.signIn(server, username);
const readerOf = (client: ApiClient): Reader => ({ username: client.user!.username, roles: client.user!.roles });

function ok(res: { status: number; body: any }) {
  expect(res.status, JSON.stringify(res.body)).toBeLessThan(300);
  return res.body;
}

beforeAll(async () => {
  // Deadlines of the rapid review notifications are five working days after awareOn.
  server = await startTestServer({ now: '2026-04-06T10:00:00Z' });
  let la = await as('merton.local-authority');
  const a = ok(await la.createCase('merton', 'cspr', incident('2026-03-25')));
  ids.notified = a.id;
  const notified = ok(await la.sendEvent(a.id, 'NOTIFIED', { partnersNotifiedOn: '2026-04-01', panelNotifiedOn: '2026-04-03' }, a.version));
  // Rotherham's outcomes: answers that are a text, a list, and a field of each item of a list.
  const chair = await as('rotherham.conference-chair');
  const psg = await as('rotherham.practice-standards-group');
  const veto = ok(await chair.createCase('rotherham', 'veto-review', { conferenceDate: '2026-04-01', majorityDecision: 'Child protection plan', chairDecision: 'No plan', rationale: 'Managed by the family' }));
  ok(await psg.sendEvent(veto.id, 'SCHEDULE', { meetingDate: '2026-04-06' }, 1));
  ok(await psg.sendEvent(veto.id, 'REVIEW', { outcome: 'agrees-with-veto', advice: 'Advice' }, 2));
  ok(await psg.sendEvent(veto.id, 'CLOSE', { learningOutputs: [{ kind: 'seven-minute-briefing', title: 'One' }, { kind: 'learning-on-a-page', title: 'Two' }] }, 3));
  const appraisal = ok(await psg.createCase('rotherham', 'practice-appraisal', { referredOn: '2026-04-02', referralReason: 'cause-for-concern', summary: 'A1' }));
  ok(await psg.sendEvent(appraisal.id, 'SCHEDULE', { meetingDate: '2026-04-06' }, 1));
  ok(await psg.sendEvent(appraisal.id, 'APPRAISED', { themes: ['information-sharing', 'voice-of-the-child'], findings: 'Findings' }, 2));
  const partner = await as('merton.statutory-partner');
  for (const name of ['open', 'unresolved', 'agreed']) ids[name] = ok(await partner.createCase('merton', 'dispute-resolution', { summary: name })).id;
  ok(await partner.sendEvent(ids.unresolved!, 'UNRESOLVED', { attendees: ['lb-merton'] }, 1));

  await server.restart({ now: '2026-05-02T23:30:00Z' });
  la = await as('merton.local-authority');
  ids.overdue = ok(await la.createCase('merton', 'cspr', incident('2026-05-01'))).id;
  ok(await (await as('merton.statutory-partner')).sendEvent(ids.agreed!, 'AGREED', { attendees: ['lb-merton', 'merton-ccg', 'met-police'] }, 1));

  await server.restart({ now: `${TODAY}T09:00:00Z` });
  ids.notYetDue = ok(await (await as('merton.local-authority')).createCase('merton', 'cspr', incident('2026-06-12'))).id;
  const bu = await as('merton.business-unit');
  ok(await bu.sendEvent(ids.notified, 'CORRECT_DATES', { reason: 'The Panel was notified on 31 March', panelNotifiedOn: '2026-03-31' }, notified.version));
  db = await openTestDatabase(server.databaseUrl);
  reader = await openTestConnection(server.databaseUrl);
});
afterAll(async () => {
  await reader?.close();
  await db?.close();
  await server.close();
});

/** The overdue filter as it was before the aggregates: a look at every open case's deadlines. */
const OLD_OVERDUE =
  'cases.final = 0 AND EXISTS (SELECT 1 FROM deadlines d WHERE d.case_id = cases.id AND d.met IS NULL AND d.satisfied_by IS NOT NULL AND d.due < ?)';

async function overdueByOldQuery(user: Reader): Promise<string[]> {
  const readable = readableCasesSql(partnership, user);
  const rows = await reader.all<{ id: string }>(`SELECT id FROM cases WHERE partnership = 'merton' AND ${readable.sql} AND ${OLD_OVERDUE} ORDER BY id`, [...readable.params, TODAY]);
  return rows.map((r) => r.id);
}

async function countsByOldQuery(user: Reader, process: string): Promise<Record<string, { count: number; overdue: number }>> {
  const readable = readableCasesSql(partnership, user);
  const rows = await reader.all<{ state: string; count: number; overdue: number }>(
    `SELECT state, COUNT(*) AS count, SUM(CASE WHEN ${OLD_OVERDUE} THEN 1 ELSE 0 END) AS overdue FROM cases
      WHERE partnership = 'merton' AND process = ? AND ${readable.sql} GROUP BY state`,
    [TODAY, process, ...readable.params],
  );
  return Object.fromEntries(rows.map((r) => [r.state, { count: Number(r.count), overdue: Number(r.overdue) }]));
}

async function overdueByApi(client: ApiClient): Promise<string[]> {
  const res = ok(await client.get('/api/cases?overdue=true&sort=due'));
  return res.items.map((i: { id: string }) => i.id).sort();
}

async function countsByApi(client: ApiClient, process: string): Promise<Record<string, { count: number; overdue: number }>> {
  const res = ok(await client.get(`/api/partnerships/merton/processes/${process}/graph`));
  return Object.fromEntries(res.nodes.filter((n: { count: number }) => n.count > 0).map((n: { id: string; count: number; overdue: number }) => [n.id, { count: n.count, overdue: n.overdue }]));
}

test('after deadlines added, met, corrected and cases closed, every aggregate equals a recount', async () => {
  expect(await checkAggregates(reader)).toEqual([]);
  const stored = await reader.get<{ next_due: string | null }>('SELECT next_due FROM cases WHERE id = ?', [ids.overdue]);
  // Five working days after Friday 1 May 2026, the bank holiday on the 4th left out.
  expect(stored?.next_due).toBe('2026-05-11');
});

test('the overdue filter and the statechart counts answer as the old count of every case does, for each reader', async () => {
  let overdueSeen = 0;
  for (const username of READERS) {
    const client = await as(username);
    const user = readerOf(client);
    const overdue = await overdueByApi(client);
    expect(overdue).toEqual(await overdueByOldQuery(user));
    overdueSeen += overdue.length;
    for (const process of ['cspr', 'dispute-resolution']) expect(await countsByApi(client, process), `${username} ${process}`).toEqual(await countsByOldQuery(user, process));
  }
  // The seeded set has an overdue case someone may read: the comparison is not of empty answers.
  expect(overdueSeen).toBeGreaterThan(0);
  const overdue = await overdueByApi(await as('merton.business-unit'));
  expect(overdue).toContain(ids.overdue);
  expect(overdue).not.toContain(ids.notYetDue);
});

test('the yearly summary counted from aggregates is the summary counted from every row, for each reader and period', async () => {
  const periods = [
    { from: '2026-01-01', to: '2026-12-31' },
    { from: '2026-04-06', to: '2026-04-06' },
    { from: '2026-04-07', to: '2026-06-14' },
    { from: '2026-05-03', to: '2026-06-15' },
    { from: '0000-01-01', to: '9999-12-31' },
  ];
  for (const username of [...READERS, 'rotherham.practice-standards-group', 'rotherham.conference-chair']) {
    const client = await as(username);
    const of = shippedCatalogue().partnerships.get(client.user!.partnership)!;
    const readable = readableCasesSql(of, readerOf(client), 'c');
    for (const { from, to } of periods) {
      const period = { from, to, timeZone: of.def.timeZone };
      const fromRows = await summaryFromRows(reader, of, readable, period, TODAY);
      expect(await readYearlySummary(reader, of, readable, period, TODAY), `${username} ${from}..${to}`).toEqual(fromRows);
      expect(ok(await client.get(`/api/partnerships/${of.def.id}/reports/summary?from=${from}&to=${to}`)).processes).toEqual(fromRows);
    }
  }
  const rotherham = shippedCatalogue().partnerships.get('rotherham')!;
  const psg = readerOf(await as('rotherham.practice-standards-group'));
  const counted = await readYearlySummary(reader, rotherham, readableCasesSql(rotherham, psg, 'c'), { from: '2026-01-01', to: '2026-12-31', timeZone: 'Europe/London' }, TODAY);
  expect(counted.find((p) => p.process === 'veto-review')?.outcomes).toMatchObject({ "Practice Standards Group's view of the veto": { 'agrees-with-veto': 1 } });
  expect(Object.values(counted.find((p) => p.process === 'practice-appraisal')!.outcomes)).toEqual(
    expect.arrayContaining([{ 'cause-for-concern': 1 }, { 'information-sharing': 1, 'voice-of-the-child': 1 }]),
  );
  const year = await readYearlySummary(reader, partnership, readableCasesSql(partnership, readerOf(await as('merton.business-unit')), 'c'), { from: '2026-01-01', to: '2026-12-31', timeZone: 'Europe/London' }, TODAY);
  expect(year.find((p) => p.process === 'cspr')).toMatchObject({ opened: 3, deadlines: { 'notify-national-panel': { met: 1, corrected: 1, overdue: 1, open: 1 } } });
  expect(year.find((p) => p.process === 'dispute-resolution')).toMatchObject({ opened: 3, closed: { resolved: 1 } });
});

test('a case moved to another version moves its counts, steps and deadlines with it', async () => {
  const move = (version: number) => db.transaction((tx) => tx.run('UPDATE cases SET process_version = ? WHERE id IN (?, ?)', [version, ids.notified, ids.unresolved]));
  await move(2);
  expect(await checkAggregates(reader)).toEqual([]);
  const moved = await reader.all<{ process: string; n: number }>('SELECT process, n FROM case_counts WHERE process_version = 2 AND n <> 0 ORDER BY process');
  expect(moved.map((r) => [r.process, Number(r.n)])).toEqual([['cspr', 1], ['dispute-resolution', 1]]);
  await move(1);
  expect(await checkAggregates(reader)).toEqual([]);
});

test('a wrong aggregate is named by the check, and a rebuild puts it right', async () => {
  await db.transaction(async (tx) => {
    await tx.run("UPDATE case_counts SET n = n + 5 WHERE process = 'dispute-resolution'");
    await tx.run("UPDATE cases SET next_due = '2000-01-01' WHERE id = ?", [ids.notYetDue]);
  });
  const differences = await checkAggregates(reader);
  expect(differences.map((d) => d.aggregate).sort()).toEqual(['case_counts', 'cases.next_due']);
  expect(differences.find((d) => d.aggregate === 'cases.next_due')).toMatchObject({ storedOnly: 1, recountedOnly: 1, examples: [{ id: ids.notYetDue, next_due: '2000-01-01' }] });
  // The cache is what the filter reads: wrong, it answers wrong.
  expect(await overdueByApi(await as('merton.business-unit'))).toContain(ids.notYetDue);

  // verify-audit names it, says the record itself is unaffected, and exits 1; npm run rebuild-aggregates mends it.
  const audit = await runScript('scripts/verify-audit.ts', [server.databaseUrl]);
  expect(audit.code).toBe(1);
  expect(audit.stderr).toMatch(/read aggregate case_counts differs from its recount .*the record itself is unaffected: run npm run rebuild-aggregates/);
  expect(audit.stdout).toContain('chain intact');
  const rebuilt = await runScript('scripts/rebuild-aggregates.ts', [server.databaseUrl]);
  expect(rebuilt.code, rebuilt.stderr).toBe(0);
  expect(await checkAggregates(reader)).toEqual([]);
  expect((await runScript('scripts/verify-audit.ts', [server.databaseUrl])).stdout).toContain('the read aggregates match a recount');
  const bu = await as('merton.business-unit');
  expect(await overdueByApi(bu)).toEqual(await overdueByOldQuery(readerOf(bu)));
  expect(await countsByApi(bu, 'dispute-resolution')).toEqual(await countsByOldQuery(readerOf(bu), 'dispute-resolution'));
});
