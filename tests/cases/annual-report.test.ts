import { describe, expect, test } from 'vitest';
import { annualReport, financialYear } from '../../server/cases/annual-report.ts';
import type { HistoryStep } from '../../server/engine/project.ts';
import type { CaseHistory } from '../../server/store/reports.ts';
import { shippedCatalogue, withReportTables } from '../support/catalogue.ts';

/**
 * Items of a list the case holds, counted as each case held it at the year's last instant, by a field,
 * with those overdue then. Merton's review cost shares are a shipped list fact; the second table reads a
 * list of the action plan's shape (`actions` of `{id, action, owner, due, status}`, its statuses declared in `lists`).
 */
const merton = shippedCatalogue().partnerships.get('merton')!;


const created = (at: string, data: Record<string, unknown>): HistoryStep => ({ seq: 1, type: 'CREATE', from: null, to: 'action-plan', by: 'merton.business-unit', at, data, effects: {} });
const history = (id: string, steps: HistoryStep[]): CaseHistory => ({ id, process: 'cspr', processVersion: 1, reference: null, steps });

const actions = (list: { due: string; status: string }[]) => ({ awareOn: '2022-01-10', actions: list.map((a, i) => ({ id: String(i + 1), action: `Action ${i + 1}`, owner: 'LA', ...a })) });

describe('items of a list fact at the year end', () => {
  const partnership = withReportTables(merton, 'cspr', [
    {
      id: 'cost-shares',
      title: 'Review cost shares by partner',
      rowHeader: 'Partner',
      count: 'items',
      list: 'costShares',
      by: { field: 'partner' },
    },
    {
      id: 'actions',
      title: 'Actions by status',
      rowHeader: 'Status on 31 March',
      count: 'items',
      list: 'actions',
      by: { field: 'status' },
      overdue: { due: 'due', done: { equals: [{ field: 'status' }, 'complete'] } },
    },
  ]);
  const histories = [
    history('a', [created('2022-06-01T10:00:00Z', { ...actions([{ due: '2023-01-31', status: 'in-progress' }, { due: '2023-02-28', status: 'complete' }, { due: '2023-03-31', status: 'not-started' }]), costShares: [{ partner: 'lb-merton', percent: 50 }, { partner: 'met-police', percent: 50 }] })]),
    history('b', [created('2023-03-31T22:30:00Z', { ...actions([{ due: '2023-03-01', status: 'not-started' }]), costShares: [{ partner: 'lb-merton', percent: 100 }] })]),
    // Recorded on 1 April in London (23:30 UTC on 31 March): after the year's last instant, so not held then.
    history('c', [created('2023-03-31T23:30:00Z', { ...actions([{ due: '2023-03-01', status: 'not-started' }]), costShares: [{ partner: 'merton-ccg', percent: 100 }] })]),
  ];
  const report = annualReport(partnership, histories, financialYear(2022, 'Europe/London'));
  const table = (id: string) => report.tables.find((t) => t.id === id)!;

  test('cost shares by partner: the lists the cases held on 31 March 2023', () => {
    // a: lb-merton, met-police; b (22:30 on 31 March in London): lb-merton; c was recorded on 1 April.
    expect(table('cost-shares').rows.map((r) => [r.label, r.values.count])).toEqual([
      ['lb-merton', 2],
      ['met-police', 1],
    ]);
    expect(table('cost-shares').total).toEqual({ count: 3 });
  });

  test("actions by status, overdue when due before 31 March and not complete then", () => {
    // a: in progress (due 31 Jan: overdue), complete (due 28 Feb: not overdue), not started (due 31 March: not yet
    // overdue on the year's last day); b: not started, due 1 March: overdue.
    expect(table('actions').columns.map((c) => c.label)).toEqual(['Status on 31 March', 'Number', "Overdue at the year's end"]);
    // Every status the list declares is a row, in its order and its words.
    expect(table('actions').rows.map((r) => [r.label, r.values.count, r.values.overdue])).toEqual([
      ['Not started', 2, 1],
      ['In progress', 1, 1],
      ['Complete', 1, 0],
      ['No longer needed', 0, 0],
    ]);
    expect(table('actions').total).toEqual({ count: 4, overdue: 2 });
  });
});
