import { createHash } from 'node:crypto';
import type { IsoDate } from '../engine/definition.ts';
import type { CaseDeadline, CaseTask, Step, Timer } from '../engine/step.ts';
import type { Connection } from './sqlite.ts';

export interface CaseRow {
  id: string;
  partnership: string;
  process: string;
  processVersion: number;
  state: string;
  final: boolean;
  version: number;
  data: Record<string, unknown>;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
}

export interface HistoryEntry {
  seq: number;
  type: string;
  from: string | null;
  to: string;
  by: string;
  at: string;
  data: Record<string, unknown>;
}

export interface CaseLink {
  id: string;
  process: string;
  relation: string;
}

/** A case with everything the API shows of it. */
export interface StoredCase extends CaseRow {
  deadlines: CaseDeadline[];
  tasks: CaseTask[];
  links: CaseLink[];
  history: HistoryEntry[];
}

interface CaseRecord {
  id: string;
  partnership: string;
  process: string;
  process_version: number;
  state: string;
  final: number;
  version: number;
  data: string;
  created_by: string;
  created_at: string;
  updated_at: string;
}

const CASE_COLUMNS = 'id, partnership, process, process_version, state, final, version, data, created_by, created_at, updated_at';

function toCaseRow(r: CaseRecord): CaseRow {
  return {
    id: r.id,
    partnership: r.partnership,
    process: r.process,
    processVersion: r.process_version,
    state: r.state,
    final: r.final === 1,
    version: r.version,
    data: JSON.parse(r.data) as Record<string, unknown>,
    createdBy: r.created_by,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

export async function findCase(db: Connection, id: string): Promise<CaseRow | undefined> {
  const record = await db.get<CaseRecord>(`SELECT ${CASE_COLUMNS} FROM cases WHERE id = ?`, [id]);
  return record && toCaseRow(record);
}

export async function loadDeadlines(db: Connection, caseId: string): Promise<CaseDeadline[]> {
  const rows = await db.all<{ id: string; label: string; due: string; satisfied_by: string | null; met: number | null }>(
    'SELECT id, label, due, satisfied_by, met FROM deadlines WHERE case_id = ? ORDER BY due, id',
    [caseId],
  );
  return rows.map((r) => ({
    id: r.id,
    label: r.label,
    due: r.due as IsoDate,
    satisfiedBy: r.satisfied_by,
    met: r.met === null ? null : r.met === 1,
  }));
}

export async function loadTasks(db: Connection, caseId: string): Promise<CaseTask[]> {
  const rows = await db.all<{ id: string; label: string; done: number }>(
    'SELECT id, label, done FROM tasks WHERE case_id = ? ORDER BY position',
    [caseId],
  );
  return rows.map((r) => ({ id: r.id, label: r.label, done: r.done === 1 }));
}

export async function loadCase(db: Connection, id: string): Promise<StoredCase | undefined> {
  const row = await findCase(db, id);
  if (row === undefined) return undefined;
  const [deadlines, tasks, links, history] = await Promise.all([
    loadDeadlines(db, id),
    loadTasks(db, id),
    db.all<CaseLink>(
      'SELECT l.linked_case_id AS id, c.process AS process, l.relation AS relation FROM links l JOIN cases c ON c.id = l.linked_case_id WHERE l.case_id = ? ORDER BY c.created_at',
      [id],
    ),
    db.all<{ seq: number; type: string; from_state: string | null; to_state: string; by: string; at: string; data: string }>(
      'SELECT seq, type, from_state, to_state, by, at, data FROM history WHERE case_id = ? ORDER BY seq',
      [id],
    ),
  ]);
  return {
    ...row,
    deadlines,
    tasks,
    links,
    history: history.map((h) => ({
      seq: h.seq,
      type: h.type,
      from: h.from_state,
      to: h.to_state,
      by: h.by,
      at: h.at,
      data: JSON.parse(h.data) as Record<string, unknown>,
    })),
  };
}

export async function insertCase(tx: Connection, row: CaseRow): Promise<void> {
  await tx.run(`INSERT INTO cases (${CASE_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, [
    row.id,
    row.partnership,
    row.process,
    row.processVersion,
    row.state,
    row.final ? 1 : 0,
    row.version,
    JSON.stringify(row.data),
    row.createdBy,
    row.createdAt,
    row.updatedAt,
  ]);
}

/** Moves a case on only if nobody else has since: false means another transition won. */
export async function updateCase(
  tx: Connection,
  id: string,
  expectedVersion: number,
  change: Pick<CaseRow, 'state' | 'final' | 'version' | 'data' | 'updatedAt'>,
): Promise<boolean> {
  const { changes } = await tx.run(
    'UPDATE cases SET state = ?, final = ?, version = ?, data = ?, updated_at = ? WHERE id = ? AND version = ?',
    [change.state, change.final ? 1 : 0, change.version, JSON.stringify(change.data), change.updatedAt, id, expectedVersion],
  );
  return changes === 1;
}

/** The hash of a history row covers the row and the hash of the row before it, across all cases. */
export function historyHash(prevHash: string, caseId: string, entry: HistoryEntry): string {
  const canonical = JSON.stringify([prevHash, caseId, entry.seq, entry.type, entry.from, entry.to, entry.by, entry.at, entry.data]);
  return createHash('sha256').update(canonical).digest('hex');
}

/** The hash the first history row chains from. */
export const GENESIS_HASH = '0'.repeat(64);

export async function appendHistory(tx: Connection, caseId: string, firstSeq: number, steps: Step[], at: string): Promise<void> {
  const last = await tx.get<{ hash: string }>('SELECT hash FROM history ORDER BY position DESC LIMIT 1');
  let prevHash = last?.hash ?? GENESIS_HASH;
  for (const [index, step] of steps.entries()) {
    const entry: HistoryEntry = { seq: firstSeq + index, type: step.type, from: step.from, to: step.to, by: step.by, at, data: step.data };
    const hash = historyHash(prevHash, caseId, entry);
    await tx.run(
      'INSERT INTO history (case_id, seq, type, from_state, to_state, by, at, data, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
      [caseId, entry.seq, entry.type, entry.from, entry.to, entry.by, entry.at, JSON.stringify(entry.data), prevHash, hash],
    );
    prevHash = hash;
  }
}

export async function replaceDeadlines(tx: Connection, caseId: string, deadlines: CaseDeadline[]): Promise<void> {
  await tx.run('DELETE FROM deadlines WHERE case_id = ?', [caseId]);
  for (const d of deadlines) {
    await tx.run('INSERT INTO deadlines (case_id, id, label, due, satisfied_by, met) VALUES (?, ?, ?, ?, ?, ?)', [
      caseId,
      d.id,
      d.label,
      d.due,
      d.satisfiedBy,
      d.met === null ? null : d.met ? 1 : 0,
    ]);
  }
}

export async function replaceTasks(tx: Connection, caseId: string, tasks: CaseTask[]): Promise<void> {
  await tx.run('DELETE FROM tasks WHERE case_id = ?', [caseId]);
  for (const [position, t] of tasks.entries()) {
    await tx.run('INSERT INTO tasks (case_id, id, label, done, position) VALUES (?, ?, ?, ?, ?)', [caseId, t.id, t.label, t.done ? 1 : 0, position]);
  }
}

/** Pending timers belong to the state that set them; entering another state replaces them. */
export async function replaceTimers(tx: Connection, caseId: string, state: string, timers: Timer[]): Promise<void> {
  await tx.run('DELETE FROM timers WHERE case_id = ?', [caseId]);
  for (const t of timers) {
    await tx.run('INSERT INTO timers (case_id, state, event, fire_on) VALUES (?, ?, ?, ?)', [caseId, state, t.event, t.at]);
  }
}

export async function removeTimer(tx: Connection, caseId: string, state: string, event: string): Promise<void> {
  await tx.run('DELETE FROM timers WHERE case_id = ? AND state = ? AND event = ?', [caseId, state, event]);
}

export async function loadTimers(db: Connection, caseId: string): Promise<Timer[]> {
  const rows = await db.all<{ event: string; fire_on: string }>('SELECT event, fire_on FROM timers WHERE case_id = ?', [caseId]);
  return rows.map((r) => ({ event: r.event, at: r.fire_on as IsoDate }));
}

export interface DueTimer {
  caseId: string;
  state: string;
  event: string;
  fireOn: IsoDate;
}

export async function dueTimers(db: Connection, today: IsoDate): Promise<DueTimer[]> {
  const rows = await db.all<{ case_id: string; state: string; event: string; fire_on: string }>(
    'SELECT case_id, state, event, fire_on FROM timers WHERE fire_on <= ? ORDER BY fire_on, case_id',
    [today],
  );
  return rows.map((r) => ({ caseId: r.case_id, state: r.state, event: r.event, fireOn: r.fire_on as IsoDate }));
}

export async function insertLink(tx: Connection, caseId: string, linkedCaseId: string, relation: string): Promise<void> {
  await tx.run('INSERT INTO links (case_id, linked_case_id, relation) VALUES (?, ?, ?)', [caseId, linkedCaseId, relation]);
}

export interface CaseFilter {
  partnership: string;
  process?: string;
  state?: string;
  /** Only cases with an overdue deadline on `today`. */
  overdueOn?: IsoDate;
  createdBy?: string;
  limit: number;
  /** The last case of the previous page: lists are newest first, ties broken by id. */
  after?: { createdAt: string; id: string };
}

/** The SQL for "this case has an overdue deadline": past due, unmet, on a case still open. */
export const OVERDUE_SQL =
  'EXISTS (SELECT 1 FROM deadlines d WHERE d.case_id = cases.id AND d.met IS NULL AND d.satisfied_by IS NOT NULL AND d.due < ?) AND cases.final = 0';

export async function listCases(db: Connection, filter: CaseFilter): Promise<CaseRow[]> {
  const where = ['partnership = ?'];
  const params: (string | number)[] = [filter.partnership];
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

export async function countByState(
  db: Connection,
  partnership: string,
  process: string,
  today: IsoDate,
): Promise<Map<string, { count: number; overdue: number }>> {
  const rows = await db.all<{ state: string; count: number; overdue: number }>(
    `SELECT state, COUNT(*) AS count, SUM(CASE WHEN ${OVERDUE_SQL} THEN 1 ELSE 0 END) AS overdue
       FROM cases WHERE partnership = ? AND process = ? GROUP BY state`,
    [today, partnership, process],
  );
  return new Map(rows.map((r) => [r.state, { count: r.count, overdue: r.overdue }]));
}
