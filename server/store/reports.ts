import type { HistoryEntry } from './cases.ts';
import type { Connection } from './sqlite.ts';

/** A history entry with the case it belongs to, for reports across cases. */
export interface HistoryRow extends HistoryEntry {
  caseId: string;
  process: string;
}

/**
 * History of a partnership's cases of the given processes whose date (the first ten characters
 * of `at`) lies in [from, to], oldest first.
 */
export async function historyInRange(
  db: Connection,
  partnership: string,
  processes: string[],
  from: string,
  to: string,
): Promise<HistoryRow[]> {
  if (processes.length === 0) return [];
  const rows = await db.all<{ case_id: string; process: string; seq: number; type: string; from_state: string | null; to_state: string; by: string; at: string; data: string }>(
    `SELECT h.case_id, c.process, h.seq, h.type, h.from_state, h.to_state, h.by, h.at, h.data
       FROM history h JOIN cases c ON c.id = h.case_id
      WHERE c.partnership = ? AND c.process IN (${processes.map(() => '?').join(', ')})
        AND substr(h.at, 1, 10) BETWEEN ? AND ?
      ORDER BY h.at, h.position`,
    [partnership, ...processes, from, to],
  );
  return rows.map((r) => ({
    caseId: r.case_id,
    process: r.process,
    seq: r.seq,
    type: r.type,
    from: r.from_state,
    to: r.to_state,
    by: r.by,
    at: r.at,
    data: JSON.parse(r.data) as Record<string, unknown>,
  }));
}

export interface DeadlineRow {
  process: string;
  id: string;
  due: string;
  met: boolean | null;
  satisfiedBy: string | null;
  final: boolean;
}

/** Deadlines due in [from, to] of a partnership's cases. */
export async function deadlinesDueInRange(db: Connection, partnership: string, from: string, to: string): Promise<DeadlineRow[]> {
  const rows = await db.all<{ process: string; id: string; due: string; met: number | null; satisfied_by: string | null; final: number }>(
    `SELECT c.process, d.id, d.due, d.met, d.satisfied_by, c.final
       FROM deadlines d JOIN cases c ON c.id = d.case_id
      WHERE c.partnership = ? AND d.due BETWEEN ? AND ?`,
    [partnership, from, to],
  );
  return rows.map((r) => ({ process: r.process, id: r.id, due: r.due, met: r.met === null ? null : r.met === 1, satisfiedBy: r.satisfied_by, final: r.final === 1 }));
}
