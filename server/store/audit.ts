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
  /** The hash of the last row: write it down somewhere else to detect a rewrite of the whole chain later. */
  headHash: string;
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

/** The file cannot be checked by this version at all: it was written by an older one and not upgraded yet. */
export class AuditUnavailableError extends Error {}

/** Rows are read a page at a time, so a large history never has to fit in memory at once. */
const PAGE = 1000;
const MAX_DIFFERENCES = 100;

/**
 * Checks the whole record as an auditor with a copy of the file would, in two parts.
 *
 * The chain: walks the history in `position` order and recomputes every hash. An edited row fails
 * its own hash; a deleted, inserted or reordered row breaks the `prev_hash` of the row after it;
 * per case, `seq` must go up by one. The chain has no secret, so someone who rewrites every later
 * hash too is caught only by comparing `headHash` with one recorded earlier.
 *
 * The cases: replays every case's history under its process and compares the case row (partnership,
 * process, version, state, data, raiser, times), its deadlines, tasks, timers and links with what the
 * history decides. Those tables are a cache of the history, so any edit to them shows as a difference.
 */
export async function verifyAudit(db: Connection, catalogue: Catalogue): Promise<AuditResult> {
  await requireCurrentSchema(db);
  const chain = await verifyChain(db);
  // Each case is replayed under the version it ran on, as this file stores it (not as the files now say).
  const { cases, differences, differenceCount, differingCases } = await verifyCases(db, await withStoredVersions(db, catalogue));
  return { ...chain, ok: chain.ok && differenceCount === 0, cases, differences, differenceCount, differingCases };
}

/** A file written before migration 002 has neither the columns the hashes now cover nor `effects`: say so, rather than fail on SQL. */
async function requireCurrentSchema(db: Connection): Promise<void> {
  // A PostgreSQL database starts at a schema past 002 (postgres-schema.sql), or has no tables at all.
  if (db.dialect === 'postgres') {
    const table = await db.get<{ name: string | null }>("SELECT to_regclass('history')::text AS name");
    if (table?.name === null || table === undefined) throw new AuditUnavailableError('This database has no history table: it is not a workflows database.');
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

async function verifyChain(db: Connection): Promise<Pick<AuditResult, 'ok' | 'rows' | 'headHash' | 'firstBroken'>> {
  let prevHash = GENESIS_HASH;
  let rows = 0;
  let after = 0;
  const lastSeq = new Map<string, number>();
  for (;;) {
    const page = await db.all<HistoryRecord>(`SELECT ${HISTORY_COLUMNS} FROM history WHERE position > ? ORDER BY position LIMIT ?`, [after, PAGE]);
    for (const row of page) {
      rows++;
      const broken = (reason: string) => ({
        ok: false,
        rows,
        headHash: prevHash,
        firstBroken: { position: row.position, caseId: row.case_id, seq: row.seq, reason },
      });
      if (row.prev_hash !== prevHash) {
        return broken('its prev_hash is not the hash of the row before it: a row before it was deleted, inserted or reordered');
      }
      let step;
      try {
        step = toHistoryStep(row);
      } catch {
        return broken('its data or effects are not valid JSON: the row was edited');
      }
      const owner = { caseId: row.case_id, partnership: row.partnership, process: row.process, processVersion: row.process_version };
      if (historyHash(prevHash, owner, step) !== row.hash) {
        return broken('its contents do not match its hash: the row was edited');
      }
      const expectedSeq = (lastSeq.get(row.case_id) ?? 0) + 1;
      if (row.seq !== expectedSeq) {
        return broken(`its seq is ${row.seq} where the case's next is ${expectedSeq}: a row of this case is missing or repeated`);
      }
      lastSeq.set(row.case_id, row.seq);
      prevHash = row.hash;
    }
    if (page.length < PAGE) break;
    after = page.at(-1)!.position;
  }
  return { ok: true, rows, headHash: prevHash };
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
