/**
 * The history becomes the record the case is read from.
 *
 * - Each history row names its case's partnership, process and process version, and carries the
 *   `effects` the fold cannot recompute (due dates as they were started, linked case ids); its hash
 *   covers all of it. The old chain is verified first: a database whose record was already tampered
 *   with is refused, not silently re-sealed. The old head hash is kept in `audit_epochs`.
 * - Deadlines gain `corrected`.
 * - Every case's cached row, deadlines, tasks, timers and links are rebuilt from its history under
 *   the new rules (first recorded answer wins), so `verify-audit` passes on the result. Each rebuilt
 *   case must show the state, version, deadlines (due, met), tasks, timers and links the old version
 *   showed: a case that would not is named and the upgrade refused (it is one transaction), since a
 *   cache rebuilt wrongly would still pass `verify-audit`.
 */
import { createHash } from 'node:crypto';
import type { CompiledPartnership, CompiledProcess } from '../../engine/catalogue.ts';
import { applyStep, type HistoryStep, type Projection, type StepEffects } from '../../engine/project.ts';
import type { MigrationContext } from '../migrate.ts';
import { GENESIS_HASH, historyHash, writeProjection } from '../cases.ts';
import type { Connection } from '../database.ts';

interface OldRow {
  position: number;
  case_id: string;
  seq: number;
  type: string;
  from_state: string | null;
  to_state: string;
  by: string;
  at: string;
  data: string;
  prev_hash: string;
  hash: string;
}

function oldHash(prevHash: string, row: OldRow): string {
  const canonical = JSON.stringify([prevHash, row.case_id, row.seq, row.type, row.from_state, row.to_state, row.by, row.at, JSON.parse(row.data)]);
  return createHash('sha256').update(canonical).digest('hex');
}

