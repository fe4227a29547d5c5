import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { readableCasesSql } from '../../server/cases/access.ts';
import {
  decodeLogCursor,
  encodeLogCursor,
  escalationLog,
  escalationLogCsv,
  historyInPeriod,
  readYearlySummary,
  utcDatesAround,
  utcDatesWithin,
  type Period,
} from '../../server/cases/reports.ts';
import type { IsoDate } from '../../server/engine/definition.ts';
import { BadRequestError } from '../../server/engine/errors.ts';
import { historyOnUtcDates } from '../../server/store/reports.ts';
import { DRIVEN_UNTIL, driveYear, YEAR_PARTNERSHIP as P } from '../support/annual-year.ts';
import { inProcess, type InProcess } from '../support/in-process.ts';
import { summaryFromRows } from '../support/summary-by-rows.ts';

/**
 * The yearly summary and the escalation log over the year of tests/support/annual-year.ts, made by the
 * case service on a real database (no HTTP): the summary counted from the aggregates must be the
 * summary counted from every row, for every period tried, and its figures are the year's hand counts.
 */
let app: InProcess;
const ids: Record<string, string> = {};
const TODAY = DRIVEN_UNTIL as IsoDate;

beforeAll(async () => {
  app = await inProcess('2022-03-10T12:00Z');
  const user = (role: string) => app.user(P, role);
  await driveYear({
    async on(date) {
      // Midday in UTC: the same date in London, summer or winter.
      app.clock.moveTo(`${date}T12:00Z`);
    },
    async create(key, role, process, data) {
      ids[key] = (await app.service.create(user(role), P, process, data)).id;
    },
    async step(key, role, type, data = {}) {
      const current = await app.service.get(user(role), ids[key]!);
      await app.service.sendEvent(user(role), ids[key]!, { type, data, expectedVersion: current.version });
    },
  });
}, 60_000);
afterAll(() => app.close());

const partnership = () => app.service.catalogue.partnerships.get(P)!;
const period = (from: string, to: string): Period => ({ from, to, timeZone: partnership().def.timeZone });
const summary = (role: string, of: Period) => readYearlySummary(app.db.reader, partnership(), readableCasesSql(partnership(), app.user(P, role), 'c'), of, TODAY);

