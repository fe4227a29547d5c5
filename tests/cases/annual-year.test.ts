import { beforeAll, describe, expect, test } from 'vitest';
import { annualReport, annualReportProcesses, annualTableCsv, financialYear, financialYearOf, type AnnualReport } from '../../server/cases/annual-report.ts';
import type { IsoDate, ReportTableDef } from '../../server/engine/definition.ts';
import type { CaseHistory } from '../../server/store/reports.ts';
import { DRIVEN_UNTIL, FIGURES_2021, FIGURES_2022, figures, VETO_EFFECTS_CSV_2022, YEAR_PARTNERSHIP, yearThroughEngine } from '../support/annual-year.ts';
import { shippedCatalogue, withReportTables } from '../support/catalogue.ts';

/**
 * The year of tests/support/annual-year.ts driven through the engine alone (no server, no store), the
 * histories handed to `annualReport` as the store would hand them. The same figures as the HTTP test,
 * without a server.
 */
const catalogue = shippedCatalogue();
const partnership = catalogue.partnerships.get(YEAR_PARTNERSHIP)!;
let histories: Map<string, CaseHistory>;

const tablesOf = (report: AnnualReport) => new Map(report.tables.map((t) => [t.id, t]));
const reportOf = (year: number, of: readonly CaseHistory[] = [...histories.values()]) => annualReport(partnership, of, financialYear(year, partnership.def.timeZone));

beforeAll(async () => {
  histories = await yearThroughEngine(partnership);
});

describe('the annual report of 2022/23, from the histories alone', () => {
  test('every table the processes declare, each with its hand-counted figures', () => {
    const report = reportOf(2022);
    expect(report).toMatchObject({ year: 2022, from: '2022-04-01', to: '2023-03-31' });
    expect(report.tables.map((t) => t.id).sort()).toEqual(Object.keys(FIGURES_2022).sort());
    const tables = tablesOf(report);
    for (const [id, expected] of Object.entries(FIGURES_2022)) expect(figures(tables.get(id)), id).toEqual(expected);
  });

  test('the year before counts what happened in it', () => {
    const tables = tablesOf(reportOf(2021));
    for (const [id, expected] of Object.entries(FIGURES_2021)) expect(figures(tables.get(id)), id).toEqual(expected);
  });

  test('a year with no cases has every table, each row at nought', () => {
    const report = reportOf(2022, []);
    expect(report.tables.map((t) => t.id).sort()).toEqual(Object.keys(FIGURES_2022).sort());
    for (const table of report.tables) {
      expect(Object.values(table.total).every((n) => n === 0), table.id).toBe(true);
      expect(table.rows.every((r) => Object.values(r.values).every((n) => n === 0)), table.id).toBe(true);
    }
  });

  test('a process counts only its own cases: the disputes alone leave the vetoes and incidents at nought', () => {
    const disputes = [...histories.values()].filter((h) => h.process === 'dispute-resolution');
    const tables = tablesOf(reportOf(2022, disputes));
    expect(figures(tables.get('escalations-by-scope'))).toEqual(FIGURES_2022['escalations-by-scope']);
    expect(figures(tables.get('veto-effects')).Total).toEqual([0]);
    expect(figures(tables.get('serious-incident-deadlines')).Total).toEqual([0, 0, 0]);
  });

  test("a table's columns: labels first, then counts, with the overdue column only where the table asks for it", () => {
    const tables = tablesOf(reportOf(2022));
    expect(tables.get('serious-incident-deadlines')!.columns).toEqual([
      { id: 'label', label: 'Deadline', numeric: false },
      { id: 'met', label: 'Met', numeric: true },
      { id: 'missed', label: 'Missed', numeric: true },
      { id: 'open', label: 'Not met yet', numeric: true },
    ]);
    expect(tables.get('action-plans')!.columns.map((c) => [c.id, c.numeric])).toEqual([['label', false], ['count', true], ['overdue', true]]);
    expect(tables.get('veto-effects')!.columns.map((c) => [c.id, c.numeric])).toEqual([['label', false], ['count', true]]);
  });

  test('a table as CSV: a byte order mark, the title with the year in UK dates, labels quoted where they hold a comma, the total last', () => {
    const report = reportOf(2022);
    const csv = annualTableCsv(report, tablesOf(report).get('veto-effects')!);
    expect(csv.startsWith('\uFEFF')).toBe(true);
    expect(csv.slice(1).trim().split('\r\n')).toEqual(VETO_EFFECTS_CSV_2022);
    const deadlines = annualTableCsv(report, tablesOf(report).get('serious-incident-deadlines')!).trim().split('\r\n');
    expect(deadlines[1]).toBe('Deadline,Met,Missed,Not met yet');
    expect(deadlines.at(-1)).toBe('Total,7,4,0');
  });
});

