import { createHash } from 'node:crypto';
import { contentHash, processVersion, type Catalogue } from '../engine/catalogue.ts';
import { isMigration, project, type Projection, type VersionMove } from '../engine/project.ts';
import { CASE_COLUMNS, GENESIS_HASH, HISTORY_COLUMNS, historyHash, toHistoryStep, type CaseRecord, type HistoryRecord } from './cases.ts';
import type { Connection } from './database.ts';
import { readStoredVersions, withStoredVersions } from './process-versions.ts';

export interface BrokenLink {
  position: number;
  caseId: string;
  seq: number;
  reason: string;
}

/** A stored case that is not what its history decides. */
export interface CaseDifference {
  caseId: string;
  /** What differs, in words: `deadline reply: due is 2026-01-08 in the table, the history decides 2026-01-07`. */
  what: string;
}

export interface AuditResult {
  ok: boolean;
  /** History rows read (up to and including the first broken one). */
  rows: number;
  /**
   * The heads digest: a hash over every case's (id, last seq, head hash) as of history position
   * `headsAt`, in case-id order. Write both down somewhere else: a later run given them (`headsAsOf`)
   * recomputes it over the rows up to that position, so a case's deleted last rows, a deleted case,
   * or a chain rewritten whole show, though no link is broken. Empty when a chain is broken.
   */
  headHash: string;
  /** The history position the heads digest is as of: the newest row read, unless asked for another. */
  headsAt: number;
  /** Cases whose chain the heads digest covers. */
  chains: number;
  firstBroken?: BrokenLink;
  /** Cases replayed from their history and compared with what the tables hold. */
  cases: number;
  /** Every difference found (the first {@link MAX_DIFFERENCES}). */
  differences: CaseDifference[];
  /** How many differences there are in all, beyond the first {@link MAX_DIFFERENCES} too. */
  differenceCount: number;
  /** How many distinct cases (or case ids found in a table) have at least one difference. */
  differingCases: number;
}

export interface AuditOptions {
  /** Compute the heads digest over the rows up to this history position (one recorded earlier with its digest). */
  headsAsOf?: number;
}

/** The file cannot be checked by this version at all: it was written by an older one and not upgraded yet. */
export class AuditUnavailableError extends Error {}

/** Rows are read a page at a time, so a large history never has to fit in memory at once. */
const PAGE = 1000;
const MAX_DIFFERENCES = 100;

/**
 * Checks the whole record as an auditor with a copy of the file would, in two parts.
 *
 * The chains: every case's history is its own hash chain (migration 011); rows written before that
 * form one chain across all cases, in `position` order, up to the boundary the migration recorded.
 * Every hash is recomputed: an edited row fails its own hash; a deleted, inserted or moved row breaks
 * the `prev_hash` of the next row of its chain; per case, `seq` must go up by one from 1. What no link
 * shows (a case's last rows deleted, a case deleted whole, or every later hash rewritten, since the
 * chain has no secret) shows in the heads digest, compared with one recorded earlier.
 *
 * The cases: replays every case's history under its process and compares the case row (partnership,
 * process, version, state, data, raiser, times), its deadlines, tasks, timers and links with what the
 * history decides. Those tables are a cache of the history, so any edit to them shows as a difference.
 */
export async function verifyAudit(db: Connection, catalogue: Catalogue, options: AuditOptions = {}): Promise<AuditResult> {
  await requireCurrentSchema(db);
  const chain = await verifyChains(db, options);
  // Each case is replayed under the version it ran on, as this file stores it (not as the files now say).
  const { cases, differences, differenceCount, differingCases } = await verifyCases(db, await withStoredVersions(db, catalogue));
  return { ...chain, ok: chain.ok && differenceCount === 0, cases, differences, differenceCount, differingCases };
}

