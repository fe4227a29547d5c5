/**
 * The yearly summary worked out the slow way, from every row (the way the product did before migration
 * 013's aggregates): the reference tests/http/aggregates.test.ts compares `readYearlySummary` with.
 */
import type { SqlFilter } from '../../server/cases/access.ts';
import { caseDateOf, historyInPeriod, summariseCounts, utcDatesAround, type Period, type ProcessSummary } from '../../server/cases/reports.ts';
import type { CompiledPartnership } from '../../server/engine/catalogue.ts';
import type { IsoDate } from '../../server/engine/definition.ts';
import type { Connection } from '../../server/store/database.ts';
import { casesForPeriod, historyOnUtcDates, type CaseDateRow, type HistoryRow } from '../../server/store/reports.ts';

interface DeadlineRow {
  process: string;
  id: string;
  due: string;
  met: boolean | null;
  satisfiedBy: string | null;
  final: boolean;
  /** A correction changed whether it was met. */
  corrected: boolean;
}

/** Deadlines due in [from, to] (dates in the partnership's zone, as due dates are) of a partnership's readable cases. */
export async function deadlinesDueInRange(db: Connection, partnership: string, readable: SqlFilter, from: string, to: string): Promise<DeadlineRow[]> {
  const rows = await db.all<{ process: string; id: string; due: string; met: number | null; satisfied_by: string | null; final: number; corrected: number }>(
    `SELECT c.process, d.id, d.due, d.met, d.satisfied_by, c.final, d.corrected
       FROM deadlines d JOIN cases c ON c.id = d.case_id
      WHERE c.partnership = ? AND ${readable.sql} AND d.due BETWEEN ? AND ?`,
    [partnership, ...readable.params, from, to],
  );
  return rows.map((r) => ({
    process: r.process,
    id: r.id,
    due: r.due,
    met: r.met === null ? null : r.met === 1,
    satisfiedBy: r.satisfied_by,
    final: r.final === 1,
    corrected: r.corrected === 1,
  }));
}

/**
 * The yearly summary from rows: `history` already cut to the period, `cases` the candidates for
 * "opened" (any outside the period are left out here), `deadlines` those due in it. The same
 * counting as `readYearlySummary`, which counts in the database instead.
 */
export function summarise(
  partnership: CompiledPartnership,
  input: { history: HistoryRow[]; cases: CaseDateRow[]; deadlines: DeadlineRow[] },
  period: Period,
  today: IsoDate,
): ProcessSummary[] {
  const opened = new Map<string, number>();
  for (const c of input.cases) {
    const date = caseDateOf(c, period.timeZone);
    if (date >= period.from && date <= period.to) opened.set(c.process, (opened.get(c.process) ?? 0) + 1);
  }
  return summariseCounts(partnership, {
    transitions: input.history.map((h) => ({ process: h.process, processVersion: h.processVersion ?? partnership.processes.get(h.process)?.def.version ?? 0, type: h.type, from: h.from, to: h.to, count: 1 })),
    outcomeSteps: input.history,
    outcomeAnswers: [],
    opened,
    deadlines: input.deadlines.map((d) => ({ process: d.process, id: d.id, past: d.due < today, met: d.met, satisfiable: d.satisfiedBy !== null, final: d.final, corrected: d.corrected, count: 1 })),
  });
}

/** The yearly summary as the route counted it before the aggregates: every row of the period read and folded. */
export async function summaryFromRows(reader: Connection, of: CompiledPartnership, readable: SqlFilter, period: Period, today: IsoDate): Promise<ProcessSummary[]> {
  const utc = utcDatesAround(period);
  const processes = [...of.processes.values()];
  const history = historyInPeriod(await historyOnUtcDates(reader, { partnership: of.def.id, processes: processes.map((p) => p.def.id), readable, fromUtc: utc.from, toUtc: utc.to }), period);
  const range = { from: period.from, to: period.to, createdFromUtc: utc.from, createdToUtc: utc.to };
  const cases = (await Promise.all(processes.map((p) => casesForPeriod(reader, of.def.id, p.def.id, p.def.reports?.caseDate, readable, range)))).flat();
  const deadlines = await deadlinesDueInRange(reader, of.def.id, readable, period.from, period.to);
  return summarise(of, { history, cases, deadlines }, period, today);
}