export async function up(tx: Connection, { catalogue }: MigrationContext): Promise<void> {
  const rows = await tx.all<OldRow>('SELECT position, case_id, seq, type, from_state, to_state, by, at, data, prev_hash, hash FROM history ORDER BY position');
  let oldHead = GENESIS_HASH;
  for (const row of rows) {
    if (row.prev_hash !== oldHead || oldHash(oldHead, row) !== row.hash) {
      throw new Error(
        `The history's hash chain is broken at position ${row.position} (case ${row.case_id}, seq ${row.seq}); ` +
          'this upgrade re-seals the chain, so it refuses to run on a record that may have been tampered with. Restore the latest good backup and start again.',
      );
    }
    oldHead = row.hash;
  }
  const orphan = await tx.get<{ position: number; case_id: string }>('SELECT position, case_id FROM history WHERE case_id NOT IN (SELECT id FROM cases) ORDER BY position LIMIT 1');
  if (orphan !== undefined) {
    throw new Error(`History position ${orphan.position} belongs to case ${orphan.case_id}, which is not in the cases table; restore the latest good backup before upgrading.`);
  }

  await tx.exec(`
    DROP TRIGGER history_is_append_only_update;
    DROP TRIGGER history_is_append_only_delete;
    ALTER TABLE history ADD COLUMN partnership TEXT NOT NULL DEFAULT '';
    ALTER TABLE history ADD COLUMN process TEXT NOT NULL DEFAULT '';
    ALTER TABLE history ADD COLUMN process_version INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE history ADD COLUMN effects TEXT NOT NULL DEFAULT '{}';
    UPDATE history SET
      partnership = (SELECT c.partnership FROM cases c WHERE c.id = history.case_id),
      process = (SELECT c.process FROM cases c WHERE c.id = history.case_id),
      process_version = (SELECT c.process_version FROM cases c WHERE c.id = history.case_id);
    ALTER TABLE deadlines ADD COLUMN corrected INTEGER NOT NULL DEFAULT 0 CHECK (corrected IN (0, 1));
    -- The working-day calendar each case's open deadlines were last computed with; see CaseService.followCalendar.
    CREATE TABLE calendars_in_force (id TEXT PRIMARY KEY, fingerprint TEXT NOT NULL, checked_at TEXT NOT NULL);
    CREATE TABLE audit_epochs (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      at TEXT NOT NULL,
      reason TEXT NOT NULL,
      rows INTEGER NOT NULL,
      old_head_hash TEXT NOT NULL,
      new_head_hash TEXT NOT NULL
    );
  `);

  const cases = await tx.all<{ id: string; partnership: string; process: string; process_version: number; created_at: string }>(
    'SELECT id, partnership, process, process_version, created_at FROM cases',
  );
  const caseById = new Map(cases.map((c) => [c.id, c]));
  const effects = new Map<number, StepEffects>(rows.map((r) => [r.position, {}]));
  const historyOf = new Map<string, OldRow[]>();
  for (const row of rows) historyOf.set(row.case_id, [...(historyOf.get(row.case_id) ?? []), row]);

  // Links: the old version wrote a started case's creation in the same transaction as the step that
  // started it, right after that step's history row. So of two linked cases, the one whose history
  // begins later was started by the other's last step before it. Positions, not times: a clock set
  // back with WORKFLOW_NOW can make the started case look older than the case that started it.
  const links = await tx.all<{ case_id: string; linked_case_id: string; relation: string }>('SELECT case_id, linked_case_id, relation FROM links');
  const historyOfLinked = (id: string): OldRow[] => {
    const history = historyOf.get(id);
    if (history === undefined) throw new Error(`Case ${id} is linked to another case but has no history; restore the latest good backup before upgrading.`);
    return history;
  };
  for (const link of links) {
    const from = caseById.get(link.case_id)!;
    const to = caseById.get(link.linked_case_id)!;
    const ref = { caseId: to.id, process: to.process, relation: link.relation };
    const [fromHistory, toHistory] = [historyOfLinked(from.id), historyOfLinked(to.id)];
    if (fromHistory[0]!.position > toHistory[0]!.position) {
      effects.get(fromHistory[0]!.position)!.linkedFrom = ref;
    } else {
      const starter = fromHistory.filter((r) => r.position < toHistory[0]!.position).at(-1) ?? fromHistory[0]!;
      const effect = effects.get(starter.position)!;
      effect.startedCases = [...(effect.startedCases ?? []), ref];
    }
  }

  // Due dates as they were started: the step that (last) started each deadline keeps its cached due.
  const resolved = new Map<string, { partnership: CompiledPartnership; process: CompiledProcess }>();
  for (const c of cases) {
    const partnership = catalogue.partnerships.get(c.partnership);
    const process = partnership?.processes.get(c.process);
    if (partnership === undefined || process === undefined) {
      throw new Error(`Case ${c.id} is a ${c.partnership}/${c.process} case, which the configuration no longer has; restore that process's file before upgrading.`);
    }
    resolved.set(c.id, { partnership, process });
    const history = historyOf.get(c.id) ?? [];
    const cached = await tx.all<{ id: string; due: string }>('SELECT id, due FROM deadlines WHERE case_id = ?', [c.id]);
    const starter = new Map<string, number>();
    let projection: Projection | null = null;
    for (const row of history) {
      const applied = applyStep(partnership, process, projection, stepOf(row, effects.get(row.position)!));
      for (const id of Object.keys(applied.dues)) starter.set(id, row.position);
      projection = applied.projection;
    }
    for (const deadline of cached) {
      const position = starter.get(deadline.id);
      if (position === undefined) continue;
      const effect = effects.get(position)!;
      effect.dues = { ...effect.dues, [deadline.id]: deadline.due as never };
    }
  }

  let head = GENESIS_HASH;
  for (const row of rows) {
    const c = caseById.get(row.case_id)!;
    const owner = { caseId: c.id, partnership: c.partnership, process: c.process, processVersion: c.process_version };
    const hash = historyHash(head, owner, stepOf(row, effects.get(row.position)!));
    await tx.run('UPDATE history SET effects = ?, prev_hash = ?, hash = ? WHERE position = ?', [JSON.stringify(effects.get(row.position)), head, hash, row.position]);
    head = hash;
  }
  await tx.exec(`
    CREATE TRIGGER history_is_append_only_update BEFORE UPDATE ON history
    BEGIN SELECT RAISE(ABORT, 'history is append-only'); END;
    CREATE TRIGGER history_is_append_only_delete BEFORE DELETE ON history
    BEGIN SELECT RAISE(ABORT, 'history is append-only'); END;
  `);
  await tx.run('INSERT INTO audit_epochs (at, reason, rows, old_head_hash, new_head_hash) VALUES (?, ?, ?, ?, ?)', [
    new Date().toISOString(),
    'Migration 002: the old chain verified intact, then re-sealed so each hash covers the case, partnership, process, version and effects',
    rows.length,
    oldHead,
    head,
  ]);

  for (const c of cases) {
    const { partnership, process } = resolved.get(c.id)!;
    let projection: Projection | null = null;
    for (const row of historyOf.get(c.id) ?? []) projection = applyStep(partnership, process, projection, stepOf(row, effects.get(row.position)!)).projection;
    if (projection === null) continue;
    // Nothing is lost: the case must be what the old version showed (its answers aside, where the first recorded now wins).
    const lost = await differencesFromOldCache(tx, c.id, projection);
    if (lost.length > 0) {
      throw new Error(
        `After the upgrade, case ${c.id} (${c.partnership}/${c.process}) would not be what this version showed: ${lost.join('; ')}. ` +
          'The upgrade refuses rather than lose it, and changed nothing; restore the configuration this database was used with, or report this case.',
      );
    }
    await tx.run('UPDATE cases SET state = ?, final = ?, version = ?, data = ?, created_by = ?, created_at = ?, updated_at = ? WHERE id = ?', [
      projection.state,
      projection.final ? 1 : 0,
      projection.version,
      JSON.stringify(projection.data),
      projection.createdBy,
      projection.createdAt,
      projection.updatedAt,
      c.id,
    ]);
  }
  // Links point at cases, so every case row is in place before any case's links are rewritten.
  for (const c of cases) {
    const { partnership, process } = resolved.get(c.id)!;
    let projection: Projection | null = null;
    for (const row of historyOf.get(c.id) ?? []) projection = applyStep(partnership, process, projection, stepOf(row, effects.get(row.position)!)).projection;
    if (projection !== null) await writeProjection(tx, c.id, projection);
  }
}

