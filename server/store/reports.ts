import type { SqlFilter } from '../cases/access.ts';
import type { HistoryStep } from '../engine/project.ts';
import { toHistoryStep, type HistoryRecord } from './cases.ts';
import type { Connection } from './database.ts';

/**
 * What reports read across cases. Every query takes `readable`, the reader's need-to-know filter
 * over the cases table aliased `c` (server/cases/access.ts), so a report never counts a case its
 * reader may not read. Dates here are UTC: the callers widen a partnership's date range to the UTC
 * dates it can touch and keep the rows whose date in the partnership's zone is in range.
 */

/** A history entry with the case it belongs to, for reports across cases. */
export interface HistoryRow {
  caseId: string;
  process: string;
  seq: number;
  type: string;
  from: string | null;
  to: string;
  by: string;
  /** The exact instant, as history keeps it. */
  at: string;
  /** The step's own answers. */
  data: Record<string, unknown>;
  /** Its place in the whole history: ties in `at` read in this order. */
  position: number;
  /** The process version its case runs on: its states' labels and finality are that version's. */
  processVersion?: number;
  /** The case's reference (server/store/references.ts). */
  reference?: string | null;
}

type HistoryJoinRecord = { case_id: string; process: string; process_version: number; position: number; seq: number; type: string; from_state: string | null; to_state: string; by: string; at: string; data: string; reference: string | null };

/** Where a page of history ends: the last row's instant and its place in the whole history (ties in `at`). */
export interface HistoryKey {
  at: string;
  position: number;
}

/** Which history a report reads: a partnership's readable cases of some processes, on some UTC dates. */
export interface HistoryQuery {
  partnership: string;
  processes: readonly string[];
  readable: SqlFilter;
  fromUtc: string;
  toUtc: string;
}

/**
 * History of a partnership's readable cases of the given processes whose UTC date (the first ten
 * characters of `at`) lies in [fromUtc, toUtc], oldest first: after `after` (exclusive) when given,
 * at most `limit` rows when given. `at` is always `toISOString()`'s form, so text order is time order
 * and (at, position) a keyset. Filtered on history's own partnership and process (its case's, copied
 * at write) so that history_by_process_time (migration 010) hands rows over in order from `after`.
 */
export async function historyOnUtcDates(db: Connection, query: HistoryQuery, page: { after?: HistoryKey | null; limit?: number } = {}): Promise<HistoryRow[]> {
  const { partnership, processes, readable, fromUtc, toUtc } = query;
  if (processes.length === 0) return [];
  const { after = null, limit } = page;
  const rows = await db.all<HistoryJoinRecord>(
    `SELECT h.case_id, c.process, c.process_version, c.reference, h.position, h.seq, h.type, h.from_state, h.to_state, h.by, h.at, h.data
       FROM history h JOIN cases c ON c.id = h.case_id
      WHERE h.partnership = ? AND h.process IN (${processes.map(() => '?').join(', ')}) AND c.partnership = h.partnership
        AND ${readable.sql}
        AND substr(h.at, 1, 10) BETWEEN ? AND ?
        ${after === null ? '' : 'AND (h.at > ? OR (h.at = ? AND h.position > ?))'}
      ORDER BY h.at, h.position
      ${limit === undefined ? '' : 'LIMIT ?'}`,
    [
      partnership,
      ...processes,
      ...readable.params,
      fromUtc,
      toUtc,
      ...(after === null ? [] : [after.at, after.at, after.position]),
      ...(limit === undefined ? [] : [limit]),
    ],
  );
  return rows.map(toHistoryRow);
}

/**
 * The same history as `historyOnUtcDates`, read `batch` rows at a time, so a long answer (a year of
 * the escalation log) never holds more than one batch in memory.
 */
export async function* historyBatchesOnUtcDates(db: Connection, query: HistoryQuery, page: { after: HistoryKey | null; batch: number }): AsyncGenerator<HistoryRow[]> {
  let after = page.after;
  for (;;) {
    const rows = await historyOnUtcDates(db, query, { after, limit: page.batch });
    if (rows.length > 0) yield rows;
    if (rows.length < page.batch) return;
    const last = rows[rows.length - 1]!;
    after = { at: last.at, position: last.position };
  }
}

