import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { readableCasesSql } from '../../server/cases/access.ts';
import type { User } from '../../server/cases/service.ts';
import {
  answerCounts,
  caseHistories,
  casesCreatedOnUtcDates,
  casesForPeriod,
  deadlineCounts,
  historyBatchesOnUtcDates,
  historyOnUtcDates,
  transitionCounts,
  type HistoryQuery,
  type HistoryRow,
} from '../../server/store/reports.ts';
import { notifiableIncident } from '../support/incidents.ts';
import { inProcess, type InProcess } from '../support/in-process.ts';

/**
 * What reports read across cases, on a real database filled by the case service: history by UTC
 * date, paged and batched; cases for a period; whole histories; and the counts read from the
 * aggregates for a reader who may read a whole group, or case by case for one who may not, which
 * must come to the same as counting the rows themselves.
 */
const P = 'rotherham';
let app: InProcess;
const disputes: string[] = [];

beforeAll(async () => {
  app = await inProcess('2022-05-02T09:00Z');
  const { service, clock, user } = app;
  const la = user(P, 'local-authority');
  const first = await service.create(la, P, 'cspr', notifiableIncident('2022-04-28'));
  clock.moveTo('2022-05-02T23:30Z'); // 3 May in London, still 2 May in UTC
  await service.sendEvent(la, first.id, { type: 'NOTIFIED', data: { partnersNotifiedOn: '2022-05-02', panelNotifiedOn: '2022-05-02' }, expectedVersion: first.version });
  clock.moveTo('2022-05-03T10:00Z');
  const panel = user(P, 'practice-review-panel');
  await service.sendEvent(panel, first.id, { type: 'RECOMMEND', data: { completedOn: '2022-05-03', recommendation: 'local-review', rationale: 'Learning' }, expectedVersion: first.version + 1 });
  const second = await service.create(la, P, 'cspr', notifiableIncident('2022-05-03'));
  for (const [who, summary] of [['practitioner', 'One'], ['practitioner', 'Two'], ['other-practitioner', 'Three']] as const) {
    const raiser: User = { username: `${P}.${who}`, partnership: P, roles: ['practitioner'] };
    const made = await service.create(raiser, P, 'dispute-resolution', { scope: 'individual-child', summary, agenciesInvolved: ['Rotherham Council'] });
    disputes.push(made.id);
  }
  clock.moveTo('2022-05-04T08:00Z');
  const raiser: User = { username: `${P}.practitioner`, partnership: P, roles: ['practitioner'] };
  await service.sendEvent(raiser, disputes[0]!, { type: 'WITHDRAW', data: { reason: 'Sorted out' }, expectedVersion: 1 });
  await service.sendEvent(raiser, disputes[1]!, { type: 'ESCALATE', data: { reason: 'Not agreed' }, expectedVersion: 1 });
  expect(second.id).not.toBe(first.id);
});
afterAll(() => app.close());

const everyone = (): User => app.user(P, 'business-unit');
/** The practitioner who raised two of the three disputes: they read those two only, so no group is theirs whole. */
const practitioner = (): User => ({ username: `${P}.practitioner`, partnership: P, roles: ['practitioner'] });
const readable = (user: User) => readableCasesSql(app.service.catalogue.partnerships.get(P)!, user, 'c');
const query = (user: User, more: Partial<HistoryQuery> = {}): HistoryQuery => ({ partnership: P, processes: ['cspr', 'dispute-resolution'], readable: readable(user), fromUtc: '2022-05-01', toUtc: '2022-05-31', ...more });