describe('the yearly summary', () => {
  test('2022/23 as the year counts it by hand: cases opened by their own date, closings and answers in the year', async () => {
    const year = new Map((await summary('business-unit', period('2022-04-01', '2023-03-31'))).map((p) => [p.process, p]));
    // Raised in the year: D7, D2, D3, D4, D5; resolved in it: D1 (20 Apr), D2 (10 Jun), D3 (10 Jan); withdrawn: D7.
    expect(year.get('dispute-resolution')).toMatchObject({ opened: 5, closed: { resolved: 3, withdrawn: 1 } });
    // Conferences in the year: V2, V3, V4, V5 (recorded on 3 April); closed in it: V1, V2; the group's view of V1, V2, V3.
    expect(year.get('veto-review')).toMatchObject({
      opened: 4,
      outcomes: { "Practice Standards Group's view of the veto": { 'agrees-with-veto': 2, 'disagrees-with-veto': 1 }, 'Effect of the veto': { 'remains-subject-to-plan': 4 }, 'Learning published': { 'seven-minute-briefing': 2, 'learning-on-a-page': 1 } },
    });
    expect(Object.values(year.get('veto-review')!.closed).reduce((a, b) => a + b, 0)).toBe(2);
    // Referred in the year: A1; appraised and closed with no learning.
    expect(year.get('practice-appraisal')).toMatchObject({ opened: 1, outcomes: { Themes: { 'information-sharing': 1 }, 'Why it was referred': { 'cause-for-concern': 1 }, 'Learning published': {} } });
    // Aware in the year: S5, S2, S3, S4; S1's and S5's rapid reviews recommended in it.
    expect(year.get('cspr')).toMatchObject({ opened: 4, outcomes: { "Rapid review's recommendation": { 'local-review': 1, 'national-review': 1 }, "National Panel's response": { 'local-review': 1 } } });
    // Deadlines due in the year, met and missed as the annual report's table counts them (serious-incident-deadlines),
    // and the actions of S1 and S5 counted together: S1's "Audit transfers" (due 28 Feb, done 5 April) and
    // S5's "Publish the improvements" (due 10 March, done 21 March) both missed.
    expect(year.get('cspr')!.deadlines).toEqual({
      'notify-national-panel': { label: 'Notify the National Panel', met: 2, missed: 0, overdue: 0, open: 0, corrected: 0 },
      'notify-safeguarding-partners': { label: 'Tell the safeguarding partners', met: 1, missed: 1, overdue: 0, open: 0, corrected: 0 },
      'notify-secretary-of-state-and-ofsted': { label: "Notify the Secretary of State and Ofsted of the looked-after child's death", met: 1, missed: 0, overdue: 0, open: 0, corrected: 0 },
      'rapid-review': { label: 'Complete the rapid review', met: 2, missed: 0, overdue: 0, open: 0, corrected: 0 },
      'panel-receives-rapid-review': { label: 'Send the rapid review to the National Panel', met: 0, missed: 2, overdue: 0, open: 0, corrected: 0 },
      'final-report': { label: 'Receive the final report', met: 1, missed: 1, overdue: 0, open: 0, corrected: 0 },
      'action-due': { label: "Action plan: each item's deadline", met: 0, missed: 2, overdue: 0, open: 0, corrected: 0 },
    });
  });

  test('counted from the aggregates, the same as from every row: whole year, months, single days, open ends, for a whole and a partial reader', async () => {
    const periods = [
      ['2022-04-01', '2023-03-31'],
      ['2022-04-20', '2022-04-20'],
      ['2022-06-01', '2022-06-30'],
      ['2022-03-26', '2022-03-28'],
      ['2022-10-29', '2022-10-31'],
      ['2023-03-31', '2023-04-05'],
      ['0000-01-01', '9999-12-31'],
      ['0000-01-01', '2022-07-01'],
      ['2022-07-01', '9999-12-31'],
    ];
    for (const role of ['business-unit', 'practitioner', 'conference-chair']) {
      const readable = readableCasesSql(partnership(), app.user(P, role), 'c');
      for (const [from, to] of periods) {
        const of = period(from!, to!);
        expect(await summary(role, of), `${role} ${from}..${to}`).toEqual(await summaryFromRows(app.db.reader, partnership(), readable, of, TODAY));
      }
    }
  });

  test("the period's inner days and its edges: a day in from each end, a day out around it", () => {
    expect(utcDatesWithin(period('2022-04-01', '2023-03-31'))).toEqual({ inside: { from: '2022-04-02', to: '2023-03-30' }, edges: [{ from: '2022-03-31', to: '2022-04-01' }, { from: '2023-03-31', to: '2023-04-01' }] });
    expect(utcDatesWithin(period('2022-04-20', '2022-04-21'))).toEqual({ inside: null, edges: [{ from: '2022-04-19', to: '2022-04-22' }] });
    expect(utcDatesWithin(period('2022-04-20', '2022-04-22'))).toEqual({ inside: { from: '2022-04-21', to: '2022-04-21' }, edges: [{ from: '2022-04-19', to: '2022-04-20' }, { from: '2022-04-22', to: '2022-04-23' }] });
    expect(utcDatesWithin(period('0000-01-01', '9999-12-31'))).toEqual({ inside: { from: '0000-01-01', to: '9999-12-31' }, edges: [] });
    expect(utcDatesWithin(period('0000-01-01', '2022-04-20'))).toEqual({ inside: { from: '0000-01-01', to: '2022-04-19' }, edges: [{ from: '2022-04-20', to: '2022-04-21' }] });
    expect(utcDatesWithin(period('2022-04-20', '9999-12-31'))).toEqual({ inside: { from: '2022-04-21', to: '9999-12-31' }, edges: [{ from: '2022-04-19', to: '2022-04-20' }] });
    // A period on the calendar's first or last day alone has no inner day: it is all edge.
    expect(utcDatesWithin(period('0000-01-01', '0000-01-01'))).toEqual({ inside: null, edges: [{ from: '0000-01-01', to: '0000-01-02' }] });
    expect(utcDatesWithin(period('2022-04-20', '0000-01-01')).inside).toBeNull();
    expect(utcDatesWithin(period('9999-12-31', '9999-12-31'))).toEqual({ inside: null, edges: [{ from: '9999-12-30', to: '9999-12-31' }] });
    expect(utcDatesAround(period('2024-02-29', '2024-03-01'))).toEqual({ from: '2024-02-28', to: '2024-03-02' });
  });
});

