import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { checkAggregates, rebuildAggregates } from '../../server/store/aggregates.ts';
import { openTestConnection, openTestDatabase, tamperableCopy } from '../support/database.ts';
import { notifiableIncident } from '../support/incidents.ts';
import { inProcess, type InProcess } from '../support/in-process.ts';

/**
 * The read aggregates on a real database filled by the case service: kept by the database's own
 * triggers through creations, steps, closings and met deadlines; each kind of wrong figure found and
 * named; a rebuild recounts them all from the base tables.
 */
let app: InProcess;
beforeAll(async () => {
  app = await inProcess('2022-05-02T09:00Z');
  const { service, user, clock } = app;
  const la = user('rotherham', 'local-authority');
  const incident = await service.create(la, 'rotherham', 'cspr', notifiableIncident('2022-04-28'));
  await service.create(la, 'rotherham', 'cspr', notifiableIncident('2022-05-02'));
  clock.moveTo('2022-05-03T23:30Z');
  await service.sendEvent(la, incident.id, { type: 'NOTIFIED', data: { partnersNotifiedOn: '2022-05-02', panelNotifiedOn: '2022-05-04' }, expectedVersion: incident.version });
  const raiser = user('rotherham', 'practitioner');
  const dispute = await service.create(raiser, 'rotherham', 'dispute-resolution', { scope: 'systemic', summary: 'Withdrawn', agenciesInvolved: ['Rotherham Council'] });
  await service.sendEvent(raiser, dispute.id, { type: 'WITHDRAW', data: { reason: 'Sorted' }, expectedVersion: 1 });
});
afterAll(() => app.close());

/** The aggregates' check on a copy of the database after `sql`, and the same copy after a rebuild. */
async function afterTampering(sql: string) {
  const copy = await tamperableCopy(app.databaseUrl, app.dir);
  await copy.tamper(sql);
  const reader = await openTestConnection(copy.databaseUrl);
  const found = await checkAggregates(reader);
  await reader.close();
  const db = await openTestDatabase(copy.databaseUrl);
  await rebuildAggregates(db);
  const rebuilt = await checkAggregates(db.reader);
  const counts = await db.reader.all('SELECT partnership, process, process_version, state, n FROM case_counts WHERE n <> 0 ORDER BY process, state');
  await db.close();
  return { found, rebuilt, counts };
}

describe('the read aggregates', () => {
  test('kept by the writes themselves: every figure is what a recount of the base tables gives', async () => {
    expect(await checkAggregates(app.db.reader)).toEqual([]);
    const counts = await app.db.reader.all<{ process: string; n: number }>('SELECT process, SUM(n) AS n FROM case_counts GROUP BY process ORDER BY process');
    expect(counts.map((c) => [c.process, Number(c.n)])).toEqual([['cspr', 2], ['dispute-resolution', 1]]);
    const days = await app.db.reader.all<{ day: string; n: number }>('SELECT day, SUM(n) AS n FROM history_day_counts GROUP BY day ORDER BY day');
    // The notification at 23:30 UTC on 3 May is counted on its UTC date.
    expect(days.map((d) => [d.day, Number(d.n)])).toEqual([['2022-05-02', 2], ['2022-05-03', 3]]);
  });

  test('a count one too high: named, with the stored row and its recount each differing; a rebuild restores it', async () => {
    const { found, rebuilt, counts } = await afterTampering("UPDATE case_counts SET n = n + 1 WHERE process = 'dispute-resolution' AND n > 0");
    expect(found).toEqual([{ aggregate: 'case_counts', storedOnly: 1, recountedOnly: 1, examples: [expect.objectContaining({ process: 'dispute-resolution', n: 2 })] }]);
    expect(rebuilt).toEqual([]);
    expect(counts).toEqual(await app.db.reader.all('SELECT partnership, process, process_version, state, n FROM case_counts WHERE n <> 0 ORDER BY process, state'));
  });

  test("a day's steps gone, a deadline's count changed, a case's next due date lost: each aggregate named", async () => {
    const days = await afterTampering("DELETE FROM history_day_counts WHERE day = '2022-05-02'");
    // Both incidents were created that day: one row of figures, counting two.
    expect(days.found.map((d) => [d.aggregate, d.storedOnly, d.recountedOnly])).toEqual([['history_day_counts', 0, 1]]);
    expect(days.rebuilt).toEqual([]);
    const deadlines = await afterTampering('UPDATE deadline_counts SET n = 7');
    expect(deadlines.found.map((d) => d.aggregate)).toEqual(['deadline_counts']);
    expect(deadlines.found[0]!.storedOnly).toBeGreaterThan(0);
    expect(deadlines.found[0]!.examples.length).toBeLessThanOrEqual(5);
    expect(deadlines.rebuilt).toEqual([]);
    const nextDue = await afterTampering("UPDATE cases SET next_due = NULL WHERE process = 'cspr'");
    expect(nextDue.found).toEqual([{ aggregate: 'cases.next_due', storedOnly: 2, recountedOnly: 2, examples: [expect.objectContaining({ next_due: null }), expect.objectContaining({ next_due: null })] }]);
    expect(nextDue.rebuilt).toEqual([]);
  });

  test('a count of nought left behind is the same as no row', async () => {
    const { found } = await afterTampering("INSERT INTO case_counts (partnership, process, process_version, state, n) VALUES ('rotherham', 'veto-review', 1, 'referred', 0)");
    expect(found).toEqual([]);
  });
});
