import type { SqlFilter } from '../cases/access.ts';
import type { IsoDate } from '../engine/definition.ts';
import { CASE_COLUMNS, OVERDUE_SQL, toCaseRow, type CaseRecord, type CaseRow } from './cases.ts';
import type { Connection } from './sqlite.ts';

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
  limit: number;
  /** The last case of the previous page: lists are newest first, ties broken by id. */
  after?: { createdAt: string; id: string };
}

export async function listReadableCases(db: Connection, filter: CaseListFilter): Promise<CaseRow[]> {
  const where = ['partnership = ?', filter.readable.sql];
  const params: (string | number)[] = [filter.partnership, ...filter.readable.params];
  if (filter.process !== undefined) where.push('process = ?') && params.push(filter.process);
  if (filter.state !== undefined) where.push('state = ?') && params.push(filter.state);
  if (filter.createdBy !== undefined) where.push('created_by = ?') && params.push(filter.createdBy);
  if (filter.overdueOn !== undefined) where.push(OVERDUE_SQL) && params.push(filter.overdueOn);
  if (filter.after !== undefined) {
    where.push('(created_at < ? OR (created_at = ? AND id < ?))');
    params.push(filter.after.createdAt, filter.after.createdAt, filter.after.id);
  }
  const rows = await db.all<CaseRecord>(
    `SELECT ${CASE_COLUMNS} FROM cases WHERE ${where.join(' AND ')} ORDER BY created_at DESC, id DESC LIMIT ?`,
    [...params, filter.limit],
  );
  return rows.map(toCaseRow);
}

/** How many readable cases of a process are in each state, and how many of those are overdue on `today`. */
export async function countReadableByState(
  db: Connection,
  partnership: string,
  process: string,
  readable: SqlFilter,
  today: IsoDate,
): Promise<Map<string, { count: number; overdue: number }>> {
  const rows = await db.all<{ state: string; count: number; overdue: number }>(
    `SELECT state, COUNT(*) AS count, SUM(CASE WHEN ${OVERDUE_SQL} THEN 1 ELSE 0 END) AS overdue
       FROM cases WHERE partnership = ? AND process = ? AND ${readable.sql} GROUP BY state`,
    [today, partnership, process, ...readable.params],
  );
  return new Map(rows.map((r) => [r.state, { count: r.count, overdue: r.overdue }]));
}
