/**
 * The read aggregates (migration 013): figures the lists, statechart counts and yearly summary read
 * instead of every case, kept by database triggers in the same transaction as each write to
 * `cases`, `deadlines` and `history`, so the write path's code knows nothing of them.
 *
 * - `cases.next_due`: the due date of the case's soonest open deadline (unmet, with a field that
 *   meets it), whether or not the case is closed; overdue is `final = 0 AND next_due < today`.
 * - `case_counts`: cases per (partnership, process, process version, state).
 * - `history_day_counts`: history steps per (partnership, process, the case's process version, UTC
 *   date, event, from state, to state); a case moved to another version moves its steps with it.
 * - `deadline_counts`: deadlines per (partnership, process, the case's version, whether it is
 *   closed, deadline, due date, met, whether a field meets it, corrected).
 *
 * Like case rows, they are a cache of the base tables, never a record: `checkAggregates` recounts
 * each from the base tables and names every difference (for verify-audit to report), and
 * `npm run rebuild-aggregates` (`rebuildAggregates`) throws them away and recounts them. A zero
 * count left behind by a decrement is the same as no row.
 */
import type { Connection, Database } from './database.ts';

interface Aggregate {
  name: string;
  /** The stored figures, one row per key; the same columns as `recount`. */
  stored: string;
  /** The same figures counted from the base tables. */
  recount: string;
  /** Recomputes the stored figures from the base tables. */
  rebuild: string[];
}

const NEXT_DUE_OF_CASE =
  '(SELECT MIN(d.due) FROM deadlines d WHERE d.case_id = cases.id AND d.met IS NULL AND d.satisfied_by IS NOT NULL)';

const CASE_COUNT_COLUMNS = 'partnership, process, process_version, state, n';
const CASE_COUNTS = 'SELECT partnership, process, process_version, state, COUNT(*) AS n FROM cases GROUP BY partnership, process, process_version, state';

const HISTORY_DAY_COLUMNS = 'partnership, process, process_version, day, type, from_state, to_state, n';
const HISTORY_DAY_COUNTS = `SELECT c.partnership, c.process, c.process_version, substr(h.at, 1, 10) AS day, h.type, COALESCE(h.from_state, '') AS from_state, h.to_state, COUNT(*) AS n
  FROM history h JOIN cases c ON c.id = h.case_id
  GROUP BY c.partnership, c.process, c.process_version, substr(h.at, 1, 10), h.type, COALESCE(h.from_state, ''), h.to_state`;

const DEADLINE_COLUMNS = 'partnership, process, process_version, final, deadline, due, met, satisfiable, corrected, n';
const DEADLINE_COUNTS = `SELECT c.partnership, c.process, c.process_version, c.final, d.id AS deadline, d.due, COALESCE(d.met, -1) AS met,
    CASE WHEN d.satisfied_by IS NULL THEN 0 ELSE 1 END AS satisfiable, d.corrected, COUNT(*) AS n
  FROM deadlines d JOIN cases c ON c.id = d.case_id
  GROUP BY c.partnership, c.process, c.process_version, c.final, d.id, d.due, COALESCE(d.met, -1), CASE WHEN d.satisfied_by IS NULL THEN 0 ELSE 1 END, d.corrected`;

/** A counted aggregate: its table emptied and filled from the recount. */
function counted(name: string, columns: string, recount: string): Aggregate {
  return {
    name,
    stored: `SELECT ${columns} FROM ${name} WHERE n <> 0`,
    recount,
    rebuild: [`DELETE FROM ${name}`, `INSERT INTO ${name} (${columns}) ${recount}`],
  };
}