/** How the rebuilt case differs from the old cache of it: state, version, deadlines (due, met), tasks (done), timers and links. */
async function differencesFromOldCache(tx: Connection, caseId: string, projection: Projection): Promise<string[]> {
  const differences: string[] = [];
  const same = (what: string, before: unknown, after: unknown) => {
    if (JSON.stringify(before) !== JSON.stringify(after)) differences.push(`${what}: ${JSON.stringify(before)} before, ${JSON.stringify(after)} after`);
  };
  const row = (await tx.get<{ state: string; final: number; version: number }>('SELECT state, final, version FROM cases WHERE id = ?', [caseId]))!;
  same('state', row.state, projection.state);
  same('final', row.final === 1, projection.final);
  same('version', row.version, projection.version);
  const byId = <T extends { id: string }>(items: T[]) => Object.fromEntries(items.map(({ id, ...rest }) => [id, rest]).sort(([a], [b]) => String(a).localeCompare(String(b))));
  const deadlines = await tx.all<{ id: string; due: string; met: number | null }>('SELECT id, due, met FROM deadlines WHERE case_id = ?', [caseId]);
  same(
    'deadlines',
    byId(deadlines.map((d) => ({ id: d.id, due: d.due, met: d.met === null ? null : d.met === 1 }))),
    byId(projection.deadlines.map((d) => ({ id: d.id, due: d.due, met: d.met }))),
  );
  const tasks = await tx.all<{ id: string; done: number }>('SELECT id, done FROM tasks WHERE case_id = ?', [caseId]);
  same('tasks', byId(tasks.map((t) => ({ id: t.id, done: t.done === 1 }))), byId(projection.tasks.map((t) => ({ id: t.id, done: t.done }))));
  const timers = await tx.all<{ event: string; fire_on: string }>('SELECT event, fire_on FROM timers WHERE case_id = ?', [caseId]);
  same('timers', byId(timers.map((t) => ({ id: t.event, at: t.fire_on }))), byId(projection.timers.map((t) => ({ id: t.event, at: t.at }))));
  const links = await tx.all<{ linked_case_id: string; relation: string }>('SELECT linked_case_id, relation FROM links WHERE case_id = ?', [caseId]);
  same('links', byId(links.map((l) => ({ id: l.linked_case_id, relation: l.relation }))), byId(projection.links.map((l) => ({ id: l.caseId, relation: l.relation }))));
  return differences;
}

function stepOf(row: OldRow, effects: StepEffects): HistoryStep {
  return {
    seq: row.seq,
    type: row.type,
    from: row.from_state,
    to: row.to_state,
    by: row.by,
    at: row.at,
    data: JSON.parse(row.data) as Record<string, unknown>,
    effects,
  };
}