describe('history across cases', () => {
  test('oldest first, on the UTC dates asked (both ends kept), of the processes asked', async () => {
    const all = await historyOnUtcDates(app.db.reader, query(everyone()));
    expect(all).toHaveLength(9);
    expect(all.map((r) => [r.at, r.position])).toEqual([...all].sort((a, b) => a.at.localeCompare(b.at) || a.position - b.position).map((r) => [r.at, r.position]));
    // The step at 23:30 UTC on 2 May is on 2 May in UTC, whatever London's date.
    expect((await historyOnUtcDates(app.db.reader, query(everyone(), { fromUtc: '2022-05-02', toUtc: '2022-05-02' }))).map((r) => r.type)).toEqual(['CREATE', 'NOTIFIED']);
    expect((await historyOnUtcDates(app.db.reader, query(everyone(), { fromUtc: '2022-05-04', toUtc: '2022-05-04' }))).map((r) => r.type)).toEqual(['WITHDRAW', 'ESCALATE']);
    expect(await historyOnUtcDates(app.db.reader, query(everyone(), { fromUtc: '2022-05-05', toUtc: '9999-12-31' }))).toEqual([]);
    expect((await historyOnUtcDates(app.db.reader, query(everyone(), { fromUtc: '2022-05-04', toUtc: '9999-12-31' })))).toHaveLength(2);
    expect(await historyOnUtcDates(app.db.reader, query(everyone(), { processes: [] }))).toEqual([]);
    const incidents = await historyOnUtcDates(app.db.reader, query(everyone(), { processes: ['cspr'] }));
    expect(incidents.map((r) => r.type)).toEqual(['CREATE', 'NOTIFIED', 'RECOMMEND', 'CREATE']);
    expect(incidents[2]).toMatchObject({ process: 'cspr', processVersion: 1, seq: 3, from: expect.any(String), by: `${P}.practice-review-panel`, data: { recommendation: 'local-review' }, reference: expect.stringMatching(/^[A-Z]+-2022-\d{4}$/) });
  });

  test('only what the reader may read', async () => {
    const theirs = await historyOnUtcDates(app.db.reader, query(practitioner()));
    expect(new Set(theirs.map((r) => r.caseId))).toEqual(new Set(disputes.slice(0, 2)));
  });

  test('pages after a row, and batches, join up to the whole', async () => {
    const all = await historyOnUtcDates(app.db.reader, query(everyone()));
    for (const size of [1, 3, 5, 10]) {
      const pages: HistoryRow[] = [];
      let after = null as { at: string; position: number } | null;
      for (;;) {
        const page = await historyOnUtcDates(app.db.reader, query(everyone()), { after, limit: size });
        expect(page.length).toBeLessThanOrEqual(size);
        if (page.length === 0) break;
        pages.push(...page);
        after = { at: page.at(-1)!.at, position: page.at(-1)!.position };
      }
      expect(pages, `pages of ${size}`).toEqual(all);
      const batches: HistoryRow[][] = [];
      for await (const batch of historyBatchesOnUtcDates(app.db.reader, query(everyone()), { after: null, batch: size })) batches.push(batch);
      expect(batches.flat(), `batches of ${size}`).toEqual(all);
      // No empty batch, even when the rows divide exactly.
      expect(batches.every((b) => b.length > 0 && b.length <= size)).toBe(true);
      expect(batches).toHaveLength(Math.ceil(all.length / size));
    }
  });

  test("each case's whole history, grouped by case in seq order, whatever the dates", async () => {
    const histories = await caseHistories(app.db.reader, P, ['cspr'], readable(everyone()));
    expect(histories).toHaveLength(2);
    const first = histories.find((h) => h.steps.length === 3)!;
    expect(first).toMatchObject({ process: 'cspr', processVersion: 1, reference: expect.any(String) });
    expect(first.steps.map((s) => [s.seq, s.type])).toEqual([[1, 'CREATE'], [2, 'NOTIFIED'], [3, 'RECOMMEND']]);
    expect(first.steps[0]).toMatchObject({ from: null, by: `${P}.local-authority`, data: { awareOn: '2022-04-28' }, effects: expect.any(Object) });
    expect(await caseHistories(app.db.reader, P, [], readable(everyone()))).toEqual([]);
    expect((await caseHistories(app.db.reader, P, ['dispute-resolution'], readable(practitioner()))).map((h) => h.id).sort()).toEqual(disputes.slice(0, 2).sort());
  });

  test('cases for a period: by their case date in range, or created in range whatever it says', async () => {
    const range = (from: string, to: string, createdFromUtc = '1900-01-01', createdToUtc = '1900-01-01') => casesForPeriod(app.db.reader, P, 'cspr', 'awareOn', readable(everyone()), { from, to, createdFromUtc, createdToUtc });
    expect((await range('2022-04-28', '2022-04-28')).map((c) => c.caseDate)).toEqual(['2022-04-28']);
    expect((await range('2022-04-01', '2022-05-31')).map((c) => c.caseDate).sort()).toEqual(['2022-04-28', '2022-05-03']);
    expect(await range('2022-06-01', '2022-06-30')).toEqual([]);
    // Created on 3 May (UTC): found by its creation though its case date is outside the range.
    expect((await range('2022-06-01', '2022-06-30', '2022-05-03', '2022-05-03')).map((c) => c.caseDate)).toEqual(['2022-05-03']);
    const undated = await casesForPeriod(app.db.reader, P, 'cspr', undefined, readable(everyone()), { from: '2022-04-01', to: '2022-05-31', createdFromUtc: '2022-05-02', createdToUtc: '2022-05-02' });
    expect(undated).toEqual([{ id: expect.any(String), process: 'cspr', createdAt: '2022-05-02T09:00:00.000Z', caseDate: null }]);
  });
});