const AGGREGATES: readonly Aggregate[] = [
  {
    name: 'cases.next_due',
    stored: 'SELECT id, next_due FROM cases',
    recount: `SELECT id, ${NEXT_DUE_OF_CASE} AS next_due FROM cases`,
    rebuild: [`UPDATE cases SET next_due = ${NEXT_DUE_OF_CASE}`],
  },
  counted('case_counts', CASE_COUNT_COLUMNS, CASE_COUNTS),
  counted('history_day_counts', HISTORY_DAY_COLUMNS, HISTORY_DAY_COUNTS),
  counted('deadline_counts', DEADLINE_COLUMNS, DEADLINE_COUNTS),
];

/**
 * Need to know on an aggregate (server/cases/access.ts): an aggregate's row stands in for the cases
 * it counts, under the alias the reader's filter names, with the case columns it does not know
 * (who raised the case, its id, for some its state) NULL. The filter is ANDs and ORs of comparisons
 * and EXISTS on the case's columns, never a NOT, so a part needing an unknown column is NULL or
 * false, and the filter is TRUE on the row only where it holds for every case whatever those columns
 * are: that row's count may be read whole; elsewhere the cases are counted one by one. A filter
 * naming a column no stand-in has fails loudly rather than counting wrong.
 */
export function wholeGroupsSql(readable: { sql: string }): string {
  return `CASE WHEN ${readable.sql} THEN 1 ELSE 0 END`;
}

const unknown = (columns: string[]) => columns.map((c) => `CAST(NULL AS TEXT) AS ${c}`).join(', ');

/** `case_counts` as stand-ins for cases, aliased `cases` (the alias the statechart's filter uses). */
export const CASE_COUNTS_AS_CASES = `(SELECT partnership, process, process_version, state, n, ${unknown(['created_by', 'id'])} FROM case_counts) AS cases`;

/** `history_day_counts` and `deadline_counts` as stand-ins for cases, aliased `c` (the reports' alias). */
export const HISTORY_DAYS_AS_CASES = `(SELECT ${HISTORY_DAY_COLUMNS}, ${unknown(['state', 'created_by', 'id'])} FROM history_day_counts) AS c`;
export const DEADLINES_AS_CASES = `(SELECT ${DEADLINE_COLUMNS}, ${unknown(['state', 'created_by', 'id'])} FROM deadline_counts) AS c`;

/** Recounts the named aggregates (all of them by default) from the base tables, inside the caller's transaction. */
export async function rebuildAggregatesIn(tx: Connection, names?: readonly string[]): Promise<void> {
  for (const aggregate of AGGREGATES.filter((a) => names === undefined || names.includes(a.name))) {
    for (const sql of aggregate.rebuild) await tx.run(sql);
  }
}

/** Recounts every aggregate in one transaction, so readers see the old figures or the new, never half. */
export async function rebuildAggregates(db: Database): Promise<void> {
  await db.transaction((tx) => rebuildAggregatesIn(tx));
}

/** How many rows of an aggregate differ from its recount, with a few of them to look at. */
export interface AggregateDifference {
  aggregate: string;
  /** Stored rows the recount does not have (a wrong or extra figure). */
  storedOnly: number;
  /** Recounted rows not stored (a missing or wrong figure). */
  recountedOnly: number;
  examples: Record<string, unknown>[];
}

const EXAMPLES = 5;

/** Every aggregate whose stored figures differ from a recount from the base tables; empty when all agree. */
export async function checkAggregates(db: Connection): Promise<AggregateDifference[]> {
  const differences: AggregateDifference[] = [];
  for (const { name, stored, recount } of AGGREGATES) {
    const count = async (a: string, b: string) => (await db.get<{ n: number }>(`SELECT COUNT(*) AS n FROM (${a} EXCEPT ${b}) AS differing`))!.n;
    const storedOnly = Number(await count(stored, recount));
    const recountedOnly = Number(await count(recount, stored));
    if (storedOnly === 0 && recountedOnly === 0) continue;
    const examples = await db.all<Record<string, unknown>>(`SELECT * FROM (${stored} EXCEPT ${recount}) AS differing LIMIT ${EXAMPLES}`);
    differences.push({ aggregate: name, storedOnly, recountedOnly, examples });
  }
  return differences;
}