/** A file written before migration 002 has neither the columns the hashes now cover nor `effects`: say so, rather than fail on SQL. */
async function requireCurrentSchema(db: Connection): Promise<void> {
  // A PostgreSQL database starts at a schema past 002 (postgres-schema.sql), or has no tables at all.
  if (db.dialect === 'postgres') {
    if (!(await hasTable(db, 'history'))) throw new AuditUnavailableError('This database has no history table: it is not a workflows database.');
    return;
  }
  const columns = new Set((await db.all<{ name: string }>('PRAGMA table_info(history)')).map((c) => c.name));
  if (columns.size === 0) throw new AuditUnavailableError('This file has no history table: it is not a workflows database.');
  const missing = ['partnership', 'process', 'process_version', 'effects'].filter((c) => !columns.has(c));
  if (missing.length > 0) {
    throw new AuditUnavailableError(
      `This database was written by a version before migration 002 (its history has no ${missing.join(', ')}): ` +
        'start the server on it once to upgrade it (the upgrade verifies the old chain first), then verify it again.',
    );
  }
}

async function hasTable(db: Connection, name: string): Promise<boolean> {
  const sql = db.dialect === 'postgres' ? 'SELECT to_regclass(?)::text AS name' : "SELECT name FROM sqlite_master WHERE type = 'table' AND name = ?";
  return ((await db.get<{ name: string | null }>(sql, [name]))?.name ?? null) !== null;
}

/** Where the one chain of the rows written before migration 011 ends (migrations/011-chain-per-case.ts). */
interface ChainBoundary {
  last_position: number;
  last_case_id: string | null;
  last_seq: number | null;
  head_hash: string;
}

/** A database not yet upgraded to 011 has only the one chain, to its newest row. */
async function readBoundary(db: Connection): Promise<ChainBoundary | undefined> {
  if (!(await hasTable(db, 'history_chain_boundary'))) return undefined;
  return db.get<ChainBoundary>('SELECT last_position, last_case_id, last_seq, head_hash FROM history_chain_boundary');
}

type ChainResult = Pick<AuditResult, 'ok' | 'rows' | 'headHash' | 'headsAt' | 'chains' | 'firstBroken'>;

/** What is wrong with a row whose predecessor in its chain has hash `prevHash`, if anything. */
function linkProblem(row: HistoryRecord, prevHash: string, missing: string): string | undefined {
  if (row.prev_hash !== prevHash) return `its prev_hash is not the hash of the row before it in its chain: ${missing}`;
  let step;
  try {
    step = toHistoryStep(row);
  } catch {
    return 'its data or effects are not valid JSON: the row was edited';
  }
  const owner = { caseId: row.case_id, partnership: row.partnership, process: row.process, processVersion: row.process_version };
  if (historyHash(prevHash, owner, step) !== row.hash) return 'its contents do not match its hash: the row was edited';
  return undefined;
}

async function verifyChains(db: Connection, options: AuditOptions): Promise<ChainResult> {
  const boundary = await readBoundary(db);
  const broken = await verifyOneChain(db, boundary);
  return broken ?? verifyCaseChains(db, boundary?.last_position ?? Number.POSITIVE_INFINITY, options);
}

function brokenAt(rows: number, firstBroken: BrokenLink): ChainResult {
  return { ok: false, rows, headHash: '', headsAt: 0, chains: 0, firstBroken };
}

function brokenRow(row: HistoryRecord, reason: string): BrokenLink {
  return { position: row.position, caseId: row.case_id, seq: row.seq, reason };
}

/** The rows written under the one chain, before 011: each links to the row before it in position order, whatever its case. */
async function verifyOneChain(db: Connection, boundary: ChainBoundary | undefined): Promise<ChainResult | undefined> {
  // No upper bound before 011 (a bound as large as any position would not fit PostgreSQL's integer).
  const [withinOneChain, upTo] = boundary === undefined ? ['', []] : ['AND position <= ?', [boundary.last_position]];
  let rows = 0;
  let prevHash = GENESIS_HASH;
  for (let after = 0; ; ) {
    const page = await db.all<HistoryRecord>(`SELECT ${HISTORY_COLUMNS} FROM history WHERE position > ? ${withinOneChain} ORDER BY position LIMIT ?`, [after, ...upTo, PAGE]);
    for (const row of page) {
      rows++;
      const problem = linkProblem(row, prevHash, 'a row before it was deleted, inserted or reordered');
      if (problem !== undefined) return brokenAt(rows, brokenRow(row, problem));
      prevHash = row.hash;
    }
    if (page.length < PAGE) break;
    after = page.at(-1)!.position;
  }
  if (boundary !== undefined && prevHash !== boundary.head_hash) {
    const reason = 'the last row written before migration 011 is not there: the one chain ends elsewhere than the migration recorded, so it was deleted';
    return brokenAt(rows, { position: boundary.last_position, caseId: boundary.last_case_id ?? '', seq: boundary.last_seq ?? 0, reason });
  }
  return undefined;
}