describe('counts', () => {
  /** The same counts, made from the rows themselves. */
  async function countedByHand(user: User, more: Partial<HistoryQuery> = {}) {
    const rows = await historyOnUtcDates(app.db.reader, query(user, more));
    const counts = new Map<string, number>();
    for (const r of rows) counts.set(`${r.process} ${r.type} ${r.from} ${r.to}`, (counts.get(`${r.process} ${r.type} ${r.from} ${r.to}`) ?? 0) + 1);
    return counts;
  }
  const asMap = (counts: { process: string; type: string; from: string | null; to: string; count: number }[]) => {
    const map = new Map<string, number>();
    for (const c of counts) map.set(`${c.process} ${c.type} ${c.from} ${c.to}`, (map.get(`${c.process} ${c.type} ${c.from} ${c.to}`) ?? 0) + c.count);
    return map;
  };

  test('steps by kind: from the aggregates for a whole reader, case by case for a partial one, the same as counting the rows', async () => {
    for (const user of [everyone(), practitioner()]) {
      for (const days of [{}, { fromUtc: '2022-05-02', toUtc: '2022-05-02' }, { fromUtc: '2022-05-04', toUtc: '2022-05-04' }]) {
        const counts = await transitionCounts(app.db.reader, query(user, days));
        expect(asMap(counts), `${user.username} ${JSON.stringify(days)}`).toEqual(await countedByHand(user, days));
      }
    }
    const created = (await transitionCounts(app.db.reader, query(everyone()))).filter((c) => c.type === 'CREATE');
    expect(created.every((c) => c.from === null && c.processVersion === 1)).toBe(true);
    expect(await transitionCounts(app.db.reader, query(everyone(), { processes: [] }))).toEqual([]);
  });

  test('cases created on UTC dates, as the reader may read them', async () => {
    const created = (user: User, process: string, from: string, to: string) => casesCreatedOnUtcDates(app.db.reader, P, process, readable(user), from, to);
    expect(await created(everyone(), 'cspr', '2022-05-02', '2022-05-02')).toBe(1);
    expect(await created(everyone(), 'cspr', '2022-05-01', '2022-05-31')).toBe(2);
    expect(await created(everyone(), 'dispute-resolution', '2022-05-03', '2022-05-03')).toBe(3);
    expect(await created(practitioner(), 'dispute-resolution', '2022-05-03', '2022-05-03')).toBe(2);
    expect(await created(everyone(), 'cspr', '2022-05-04', '2022-05-31')).toBe(0);
  });

  test('deadlines due in a range, by whether past, met and meetable: the same as the table holds', async () => {
    const range = { from: '2022-04-01', to: '2022-06-30', today: '2022-05-10' };
    const counts = await deadlineCounts(app.db.reader, P, readable(everyone()), range);
    const rows = await app.db.reader.all<{ id: string; due: string; met: number | null; satisfied_by: string | null }>(
      "SELECT d.id, d.due, d.met, d.satisfied_by FROM deadlines d JOIN cases c ON c.id = d.case_id WHERE c.partnership = ? AND d.due BETWEEN ? AND ?",
      [P, range.from, range.to],
    );
    expect(rows.length).toBeGreaterThan(3);
    expect(counts.reduce((n, c) => n + c.count, 0)).toBe(rows.length);
    const key = (id: string, past: boolean, met: boolean | null) => `${id} ${past} ${met}`;
    const byHand = new Map<string, number>();
    for (const r of rows) byHand.set(key(r.id, r.due < range.today, r.met === null ? null : r.met === 1), (byHand.get(key(r.id, r.due < range.today, r.met === null ? null : r.met === 1)) ?? 0) + 1);
    const counted = new Map<string, number>();
    for (const c of counts) counted.set(key(c.id, c.past, c.met), (counted.get(key(c.id, c.past, c.met)) ?? 0) + c.count);
    expect(counted).toEqual(byHand);
    expect(counts.some((c) => c.past) && counts.some((c) => !c.past)).toBe(true);
    expect(await deadlineCounts(app.db.reader, P, readable(practitioner()), range)).toEqual([]);
  });

  test("answers to a step's question, counted by answer; a step without it counts nothing", async () => {
    const recommendations = await answerCounts(app.db.reader, query(everyone()), 'RECOMMEND', 'recommendation');
    expect(recommendations).toEqual([{ process: 'cspr', json: 'text', value: 'local-review', count: 1 }]);
    expect(await answerCounts(app.db.reader, query(everyone()), 'RECOMMEND', 'noSuchField')).toEqual([]);
    const reasons = await answerCounts(app.db.reader, query(everyone()), 'CREATE', 'agenciesInvolved');
    expect(reasons).toEqual([{ process: 'dispute-resolution', json: 'array', value: '["Rotherham Council"]', count: 3 }]);
    expect(await answerCounts(app.db.reader, query(everyone(), { processes: [] }), 'CREATE', 'summary')).toEqual([]);
    expect(await answerCounts(app.db.reader, query(practitioner()), 'CREATE', 'scope')).toEqual([{ process: 'dispute-resolution', json: 'text', value: 'individual-child', count: 2 }]);
  });
});
