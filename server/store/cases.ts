import { createHash } from 'node:crypto';
import type { IsoDate } from '../engine/definition.ts';
import type { CaseDeadline, CaseTask, HistoryStep, Projection, StepEffects } from '../engine/project.ts';
import type { Connection } from './database.ts';

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
  /** The reference people say and type (server/store/references.ts); given in the transaction that inserts the case. */
  reference?: string;
}

export type HistoryEntry = HistoryStep;

export interface CaseLink {
  id: string;
  process: string;
  relation: string;
  /** The linked case's reference. */
  reference: string | null;
}

/** A case with everything the API shows of it. */
export interface StoredCase extends CaseRow {
  deadlines: CaseDeadline[];
  tasks: CaseTask[];
  links: CaseLink[];
  history: HistoryStep[];
}

/** A `cases` row as SQLite returns it. */
export interface CaseRecord {
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
  reference: string | null;
}

/** The columns a case is inserted with; its reference is given just after (see references.ts). */
const INSERT_COLUMNS = 'id, partnership, process, process_version, state, final, version, data, created_by, created_at, updated_at';
export const CASE_COLUMNS = `${INSERT_COLUMNS}, reference`;

export function toCaseRow(r: CaseRecord): CaseRow {
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
    ...(r.reference === null || r.reference === undefined ? {} : { reference: r.reference }),
  };
}

export async function findCase(db: Connection, id: string): Promise<CaseRow | undefined> {
  const record = await db.get<CaseRecord>(`SELECT ${CASE_COLUMNS} FROM cases WHERE id = ?`, [id]);
  return record && toCaseRow(record);
}

export async function loadDeadlines(db: Connection, caseId: string): Promise<CaseDeadline[]> {
  const rows = await db.all<{ id: string; label: string; due: string; satisfied_by: string | null; met: number | null; corrected: number }>(
    'SELECT id, label, due, satisfied_by, met, corrected FROM deadlines WHERE case_id = ? ORDER BY due, id',
    [caseId],
  );
  return rows.map((r) => ({
    id: r.id,
    label: r.label,
    due: r.due as IsoDate,
    satisfiedBy: r.satisfied_by,
    met: r.met === null ? null : r.met === 1,
    corrected: r.corrected === 1,
  }));
}

export async function loadTasks(db: Connection, caseId: string): Promise<CaseTask[]> {
  const rows = await db.all<{ id: string; label: string; done: number }>(
    'SELECT id, label, done FROM tasks WHERE case_id = ? ORDER BY position',
    [caseId],
  );
  return rows.map((r) => ({ id: r.id, label: r.label, done: r.done === 1 }));
}

export async function loadLinks(db: Connection, caseId: string): Promise<CaseLink[]> {
  return db.all<CaseLink>(
    'SELECT l.linked_case_id AS id, c.process AS process, l.relation AS relation, c.reference AS reference FROM links l JOIN cases c ON c.id = l.linked_case_id WHERE l.case_id = ? ORDER BY c.created_at, l.linked_case_id',
    [caseId],
  );
}

export interface HistoryRecord {
  position: number;
  case_id: string;
  partnership: string;
  process: string;
  process_version: number;
  seq: number;
  type: string;
  from_state: string | null;
  to_state: string;
  by: string;
  at: string;
  data: string;
  effects: string;
  prev_hash: string;
  hash: string;
}

export const HISTORY_COLUMNS = 'position, case_id, partnership, process, process_version, seq, type, from_state, to_state, by, at, data, effects, prev_hash, hash';

export function toHistoryStep(h: Pick<HistoryRecord, 'seq' | 'type' | 'from_state' | 'to_state' | 'by' | 'at' | 'data' | 'effects'>): HistoryStep {
  return {
    seq: h.seq,
    type: h.type,
    from: h.from_state,
    to: h.to_state,
    by: h.by,
    at: h.at,
    data: JSON.parse(h.data) as Record<string, unknown>,
    effects: JSON.parse(h.effects) as StepEffects,
  };
}

/** A case's history in `seq` order: the record the case is read from. */
export async function loadHistory(db: Connection, caseId: string): Promise<HistoryStep[]> {
  const rows = await db.all<HistoryRecord>(`SELECT ${HISTORY_COLUMNS} FROM history WHERE case_id = ? ORDER BY seq`, [caseId]);
  return rows.map(toHistoryStep);
}

