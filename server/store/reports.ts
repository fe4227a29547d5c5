import type { SqlFilter } from '../cases/access.ts';
import { addCalendarDays } from '../engine/dates/index.ts';
import type { HistoryStep } from '../engine/project.ts';
import { DEADLINES_AS_CASES, HISTORY_DAYS_AS_CASES, wholeGroupsSql } from './aggregates.ts';
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
 * The instants on the UTC dates [from, to] as a range of `at` itself, beside the exact test on its
 * first ten characters: a range an index on (partnership, process, at) or (…, type, at) can seek
 * to, where the test on `substr` alone made every query read the partnership's whole history.
 */
const AT_ON_DATES_SQL = 'h.at >= ? AND h.at < ?';
function atOnDates(fromUtc: string, toUtc: string): [string, string] {
  return [fromUtc, toUtc >= OPEN_END ? `${OPEN_END}~` : addCalendarDays(toUtc, 1)];
}
const OPEN_END = '9999-12-31';

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
        AND substr(h.at, 1, 10) BETWEEN ? AND ? AND ${AT_ON_DATES_SQL}
        ${after === null ? '' : 'AND (h.at > ? OR (h.at = ? AND h.position > ?))'}
      ORDER BY h.at, h.position
      ${limit === undefined ? '' : 'LIMIT ?'}`,
    [
      partnership,
      ...processes,
      ...readable.params,
      fromUtc,
      toUtc,
      ...atOnDates(fromUtc, toUtc),
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

/** The cases of one process, version by version: those whose every readable case an aggregate may count whole. */
interface VersionOfProcess {
  process: string;
  version: number;
}

/**
 * `(c.process = ? AND c.process_version = ?) OR …` over the given versions (FALSE for none), and its
 * parameters: the cases an aggregate could not count whole, counted one by one.
 */
function versionsSql(versions: readonly VersionOfProcess[]): { sql: string; params: (string | number)[] } {
  if (versions.length === 0) return { sql: 'FALSE', params: [] };
  return { sql: `(${versions.map(() => '(c.process = ? AND c.process_version = ?)').join(' OR ')})`, params: versions.flatMap((v) => [v.process, v.version]) };
}

/** Steps of the same event between the same states, on cases of the same process version. */
export interface TransitionCount {
  process: string;
  processVersion: number;
  type: string;
  from: string | null;
  to: string;
  count: number;
}

/**
 * How many steps of each kind the partnership's readable cases of the given processes took on the
 * UTC dates [fromUtc, toUtc]: from `history_day_counts` for the process versions the reader may
 * read whole (server/store/aggregates.ts), the rest counted in SQL from history.
 */
export async function transitionCounts(db: Connection, query: HistoryQuery): Promise<TransitionCount[]> {
  const { partnership, processes, readable, fromUtc, toUtc } = query;
  if (processes.length === 0) return [];
  const inProcesses = processes.map(() => '?').join(', ');
  type Row = { process: string; process_version: number; type: string; from_state: string; to_state: string; n: number };
  const aggregated = await db.all<Row & { whole: number }>(
    `SELECT c.process, c.process_version, c.type, c.from_state, c.to_state, SUM(c.n) AS n, ${wholeGroupsSql(readable)} AS whole
       FROM ${HISTORY_DAYS_AS_CASES}
      WHERE c.partnership = ? AND c.process IN (${inProcesses}) AND c.day BETWEEN ? AND ? AND c.n <> 0
      GROUP BY c.process, c.process_version, c.type, c.from_state, c.to_state, whole`,
    [...readable.params, partnership, ...processes, fromUtc, toUtc],
  );
  const partial = versionsSql(uniqueVersions(aggregated.filter((r) => r.whole !== 1)));
  const counted = partial.params.length === 0 ? [] : await db.all<Row>(
    `SELECT c.process, c.process_version, h.type, COALESCE(h.from_state, '') AS from_state, h.to_state, COUNT(*) AS n
       FROM history h JOIN cases c ON c.id = h.case_id
      WHERE h.partnership = ? AND h.process IN (${inProcesses}) AND c.partnership = h.partnership
        AND ${readable.sql} AND ${partial.sql} AND substr(h.at, 1, 10) BETWEEN ? AND ? AND ${AT_ON_DATES_SQL}
      GROUP BY c.process, c.process_version, h.type, COALESCE(h.from_state, ''), h.to_state`,
    [partnership, ...processes, ...readable.params, ...partial.params, fromUtc, toUtc, ...atOnDates(fromUtc, toUtc)],
  );
  return [...aggregated.filter((r) => r.whole === 1), ...counted].map((r) => ({
    process: r.process,
    processVersion: Number(r.process_version),
    type: r.type,
    from: r.from_state === '' ? null : r.from_state,
    to: r.to_state,
    count: Number(r.n),
  }));
}

function uniqueVersions(rows: readonly { process: string; process_version: number }[]): VersionOfProcess[] {
  const seen = new Map(rows.map((r) => [`${r.process} ${r.process_version}`, { process: r.process, version: Number(r.process_version) }]));
  return [...seen.values()];
}

/** Deadlines of the same process and id, due before `today` or not, alike in met, meetable, closed and corrected. */
export interface DeadlineCount {
  process: string;
  id: string;
  /** Due before the `today` asked about. */
  past: boolean;
  met: boolean | null;
  satisfiable: boolean;
  final: boolean;
  corrected: boolean;
  count: number;
}

/**
 * The partnership's readable deadlines due in [from, to] (dates in its zone, as due dates are),
 * counted: from `deadline_counts` for the process versions the reader may read whole, the rest in SQL.
 */
export async function deadlineCounts(db: Connection, partnership: string, readable: SqlFilter, range: { from: string; to: string; today: string }): Promise<DeadlineCount[]> {
  type Row = { process: string; deadline: string; past: number; met: number; satisfiable: number; final: number; corrected: number; n: number; process_version: number };
  const aggregated = await db.all<Row & { whole: number }>(
    `SELECT c.process, c.process_version, c.deadline, CASE WHEN c.due < ? THEN 1 ELSE 0 END AS past, c.met, c.satisfiable, c.final, c.corrected, SUM(c.n) AS n,
            ${wholeGroupsSql(readable)} AS whole
       FROM ${DEADLINES_AS_CASES}
      WHERE c.partnership = ? AND c.due BETWEEN ? AND ? AND c.n <> 0
      GROUP BY c.process, c.process_version, c.deadline, past, c.met, c.satisfiable, c.final, c.corrected, whole`,
    [range.today, ...readable.params, partnership, range.from, range.to],
  );
  const partial = versionsSql(uniqueVersions(aggregated.filter((r) => r.whole !== 1)));
  const counted = partial.params.length === 0 ? [] : await db.all<Row>(
    `SELECT c.process, c.process_version, d.id AS deadline, CASE WHEN d.due < ? THEN 1 ELSE 0 END AS past, COALESCE(d.met, -1) AS met,
            CASE WHEN d.satisfied_by IS NULL THEN 0 ELSE 1 END AS satisfiable, c.final, d.corrected, COUNT(*) AS n
       FROM deadlines d JOIN cases c ON c.id = d.case_id
      WHERE c.partnership = ? AND ${readable.sql} AND ${partial.sql} AND d.due BETWEEN ? AND ?
      GROUP BY c.process, c.process_version, d.id, past, COALESCE(d.met, -1), CASE WHEN d.satisfied_by IS NULL THEN 0 ELSE 1 END, c.final, d.corrected`,
    [range.today, partnership, ...readable.params, ...partial.params, range.from, range.to],
  );
  return [...aggregated.filter((r) => r.whole === 1), ...counted].map((r) => ({
    process: r.process,
    id: r.deadline,
    past: Number(r.past) === 1,
    met: Number(r.met) === -1 ? null : Number(r.met) === 1,
    satisfiable: Number(r.satisfiable) === 1,
    final: Number(r.final) === 1,
    corrected: Number(r.corrected) === 1,
    count: Number(r.n),
  }));
}

/** How many of a process's readable cases were created on the UTC dates [fromUtc, toUtc]. */
export async function casesCreatedOnUtcDates(db: Connection, partnership: string, process: string, readable: SqlFilter, fromUtc: string, toUtc: string): Promise<number> {
  const row = await db.get<{ n: number }>(
    `SELECT COUNT(*) AS n FROM cases c WHERE c.partnership = ? AND c.process = ? AND ${readable.sql} AND substr(c.created_at, 1, 10) BETWEEN ? AND ?`,
    [partnership, process, ...readable.params, fromUtc, toUtc],
  );
  return Number(row?.n ?? 0);
}

/** How many steps of an event answered a field's top-level value: `json` is its SQLite json_type. */
export interface AnswerCount {
  process: string;
  json: string;
  value: unknown;
  count: number;
}

/**
 * The answers the partnership's readable cases of the given processes gave to the top-level field
 * `head` in steps of `event` on the UTC dates [fromUtc, toUtc], counted by answer: the yearly
 * summary's outcomes without reading each step. A list or an object comes back as its JSON text.
 * `json_type` is SQLite's; migration 013 gives PostgreSQL one of the same name and answers.
 */
export async function answerCounts(db: Connection, query: HistoryQuery, event: string, head: string): Promise<AnswerCount[]> {
  const { partnership, processes, readable, fromUtc, toUtc } = query;
  if (processes.length === 0) return [];
  const path = `$.${head}`;
  const rows = await db.all<{ process: string; json: string | null; value: unknown; n: number }>(
    `SELECT h.process, json_type(h.data, ?) AS json, json_extract(h.data, ?) AS value, COUNT(*) AS n
       FROM history h JOIN cases c ON c.id = h.case_id
      WHERE h.partnership = ? AND h.process IN (${processes.map(() => '?').join(', ')}) AND h.type = ? AND c.partnership = h.partnership
        AND ${readable.sql} AND substr(h.at, 1, 10) BETWEEN ? AND ? AND ${AT_ON_DATES_SQL}
      GROUP BY 1, 2, 3`,
    [path, path, partnership, ...processes, event, ...readable.params, fromUtc, toUtc, ...atOnDates(fromUtc, toUtc)],
  );
  return rows.flatMap((r) => (r.json === null ? [] : [{ process: r.process, json: r.json, value: r.value, count: Number(r.n) }]));
}