describe('the escalation log', () => {
  const logOf = async (role: string, of: Period) => {
    const around = utcDatesAround(of);
    const readable = readableCasesSql(partnership(), app.user(P, role), 'c');
    const rows = await historyOnUtcDates(app.db.reader, { partnership: P, processes: ['dispute-resolution'], readable, fromUtc: around.from, toUtc: around.to });
    return escalationLog(partnership(), historyInPeriod(rows, of));
  };

  test("each step of a dispute in the period, in words: the stage left and reached, the reason or outcome given, the time in London", async () => {
    const april = await logOf('business-unit', period('2022-04-01', '2022-04-30'));
    // D1, resolved by the Executive Group on 20 April 2022 at 12:00 UTC, 13:00 in London's summer time.
    expect(april).toHaveLength(1);
    expect(april[0]).toMatchObject({
      caseId: ids.D1,
      event: 'RESOLVED',
      reason: null,
      outcome: 'Agreed at the Executive Group',
      by: `${P}.executive-group`,
      byLabel: `${P}.executive-group`,
      atLocal: '20/04/2022 13:00',
      reference: expect.stringMatching(/^[A-Z]+-2022-\d{4}$/),
      processTitle: partnership().processes.get('dispute-resolution')!.def.title,
      fromLabel: expect.any(String),
      toLabel: expect.any(String),
    });
    const march = await logOf('business-unit', period('2022-03-01', '2022-03-31'));
    // Raised on 25 March 2022 (12:00 in London, still winter time) and escalated at once.
    expect(march.map((r) => [r.event, r.atLocal, r.reason, r.fromLabel === null])).toEqual([
      ['CREATE', '25/03/2022 12:00', 'D1', true],
      ['ESCALATE', '25/03/2022 12:00', 'Not agreed', false],
    ]);
  });

  test('as CSV: a byte order mark, the header, one line per step with labels, not codes', async () => {
    const rows = await logOf('business-unit', period('2022-03-01', '2022-04-30'));
    const lines = escalationLogCsv(rows).split('\r\n');
    expect(lines[0]!.startsWith('\uFEFFReference,Process,Date and time,By,What happened')).toBe(true);
    expect(lines).toHaveLength(rows.length + 2);
    expect(lines.at(-1)).toBe('');
    expect(lines[3]).toContain('20/04/2022 13:00');
    expect(lines[3]).toContain('Agreed at the Executive Group');
    expect(lines[3]).not.toContain('RESOLVED');
  });

  test('only the disputes the reader may read: a practitioner sees those they raised', async () => {
    const theirs = await logOf('practitioner', period('2022-01-01', '2023-12-31'));
    const everyone = await logOf('business-unit', period('2022-01-01', '2023-12-31'));
    expect(theirs.length).toBe(everyone.length);
    expect(await logOf('conference-chair', period('2022-01-01', '2023-12-31'))).toEqual([]);
  });

  test("the paging cursor goes there and back; anything else is refused with what to do", () => {
    const key = { at: '2022-04-20T12:00:00.000Z', position: 42 };
    expect(decodeLogCursor(encodeLogCursor(key))).toEqual(key);
    for (const bad of ['', 'not-base64!', Buffer.from('[1,2]').toString('base64url'), Buffer.from('["2022-04-20T12:00:00.000Z"]').toString('base64url'), Buffer.from('["someday",1]').toString('base64url'), Buffer.from('["2022-04-20T12:00:00.000Z",-1]').toString('base64url'), Buffer.from('["2022-04-20T12:00:00.000Z",1.5]').toString('base64url'), Buffer.from('{"at":1}').toString('base64url')]) {
      expect(() => decodeLogCursor(bad), bad).toThrow(BadRequestError);
      expect(() => decodeLogCursor(bad), bad).toThrow(/^after must be the cursor a page of the escalation log gave/);
    }
  });
});