function toHistoryRow(r: HistoryJoinRecord): HistoryRow {
  return {
    caseId: r.case_id,
    process: r.process,
    processVersion: r.process_version,
    reference: r.reference,
    position: r.position,
    seq: r.seq,
    type: r.type,
    from: r.from_state,
    to: r.to_state,
    by: r.by,
    at: r.at,
    data: JSON.parse(r.data) as Record<string, unknown>,
  };
}

/** A case with what its date is read from: its `caseDate` field's value (if the process names one) and its creation. */
export interface CaseDateRow {
  id: string;
  process: string;
  createdAt: string;
  /** The value of the process's `reports.caseDate` field in the case's data; null when absent. */
  caseDate: unknown;
}

/**
 * The readable cases of one process whose `caseDateField` is in [from, to], or, whatever that
 * field says, whose creation's UTC date is in [createdFromUtc, createdToUtc]: the candidates whose
 * date the caller decides.
 */
export async function casesForPeriod(
  db: Connection,
  partnership: string,
  process: string,
  caseDateField: string | undefined,
  readable: SqlFilter,
  range: { from: string; to: string; createdFromUtc: string; createdToUtc: string },
): Promise<CaseDateRow[]> {
  const path = caseDateField === undefined ? null : `$.${caseDateField}`;
  const rows = await db.all<{ id: string; process: string; created_at: string; case_date: unknown }>(
    `SELECT c.id, c.process, c.created_at, json_extract(c.data, ?) AS case_date
       FROM cases c
      WHERE c.partnership = ? AND c.process = ? AND ${readable.sql}
        AND (json_extract(c.data, ?) BETWEEN ? AND ? OR substr(c.created_at, 1, 10) BETWEEN ? AND ?)`,
    [path, partnership, process, ...readable.params, path, range.from, range.to, range.createdFromUtc, range.createdToUtc],
  );
  return rows.map((r) => ({ id: r.id, process: r.process, createdAt: r.created_at, caseDate: r.case_date }));
}

export interface DeadlineRow {
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

/** A case's whole history, for reports that replay cases (the state each was in at a year's end). */
export interface CaseHistory {
  id: string;
  process: string;
  processVersion: number;
  reference: string | null;
  steps: HistoryStep[];
}

/**
 * Every step of the partnership's readable cases of the given processes, grouped by case in `seq`
 * order. Not cut by date: a case recorded after the fact counts by the dates it records, so which
 * steps matter is decided after replaying it. Plain SQL, grouped here rather than in the query.
 */
export async function caseHistories(db: Connection, partnership: string, processes: string[], readable: SqlFilter): Promise<CaseHistory[]> {
  if (processes.length === 0) return [];
  const rows = await db.all<{ process: string; process_version: number; reference: string | null } & Pick<HistoryRecord, 'case_id' | 'seq' | 'type' | 'from_state' | 'to_state' | 'by' | 'at' | 'data' | 'effects'>>(
    `SELECT h.case_id, c.process, c.process_version, c.reference, h.seq, h.type, h.from_state, h.to_state, h.by, h.at, h.data, h.effects
       FROM history h JOIN cases c ON c.id = h.case_id
      WHERE c.partnership = ? AND c.process IN (${processes.map(() => '?').join(', ')})
        AND ${readable.sql}
      ORDER BY h.case_id, h.seq`,
    [partnership, ...processes, ...readable.params],
  );
  const cases = new Map<string, CaseHistory>();
  for (const row of rows) {
    let found = cases.get(row.case_id);
    if (found === undefined) {
      found = { id: row.case_id, process: row.process, processVersion: row.process_version, reference: row.reference, steps: [] };
      cases.set(row.case_id, found);
    }
    found.steps.push(toHistoryStep(row));
  }
  return [...cases.values()];
}