/**
 * Each case's chain in seq order: seq from 1 up by one, and every row after the one chain (position
 * past `oneChainEnd`) linked to the case's own row before it; the heads digest of their last rows.
 */
async function verifyCaseChains(db: Connection, oneChainEnd: number, { headsAsOf = Number.POSITIVE_INFINITY }: AuditOptions): Promise<ChainResult> {
  let rows = 0;
  let newest = 0;
  const heads: Head[] = [];
  let current: { caseId: string; seq: number; hash: string; head?: Head } | undefined;
  const closeCase = () => current?.head && heads.push(current.head);
  for (let after: [string, number] = ['', 0]; ; ) {
    const page = await db.all<HistoryRecord>(`SELECT ${HISTORY_COLUMNS} FROM history WHERE (case_id, seq) > (?, ?) ORDER BY case_id, seq LIMIT ?`, [...after, PAGE]);
    for (const row of page) {
      rows++;
      if (row.case_id !== current?.caseId) {
        closeCase();
        current = { caseId: row.case_id, seq: 0, hash: GENESIS_HASH };
      }
      if (row.seq !== current.seq + 1) {
        return brokenAt(rows, brokenRow(row, `its seq is ${row.seq} where the case's next is ${current.seq + 1}: a row of this case before it is missing`));
      }
      if (row.position > oneChainEnd) {
        const problem = linkProblem(row, current.hash, 'a row of this case before it was deleted, or this row was moved here from another case');
        if (problem !== undefined) return brokenAt(rows, brokenRow(row, problem));
      }
      current.seq = row.seq;
      current.hash = row.hash;
      newest = Math.max(newest, row.position);
      if (row.position <= headsAsOf) current.head = { caseId: row.case_id, seq: row.seq, hash: row.hash };
    }
    if (page.length < PAGE) break;
    after = [page.at(-1)!.case_id, page.at(-1)!.seq];
  }
  closeCase();
  return { ok: true, rows, headHash: digestOf(heads), headsAt: Number.isFinite(headsAsOf) ? headsAsOf : newest, chains: heads.length };
}

/** The last row of a case's chain (as of the position the digest is taken at). */
interface Head {
  caseId: string;
  seq: number;
  hash: string;
}

/**
 * sha256 over one line `["<case id>",<seq>,"<hash>"]` per case, by case id compared as code units:
 * the same on SQLite and PostgreSQL whatever the database's collation, so a copy restored into the
 * other gives the same digest.
 */
function digestOf(heads: Head[]): string {
  const hash = createHash('sha256');
  for (const head of [...heads].sort((a, b) => (a.caseId < b.caseId ? -1 : a.caseId > b.caseId ? 1 : 0))) {
    hash.update(`${JSON.stringify([head.caseId, head.seq, head.hash])}\n`);
  }
  return hash.digest('hex');
}