describe("what a table may declare, over the same year", () => {
  const reportWith = (processId: string, tables: ReportTableDef[], year = 2022) =>
    tablesOf(annualReport(withReportTables(partnership, processId, tables), [...histories.values()], financialYear(year, partnership.def.timeZone)));

  test("a row's own date field decides which year its step counts in; a step in several rows counts once in the total", () => {
    const table = reportWith('veto-review', [
      {
        id: 'vetoes', title: 'Vetoes', description: 'Recorded and held', rowHeader: 'Counted by', count: 'events', chart: true,
        rows: [{ label: 'By the conference', events: ['CREATE'], date: 'conferenceDate' }, { label: 'By the day recorded', events: ['CREATE'] }],
      },
    ]).get('vetoes')!;
    // By conference: V2, V3, V4 and V5 (31 March, recorded 3 April); by recording: V1 (recorded 20 April 2022), V2, V3, V4.
    expect(figures(table)).toEqual({ 'By the conference': [4], 'By the day recorded': [4], Total: [5] });
    expect(table).toMatchObject({ title: 'Vetoes', description: 'Recorded and held', chart: true, columns: [{ id: 'label', label: 'Counted by' }, { id: 'count', label: 'Number' }] });
  });

  test("a table's date field counts each step by it: the vetoes by their conference, the effect as each gave it", () => {
    const table = reportWith('veto-review', [{ id: 'effects', title: 'Effects', rowHeader: 'Effect', count: 'events', events: ['CREATE'], date: 'conferenceDate', by: { field: 'vetoEffect' } }]).get('effects')!;
    expect(figures(table)).toMatchObject({ 'The child remains subject to a child protection plan': [3], 'Not recorded': [1], Total: [4] });
    expect(table).toMatchObject({ description: null, chart: false });
  });

  test('time taken in calendar days, from raised to resolved, banded', () => {
    const table = reportWith('dispute-resolution', [
      {
        id: 'days', title: 'Days', rowHeader: 'Time', count: 'events', to: ['resolved'],
        by: { timeTaken: { unit: 'calendarDays', bands: [{ label: 'Within 10 days', upTo: 10 }, { label: 'Within 30 days', upTo: 30 }, { label: 'Longer' }] } },
      },
    ]).get('days')!;
    // D1 25 March to 20 April 2022: 26 days; D2 1 to 10 June: 9; D3 12 September to 10 January: 120.
    expect(figures(table)).toEqual({ 'Within 10 days': [1], 'Within 30 days': [1], Longer: [1], Total: [3] });
  });

  test("a list's per-item deadline counts every item of every case together, under the list's name", () => {
    const table = reportWith('cspr', [{ id: 'actions', title: 'Actions', rowHeader: 'Deadline', count: 'deadlines', deadlines: ['action-due', 'final-report'] }]).get('actions')!;
    // S1's first action (due 28 February, done 5 April) and S5's (due 10 March, done 21 March): both missed; S1's
    // second is due in June 2023, after the year.
    expect(figures(table)).toEqual({ "Action plan: each item's deadline": [0, 2, 0], 'Receive the final report': [1, 1, 0], Total: [1, 3, 0] });
  });

  test('cases open at the year end: every stage that is not final, a heading of its own or "Open cases"', () => {
    const open = reportWith('veto-review', [{ id: 'open', title: 'Open', rowHeader: 'Stage', count: 'openAtYearEnd' }]).get('open')!;
    expect(open.columns.map((c) => c.label)).toEqual(['Stage', 'Open cases']);
    expect(figures(open).Total).toEqual([2]);
    const headed = reportWith('veto-review', [{ id: 'open', title: 'Open', rowHeader: 'Stage', countHeader: 'Vetoes', count: 'openAtYearEnd' }]).get('open')!;
    expect(headed.columns.map((c) => c.label)).toEqual(['Stage', 'Vetoes']);
  });

  test('items given by a step, by a field of each item, on the date of the step', () => {
    const table = reportWith('veto-review', [{ id: 'outputs', title: 'Outputs', rowHeader: 'Kind', count: 'items', list: 'learningOutputs', events: ['CLOSE'], by: { field: 'kind' } }]).get('outputs')!;
    // V1 (20 April) a briefing; V2 (1 July) a briefing and a learning on a page; V3 closed on 5 April 2023.
    expect(figures(table)).toEqual({ '7-minute briefing': [2], 'Learning on a page': [1], Total: [3] });
    expect(figures(reportWith('veto-review', [{ id: 'outputs', title: 'Outputs', rowHeader: 'Kind', count: 'items', list: 'learningOutputs', events: ['CLOSE'], by: { field: 'kind' } }], 2023).get('outputs'))).toMatchObject({ 'Learning on a page': [1], Total: [1] });
  });
});

describe('financial years', () => {
  test('April to March: 31 March is the year before, 1 April the year it names, in leap years too', () => {
    const zone = 'Europe/London';
    expect(financialYearOf('2023-03-31' as IsoDate, zone)).toEqual({ year: 2022, from: '2022-04-01', to: '2023-03-31', timeZone: zone });
    expect(financialYearOf('2023-04-01' as IsoDate, zone).year).toBe(2023);
    expect(financialYearOf('2024-02-29' as IsoDate, zone).year).toBe(2023);
    expect(financialYearOf('2024-12-31' as IsoDate, zone).year).toBe(2024);
    expect(financialYearOf(DRIVEN_UNTIL as IsoDate, zone).year).toBe(2023);
  });

  test('the processes the tables read are those that declare tables', () => {
    const declaring = [...partnership.processes.values()].filter((p) => (p.def.reports?.tables ?? []).length > 0).map((p) => p.def.id);
    expect(annualReportProcesses(partnership).sort()).toEqual(declaring.sort());
    expect(declaring.length).toBeGreaterThan(0);
    expect(annualReportProcesses(partnership).length).toBeLessThan(partnership.processes.size + 1);
  });
});
