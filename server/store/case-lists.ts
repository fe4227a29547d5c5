import type { SqlFilter } from '../cases/access.ts';
import type { IsoDate } from '../engine/definition.ts';
import type { CaseDeadline } from '../engine/project.ts';
import { CASE_COLUMNS, OVERDUE_SQL, toCaseRow, type CaseRecord, type CaseRow } from './cases.ts';
import type { Connection } from './database.ts';

/**
 * Lists and counts of cases, only ever of the cases the reader may read (need to know: see
 * server/cases/access.ts, whose `readableCasesSql` gives `readable`).
 */

export interface CaseListFilter {
  partnership: string;
  /** The cases the reader may read, over the table `cases`. */
  readable: SqlFilter;
  process?: string;
  state?: string;
  /** Only cases with an overdue deadline on `today`. */
  overdueOn?: IsoDate;
  createdBy?: string;
  /** Only the cases this matches too (the work list: server/cases/work-list.ts). */
  waiting?: SqlFilter;
  /** Only the cases a search finds (server/cases/search.ts). */
  search?: SqlFilter;
  limit: number;
  /**
   * `created`: newest first, ties by id. `due`: by the case's next due date (`NEXT_DUE_SQL`), so
   * overdue cases come first (their next due date is past) and cases with nothing due come last;
   * ties newest first.
   */
  sort?: 'created' | 'due';
  /** The last case of the previous page, in the list's order. */
  after?: { createdAt: string; id: string; nextDue?: string | null };
}

/**
 * The due date of a case's open deadline due soonest: unmet, with a field that meets it, on a case
 * still open; null when there is none. Overdue is this date being before today. `next_due` is kept
 * for closed cases too (server/store/aggregates.ts), so it is read here only while the case is open.
 */
export const NEXT_DUE_SQL = '(CASE WHEN cases.final = 0 THEN cases.next_due END)';

export interface ListedCase extends CaseRow {
  nextDue: string | null;
}

export async function listReadableCases(db: Connection, filter: CaseListFilter): Promise<ListedCase[]> {
  const where = ['partnership = ?', filter.readable.sql];
  const params: (string | number | null)[] = [filter.partnership, ...filter.readable.params];
  for (const extra of [filter.waiting, filter.search]) {
    if (extra !== undefined) where.push(extra.sql) && params.push(...extra.params);
  }
  if (filter.process !== undefined) where.push('process = ?') && params.push(filter.process);
  if (filter.state !== undefined) where.push('state = ?') && params.push(filter.state);
  if (filter.createdBy !== undefined) where.push('created_by = ?') && params.push(filter.createdBy);
  if (filter.overdueOn !== undefined) where.push(OVERDUE_SQL) && params.push(filter.overdueOn);
  const byDue = filter.sort === 'due';
  // Overdue cases are open and have a next due date: the bare column, so that the order is the
  // index cases_overdue's and the first page is read off it.
  const overdue = filter.overdueOn !== undefined;
  const nextDue = overdue ? 'cases.next_due' : NEXT_DUE_SQL;
  const after = filter.after;
  const newerFirst = '(created_at < ? OR (created_at = ? AND id < ?))';
  const outer: string[] = [];
  const outerParams: (string | null)[] = [];
  if (after !== undefined && !byDue) {
    where.push(newerFirst);
    params.push(after.createdAt, after.createdAt, after.id);
  } else if (after !== undefined) {
    // Keyset paging over (next due, nulls last; created_at desc; id desc).
    if (after.nextDue === null || after.nextDue === undefined) {
      outer.push(`(next_due IS NULL AND ${newerFirst})`);
      outerParams.push(after.createdAt, after.createdAt, after.id);
    } else {
      outer.push(`(next_due IS NULL OR next_due > ? OR (next_due = ? AND ${newerFirst}))`);
      outerParams.push(after.nextDue, after.nextDue, after.createdAt, after.createdAt, after.id);
    }
  }
  const order = byDue ? `${overdue ? '' : 'next_due IS NULL, '}next_due, created_at DESC, id DESC` : 'created_at DESC, id DESC';
  const rows = await db.all<CaseRecord & { next_due: string | null }>(
    `SELECT * FROM (SELECT ${CASE_COLUMNS}, ${nextDue} AS next_due FROM cases WHERE ${where.join(' AND ')}) AS listed
      ${outer.length > 0 ? `WHERE ${outer.join(' AND ')}` : ''} ORDER BY ${order} LIMIT ?`,
    [...params, ...outerParams, filter.limit],
  );
  return rows.map((r) => ({ ...toCaseRow(r), nextDue: r.next_due }));
}

/** The open deadlines of the listed cases (unmet, with a field that meets them), by case. */
export async function openDeadlinesOf(db: Connection, caseIds: readonly string[]): Promise<Map<string, CaseDeadline[]>> {
  const byCase = new Map<string, CaseDeadline[]>(caseIds.map((id) => [id, []]));
  if (caseIds.length === 0) return byCase;
  const rows = await db.all<{ case_id: string; id: string; label: string; due: string; satisfied_by: string }>(
    `SELECT case_id, id, label, due, satisfied_by FROM deadlines WHERE met IS NULL AND satisfied_by IS NOT NULL AND case_id IN (${caseIds.map(() => '?').join(', ')})`,
    [...caseIds],
  );
  for (const r of rows) {
    byCase.get(r.case_id)?.push({ id: r.id, label: r.label, due: r.due as IsoDate, satisfiedBy: r.satisfied_by, met: null, corrected: false });
  }
  return byCase;
}