/** JSON with sorted keys, so two equal objects compare equal whatever order their keys were written in. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b))) : v,
  );
}

async function verifyCases(
  db: Connection,
  catalogue: Catalogue,
): Promise<{ cases: number; differences: CaseDifference[]; differenceCount: number; differingCases: number }> {
  const differences: CaseDifference[] = [];
  let differenceCount = 0;
  const differing = new Set<string>();
  const differ = (caseId: string, what: string) => {
    differenceCount++;
    differing.add(caseId);
    if (differences.length < MAX_DIFFERENCES) differences.push({ caseId, what });
  };
  // A stored version whose content is not what its hash says was edited: cases replayed under it would prove nothing.
  for (const version of await readStoredVersions(db)) {
    if (contentHash(version.content) !== version.hash) {
      differ(`${version.partnership}/${version.process} version ${version.version}`, 'the stored process version does not match its hash: its definition was edited');
    }
  }
  const orphans = await db.all<{ case_id: string; n: number }>(
    'SELECT case_id, COUNT(*) AS n FROM history WHERE case_id NOT IN (SELECT id FROM cases) GROUP BY case_id',
  );
  for (const orphan of orphans) differ(orphan.case_id, `${orphan.n} history row(s) belong to a case that is not in the cases table: the case was deleted`);
  // Rows of the cache tables for no case at all (the file's own connection need not enforce foreign keys).
  for (const table of ['deadlines', 'tasks', 'timers', 'links'] as const) {
    const strays = await db.all<{ case_id: string; n: number }>(
      `SELECT case_id, COUNT(*) AS n FROM ${table} WHERE case_id NOT IN (SELECT id FROM cases) GROUP BY case_id`,
    );
    for (const stray of strays) differ(stray.case_id, `${stray.n} row(s) of the ${table} table belong to a case that is not in the cases table`);
  }

  let cases = 0;
  let after = '';
  for (;;) {
    const page = await db.all<CaseRecord>(
      `SELECT ${CASE_COLUMNS} FROM cases WHERE id > ? ORDER BY id LIMIT ?`,
      [after, PAGE],
    );
    for (const row of page) {
      cases++;
      await verifyCase(db, catalogue, row, (what) => differ(row.id, what));
    }
    if (page.length < PAGE) break;
    after = page.at(-1)!.id;
  }
  return { cases, differences, differenceCount, differingCases: differing.size };
}

async function verifyCase(db: Connection, catalogue: Catalogue, row: CaseRecord, differ: (what: string) => void): Promise<void> {
  const records = await db.all<HistoryRecord>(`SELECT ${HISTORY_COLUMNS} FROM history WHERE case_id = ? ORDER BY seq`, [row.id]);
  if (records.length === 0) return differ('the case has no history: it was inserted without one');
  const first = records[0]!;
  const version = versionInForce(records, differ);
  for (const [column, stored, recorded] of [
    ['partnership', row.partnership, first.partnership],
    ['process', row.process, first.process],
    ['process version', row.process_version, version],
  ] as const) {
    if (stored !== recorded) differ(`${column} is ${stored} in the cases table, the history says ${recorded}`);
  }
  const configured = catalogue.partnerships.get(first.partnership);
  const resolved = configured && processVersion(configured, first.process, version);
  if (resolved === undefined) return differ(`its process ${first.partnership}/${first.process} version ${version} is not stored or configured, so its history cannot be replayed`);
  const { partnership, process } = resolved;
  let projection: Projection;
  try {
    projection = project(partnership, process, records.map(toHistoryStep))!;
  } catch (error) {
    return differ(`its history cannot be replayed: ${(error as Error).message}`);
  }
  const field = (name: string, stored: unknown, decided: unknown) => {
    if (canonical(stored) !== canonical(decided)) differ(`${name} is ${canonical(stored) ?? 'absent'} in the cases table, the history decides ${canonical(decided) ?? 'none'}`);
  };
  field('state', row.state, projection.state);
  field('final', row.final === 1, projection.final);
  field('version', row.version, projection.version);
  let storedData: unknown;
  try {
    storedData = JSON.parse(row.data);
  } catch {
    differ('data is not valid JSON in the cases table');
  }
  if (storedData === null || typeof storedData !== 'object' || Array.isArray(storedData)) {
    if (storedData !== undefined) field('data', storedData, projection.data);
  } else {
    // Each answer by name, so the report says which one was changed.
    const answers = storedData as Record<string, unknown>;
    for (const key of new Set([...Object.keys(answers), ...Object.keys(projection.data)])) field(`data.${key}`, answers[key], projection.data[key]);
  }
  field('raiser', row.created_by, projection.createdBy);
  field('created at', row.created_at, projection.createdAt);
  field('updated at', row.updated_at, projection.updatedAt);

  const deadlines = await db.all<{ id: string; label: string; due: string; satisfied_by: string | null; met: number | null; corrected: number }>(
    'SELECT id, label, due, satisfied_by, met, corrected FROM deadlines WHERE case_id = ?',
    [row.id],
  );
  compareSets(
    'deadline',
    deadlines.map((d) => ({ id: d.id, label: d.label, due: d.due, satisfiedBy: d.satisfied_by, met: d.met === null ? null : d.met === 1, corrected: d.corrected === 1 })),
    projection.deadlines,
    differ,
  );
  const tasks = await db.all<{ id: string; label: string; done: number }>('SELECT id, label, done FROM tasks WHERE case_id = ? ORDER BY position', [row.id]);
  compareSets('task', tasks.map((t) => ({ id: t.id, label: t.label, done: t.done === 1 })), projection.tasks, differ);
  const timers = await db.all<{ state: string; event: string; fire_on: string }>('SELECT state, event, fire_on FROM timers WHERE case_id = ?', [row.id]);
  compareSets(
    'timer',
    timers.map((t) => ({ id: t.event, state: t.state, at: t.fire_on })),
    projection.timers.map((t) => ({ id: t.event, state: projection.state, at: t.at })),
    differ,
  );
  const links = await db.all<{ linked_case_id: string; relation: string }>('SELECT linked_case_id, relation FROM links WHERE case_id = ?', [row.id]);
  compareSets(
    'link',
    links.map((l) => ({ id: l.linked_case_id, relation: l.relation })),
    projection.links.map((l) => ({ id: l.caseId, relation: l.relation })),
    differ,
  );
}

/**
 * The version a case's history ends on, checking that every row names its case's partnership and
 * process and the version in force: seq 1's, then, from each migration on, the version it moved to
 * (which must move from the version before it).
 */
