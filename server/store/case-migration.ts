/**
 * Migrating running cases (engine/migration.ts) in the database: the cases on a version are read,
 * planned by the engine, and every move of every plan is applied in one transaction, or none is.
 * The versions are those the database stores (the server stores the files' process as a new version
 * when it starts on changed files), so a migration moves cases only between versions that exist.
 */
import type { Catalogue, CompiledPartnership, ProcessVersion } from '../engine/catalogue.ts';
import { decideMigration, planMigration, type MigrationPlan, type MigrationProblem, type MigrationSpec, type VersionPair } from '../engine/migration.ts';
import { project } from '../engine/project.ts';
import { appendHistory, loadHistory, updateCase, writeProjection } from './cases.ts';
import { withStoredVersions } from './process-versions.ts';
import type { Connection, Database } from './database.ts';

/** A case could not be moved while the migration was applied: its transaction rolled back, so no case moved. */
export class MigrationAbortedError extends Error {
  readonly code = 'migration_aborted' as const;
}

/** What the migrate command previews or applies: each file's plan, in the order the files were given. */
export interface Migrations {
  partnership: string;
  specs: readonly MigrationSpec[];
}

interface CaseOnVersion {
  id: string;
  reference: string | null;
  state: string;
  final: number;
  version: number;
}

/** The plans for the cases as the database holds them now. Writes nothing. */
export async function previewMigrations(db: Connection, catalogue: Catalogue, migrations: Migrations): Promise<MigrationPlan[]> {
  return (await planAll(db, catalogue, migrations)).map((p) => p.plan);
}

/**
 * Plans again inside one write transaction, so that what moves is what the cases are at that moment,
 * and moves every case of every plan, each with its history entry by `system`. When any plan has a
 * problem nothing is written; when any case cannot be moved (another transition won) none is.
 */
export async function applyMigrations(db: Database, catalogue: Catalogue, migrations: Migrations, at: string): Promise<MigrationPlan[]> {
  return db.transaction(async (tx) => {
    const planned = await planAll(tx, catalogue, migrations);
    if (planned.some((p) => !p.plan.ok)) return planned.map((p) => p.plan);
    for (const { plan, versions, caseVersions } of planned) {
      if (!plan.ok || versions === undefined) continue;
      for (const move of plan.moves) {
        const name = move.reference ?? move.caseId;
        const history = await loadHistory(tx, move.caseId);
        const current = project(versions.from.partnership, versions.from.compiled, history)!;
        if (current.state !== move.from) {
          throw new MigrationAbortedError(`case ${name} is in "${move.from}" in the cases table but its history decides "${current.state}": run npm run verify-audit`);
        }
        const { step, projection } = decideMigration(versions.to.partnership, versions.to.compiled, current, plan.spec, move.to, at);
        const change = { state: projection.state, final: projection.final, version: projection.version, data: projection.data, updatedAt: projection.updatedAt, processVersion: plan.spec.to };
        if (!(await updateCase(tx, move.caseId, caseVersions.get(move.caseId)!, change))) {
          throw new MigrationAbortedError(`case ${name} changed while the migration was being applied: run it again`);
        }
        await appendHistory(tx, { caseId: move.caseId, partnership: migrations.partnership, process: plan.spec.process, processVersion: plan.spec.to }, [step]);
        await writeProjection(tx, move.caseId, projection);
      }
    }
    return planned.map((p) => p.plan);
  });
}

/** The running cases of a process by the version they are on, for saying which stay where they are. */
export async function runningCasesByVersion(db: Connection, partnership: string, process: string): Promise<Map<number, number>> {
  const rows = await db.all<{ version: number; count: number }>(
    'SELECT process_version AS version, COUNT(*) AS count FROM cases WHERE partnership = ? AND process = ? AND final = 0 GROUP BY process_version',
    [partnership, process],
  );
  return new Map(rows.map((r) => [r.version, r.count]));
}

interface Planned {
  plan: MigrationPlan;
  versions?: { from: ProcessVersion; to: ProcessVersion };
  /** Each case's version as planned: the expected version its move is written against. */
  caseVersions: Map<string, number>;
}

async function planAll(db: Connection, files: Catalogue, migrations: Migrations): Promise<Planned[]> {
  const partnership = (await withStoredVersions(db, files)).partnerships.get(migrations.partnership);
  const planned: Planned[] = [];
  for (const spec of migrations.specs) {
    const found = storedPair(partnership, migrations.partnership, spec);
    if ('problems' in found) {
      planned.push({ plan: { ok: false, spec, problems: found.problems }, caseVersions: new Map() });
      continue;
    }
    const cases = await db.all<CaseOnVersion>(
      'SELECT id, reference, state, final, version FROM cases WHERE partnership = ? AND process = ? AND process_version = ? ORDER BY created_at, id',
      [migrations.partnership, spec.process, spec.from],
    );
    const pair: VersionPair = { from: found.from.compiled, to: found.to.compiled };
    planned.push({
      plan: planMigration(spec, pair, cases.map((c) => ({ id: c.id, reference: c.reference, state: c.state, final: c.final === 1 }))),
      versions: found,
      caseVersions: new Map(cases.map((c) => [c.id, c.version])),
    });
  }
  return planned;
}

/** Both versions a migration names, as stored, or the problems of those the database does not have. */
function storedPair(
  partnership: CompiledPartnership | undefined,
  partnershipId: string,
  spec: MigrationSpec,
): { from: ProcessVersion; to: ProcessVersion } | { problems: MigrationProblem[] } {
  if (partnership === undefined) return { problems: [{ path: ['process'], message: `there is no partnership "${partnershipId}"` }] };
  const stored = partnership.versions?.get(spec.process);
  const [from, to] = [stored?.get(spec.from), stored?.get(spec.to)];
  if (from !== undefined && to !== undefined) return { from, to };
  const have = stored === undefined ? 'none' : [...stored.keys()].join(', ');
  const missing = (key: 'from' | 'to', version: number) => ({ path: [key], message: `${partnershipId}/${spec.process} has no version ${version} in this database (its stored versions: ${have})` });
  return { problems: [...(from === undefined ? [missing('from', spec.from)] : []), ...(to === undefined ? [missing('to', spec.to)] : [])] };
}