export async function loadCase(db: Connection, id: string): Promise<StoredCase | undefined> {
  const row = await findCase(db, id);
  if (row === undefined) return undefined;
  const [deadlines, tasks, links, history] = await Promise.all([loadDeadlines(db, id), loadTasks(db, id), loadLinks(db, id), loadHistory(db, id)]);
  return { ...row, deadlines, tasks, links, history };
}

export async function insertCase(tx: Connection, row: CaseRow): Promise<void> {
  await tx.run(`INSERT INTO cases (${INSERT_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, [
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

/**
 * Moves a case on only if nobody else has since: false means another transition won. `processVersion`
 * only when a migration moves the case to another version of its process (store/case-migration.ts).
 */
export async function updateCase(
  tx: Connection,
  id: string,
  expectedVersion: number,
  change: Pick<CaseRow, 'state' | 'final' | 'version' | 'data' | 'updatedAt'> & { processVersion?: number },
): Promise<boolean> {
  const { changes } = await tx.run(
    'UPDATE cases SET state = ?, final = ?, version = ?, data = ?, updated_at = ?, process_version = COALESCE(?, process_version) WHERE id = ? AND version = ?',
    [change.state, change.final ? 1 : 0, change.version, JSON.stringify(change.data), change.updatedAt, change.processVersion ?? null, id, expectedVersion],
  );
  return changes === 1;
}

/** Which case and process version a history row belongs to; covered by its hash, so a case moved elsewhere shows. */
export interface HistoryOwner {
  caseId: string;
  partnership: string;
  process: string;
  processVersion: number;
}

/**
 * The hash of a history row covers everything the row says (its case, partnership, process and
 * version, seq, type, from, to, by, at, data and effects) and the hash of the row before it in its
 * chain: the case's own previous row (rows written before migration 011 chain across all cases; see
 * migrations/011-chain-per-case.ts).
 */
export function historyHash(prevHash: string, owner: HistoryOwner, entry: HistoryStep): string {
  const canonical = JSON.stringify([
    prevHash,
    owner.caseId,
    owner.partnership,
    owner.process,
    owner.processVersion,
    entry.seq,
    entry.type,
    entry.from,
    entry.to,
    entry.by,
    entry.at,
    entry.data,
    entry.effects,
  ]);
  return createHash('sha256').update(canonical).digest('hex');
}

/**
 * The hash a case's first history row chains from. The same for every case: each row's hash covers its
 * case id already, so a genesis derived from the id would add nothing a moved chain does not show anyway.
 */
export const GENESIS_HASH = '0'.repeat(64);

/**
 * Extends the case's own chain: no lock but the case's, so transitions on different cases never wait
 * for each other. Two writers on one case cannot both read the same head: an existing case is moved on
 * only by `updateCase` first, whose row lock PostgreSQL holds to the end of the transaction (the second
 * writer waits, then finds the version gone), a new case's id is its transaction's alone, and
 * UNIQUE (case_id, seq) refuses whatever got past both. SQLite has one writer at a time anyway.
 */
export async function appendHistory(tx: Connection, owner: HistoryOwner, steps: readonly HistoryStep[]): Promise<void> {
  const last = await tx.get<{ hash: string }>('SELECT hash FROM history WHERE case_id = ? ORDER BY seq DESC LIMIT 1', [owner.caseId]);
  let prevHash = last?.hash ?? GENESIS_HASH;
  for (const step of steps) {
    const hash = historyHash(prevHash, owner, step);
    await tx.run(
      'INSERT INTO history (case_id, partnership, process, process_version, seq, type, from_state, to_state, by, at, data, effects, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
      [
        owner.caseId,
        owner.partnership,
        owner.process,
        owner.processVersion,
        step.seq,
        step.type,
        step.from,
        step.to,
        step.by,
        step.at,
        JSON.stringify(step.data),
        JSON.stringify(step.effects),
        prevHash,
        hash,
      ],
    );
    prevHash = hash;
  }
}

/** What the cache tables hold of a projection. */
export type CachedProjection = Pick<Projection, 'state' | 'deadlines' | 'tasks' | 'timers' | 'links'>;

/** A case not stored yet: no cached rows to replace. */
export const NOTHING_CACHED: CachedProjection = { state: '', deadlines: [], tasks: [], timers: [], links: [] };

/** The cache tables of a case's projection, each as the rows it holds (after `case_id`). */
const CACHE_TABLES = [
  {
    table: 'deadlines',
    insert: 'INSERT INTO deadlines (case_id, id, label, due, satisfied_by, met, corrected) VALUES (?, ?, ?, ?, ?, ?, ?)',
    rows: (p: CachedProjection) => p.deadlines.map((d) => [d.id, d.label, d.due, d.satisfiedBy, d.met === null ? null : d.met ? 1 : 0, d.corrected ? 1 : 0]),
  },
  {
    table: 'tasks',
    insert: 'INSERT INTO tasks (case_id, id, label, done, position) VALUES (?, ?, ?, ?, ?)',
    rows: (p: CachedProjection) => p.tasks.map((t, position) => [t.id, t.label, t.done ? 1 : 0, position]),
  },
  {
    table: 'timers',
    insert: 'INSERT INTO timers (case_id, state, event, fire_on) VALUES (?, ?, ?, ?)',
    rows: (p: CachedProjection) => p.timers.map((t) => [p.state, t.event, t.at]),
  },
  {
    table: 'links',
    insert: 'INSERT INTO links (case_id, linked_case_id, relation) VALUES (?, ?, ?)',
    rows: (p: CachedProjection) => p.links.map((link) => [link.caseId, link.relation]),
  },
] as const;

/**
 * Writes the cache of a case's projection beside its row: deadlines, tasks, timers and links. Given
 * `before`, the projection its stored cache was written from, only the tables whose rows differ are
 * rewritten (most transitions change one or two of the four); without it, every table is.
 */
export async function writeProjection(tx: Connection, caseId: string, projection: CachedProjection, before?: CachedProjection): Promise<void> {
  for (const { table, insert, rows } of CACHE_TABLES) {
    const after = rows(projection);
    if (before !== undefined && JSON.stringify(rows(before)) === JSON.stringify(after)) continue;
    await tx.run(`DELETE FROM ${table} WHERE case_id = ?`, [caseId]);
    for (const row of after) await tx.run(insert, [caseId, ...row]);
  }
}

export interface DueTimer {
  caseId: string;
  partnership: string;
  state: string;
  event: string;
  fireOn: IsoDate;
}

/** Timers due on or before `today`: a date in every partnership's zone, so the caller passes the latest. */
export async function dueTimers(db: Connection, today: IsoDate): Promise<DueTimer[]> {
  const rows = await db.all<{ case_id: string; partnership: string; state: string; event: string; fire_on: string }>(
    'SELECT t.case_id, c.partnership, t.state, t.event, t.fire_on FROM timers t JOIN cases c ON c.id = t.case_id WHERE t.fire_on <= ? ORDER BY t.fire_on, t.case_id',
    [today],
  );
  return rows.map((r) => ({ caseId: r.case_id, partnership: r.partnership, state: r.state, event: r.event, fireOn: r.fire_on as IsoDate }));
}

/** Open cases of a partnership with a deadline nothing has met yet. */
export async function casesWithOpenDeadlines(db: Connection, partnership: string): Promise<string[]> {
  const rows = await db.all<{ id: string }>(
    'SELECT id FROM cases WHERE partnership = ? AND final = 0 AND EXISTS (SELECT 1 FROM deadlines d WHERE d.case_id = cases.id AND d.met IS NULL) ORDER BY id',
    [partnership],
  );
  return rows.map((r) => r.id);
}

/** Cases of a partnership with a task or a deadline, whose wording may name the partnership's places. */
export async function casesWithTasksOrDeadlines(db: Connection, partnership: string): Promise<string[]> {
  const rows = await db.all<{ id: string }>(
    'SELECT id FROM cases WHERE partnership = ? AND (EXISTS (SELECT 1 FROM tasks t WHERE t.case_id = cases.id) OR EXISTS (SELECT 1 FROM deadlines d WHERE d.case_id = cases.id)) ORDER BY id',
    [partnership],
  );
  return rows.map((r) => r.id);
}

/**
 * The SQL for "this case has an overdue deadline": past due, unmet, on a case still open. Read from
 * `next_due` (its soonest open deadline, kept by triggers: server/store/aggregates.ts), so that it is
 * a range in the index cases_overdue rather than a look at every open case's deadlines.
 */
export const OVERDUE_SQL = 'cases.final = 0 AND cases.next_due < ?';