function versionInForce(records: readonly HistoryRecord[], differ: (what: string) => void): number {
  const first = records[0]!;
  let version = first.process_version;
  let since = first.seq;
  for (const record of records) {
    const move = migrationOf(record);
    if (move !== undefined) {
      if (move.fromVersion !== version) differ(`history seq ${record.seq} migrates the case from version ${move.fromVersion}, but it was on version ${version}`);
      [version, since] = [move.toVersion, record.seq];
    }
    if (record.partnership !== first.partnership || record.process !== first.process || record.process_version !== version) {
      const unlike = move !== undefined ? `but it moves the case to version ${version}` : `unlike seq ${since}`;
      differ(`history seq ${record.seq} names ${record.partnership}/${record.process} version ${record.process_version}, ${unlike}`);
    }
  }
  return version;
}

/** The versions a migration row moves between; undefined for any other row, or one whose JSON the chain check has already called edited. */
function migrationOf(record: HistoryRecord): VersionMove | undefined {
  try {
    const step = toHistoryStep(record);
    return isMigration(step) ? step.effects.migration : undefined;
  } catch {
    return undefined;
  }
}

function compareSets(kind: string, stored: { id: string }[], decided: { id: string }[], differ: (what: string) => void): void {
  const decidedById = new Map(decided.map((d) => [d.id, d]));
  const storedIds = new Set(stored.map((s) => s.id));
  for (const item of stored) {
    const expected = decidedById.get(item.id);
    if (expected === undefined) {
      differ(`${kind} ${item.id} is in the table but the history decides no such ${kind}: ${canonical(item)}`);
      continue;
    }
    // Each field that differs, by name: `deadline reply: due is "2022-10-19" in the table, the history decides "2022-10-18"`.
    const fields = new Set([...Object.keys(item), ...Object.keys(expected)]);
    for (const field of fields) {
      const [is, decides] = [canonical((item as Record<string, unknown>)[field]), canonical((expected as Record<string, unknown>)[field])];
      if (is !== decides) differ(`${kind} ${item.id}: ${field} is ${is ?? 'absent'} in the table, the history decides ${decides ?? 'none'}`);
    }
  }
  for (const item of decided) if (!storedIds.has(item.id)) differ(`${kind} ${item.id} is missing from the table; the history decides ${canonical(item)}`);
}
