/**
 * `migrate PARTNERSHIP/PROCESS --to VERSION [--apply]`: moves the running cases of a process to a
 * newer stored version, as its migration files say, in the database DATABASE_URL names. Without
 * `--apply` it only says which cases would move from where to where.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { systemClock, fixedClock } from '../../server/clock.ts';
import { migrationFileName, migrationFilesTo, migrationsDir, problemsIn, readMigrationFile } from '../../server/config/migration-file.ts';
import { formatProblem, type ConfigProblem } from '../../server/config/index.ts';
import type { SourceFile } from '../../server/config/source.ts';
import type { MigrationPlan, MigrationSpec } from '../../server/engine/migration.ts';
import { applyMigrations, MigrationAbortedError, previewMigrations, runningCasesByVersion } from '../../server/store/case-migration.ts';
import { SqliteDatabase, openConnection } from '../../server/store/sqlite.ts';
import { databaseFile } from '../database-file.ts';
import { NotFound, OK, PROBLEMS, UsageError, configRoot, examples, loadOrReport, parseArgs, parseProcessRef, resolveProcess } from './common.ts';

export const migrateHelp = (): string => {
  const ex = examples().b;
  const [partnership, process] = ex.split('/');
  return `Usage: workflows migrate PARTNERSHIP/PROCESS --to VERSION [--apply] [--file PATH] [--root DIR]

Moves the running cases of a process to version VERSION, in the database DATABASE_URL names
(sqlite:PATH, default sqlite:data/workflows.sqlite). Without a migration, cases stay on the version
they started on; the server stores a changed process as a new version when it starts.

A migration file, workflows/PARTNERSHIP/migrations/PROCESS.FROM-to-VERSION.yaml (the format is
workflows/migration.schema.json), maps the states of version FROM to states of VERSION; a state it
does not name goes to the state of the same id. Without --file every such file for VERSION is used,
one for each version the cases are on. Closed cases, and cases on a version no file moves from, stay.

Without --apply: checks the migration and prints which cases would move, from which state to which;
nothing is changed. With --apply: checks again and moves them all in one transaction, each case with
a history entry by system naming both versions, or, when anything is wrong, none.

A migration is refused, before anything is touched, when a running case would have nowhere to go (its
state is not in VERSION and the file does not map it), when a state it names does not exist, or
when it would close or reopen a case. Every problem is printed as file:line: message.

Exit 0 when previewed or applied, 1 when the migration is refused or a process, version, file or the
database does not exist, 2 on a usage error.

Example:
  # workflows/${partnership}/migrations/${migrationFileName(process ?? 'PROCESS', 1, 2)}:
  #   process: ${process}
  #   from: 1
  #   to: 2
  #   reason: The stage was renamed
  #   states: { old-state: new-state }
  DATABASE_URL=sqlite:data/workflows.sqlite npx workflows migrate ${ex} --to 2
  DATABASE_URL=sqlite:data/workflows.sqlite npx workflows migrate ${ex} --to 2 --apply`;
};

interface ReadMigration {
  spec: MigrationSpec;
  source: SourceFile;
}

export async function migrateCommand(args: readonly string[]): Promise<number> {
  const { positional, options, flags } = parseArgs(args, ['to', 'file', 'root'], ['apply']);
  if (positional.length !== 1) throw new UsageError('name one process: PARTNERSHIP/PROCESS');
  const ref = parseProcessRef(positional[0], true);
  if (ref.version !== undefined) throw new UsageError(`say the version the cases move to with --to ${ref.version}, not @${ref.version}`);
  const toText = options.get('to');
  if (toText === undefined) throw new UsageError('say which version the cases move to: --to VERSION');
  if (!/^[1-9]\d*$/.test(toText)) throw new UsageError(`--to must be a whole number from 1, not "${toText}"`);
  const to = Number(toText);
  const root = configRoot(options.get('root'));
  const catalogue = loadOrReport(root);
  if (catalogue === undefined) return PROBLEMS;
  const { name, partnership } = await resolveProcess(catalogue, ref);

  const read = readMigrations(root, ref.partnership, ref.process, to, options.get('file'));
  if (!Array.isArray(read)) return refused(read.problems);

  const path = databaseFile(undefined);
  if (!existsSync(path)) throw new NotFound(`there is no database at ${path}; set DATABASE_URL=sqlite:PATH`);
  const migrations = { partnership: ref.partnership, specs: read.map((m) => m.spec) };
  let plans: MigrationPlan[];
  let running: Map<number, number>;
  if (flags.has('apply')) {
    const db = await SqliteDatabase.open(path);
    try {
      plans = await applyMigrations(db, catalogue, migrations, now(partnership.def.timeZone));
      running = await runningCasesByVersion(db.reader, ref.partnership, ref.process);
    } catch (error) {
      if (!(error instanceof MigrationAbortedError)) throw error;
      console.error(`workflows migrate: ${error.message}. Nothing was changed.`);
      return PROBLEMS;
    } finally {
      await db.close();
    }
  } else {
    const db = await openConnection(path, { readOnly: true });
    try {
      plans = await previewMigrations(db, catalogue, migrations);
      running = await runningCasesByVersion(db, ref.partnership, ref.process);
    } finally {
      await db.close();
    }
  }
  const problems = plans.flatMap((plan, i) => (plan.ok ? [] : problemsIn(read[i]!.source, plan.problems)));
  if (problems.length > 0) return refused(problems);
  report(name, to, plans, read, running, flags.has('apply'));
  return OK;
}

/** The files the migration is made of, each read and checked, or every problem of them. */
function readMigrations(root: string, partnership: string, process: string, to: number, file: string | undefined): ReadMigration[] | { problems: ConfigProblem[] } {
  const paths = file === undefined ? migrationFilesTo(root, partnership, process, to).map((p) => ({ shown: p, full: join(root, p) })) : [{ shown: file, full: resolve(file) }];
  if (paths.length === 0) {
    throw new NotFound(`there is no migration of ${partnership}/${process} to version ${to}: write ${join(migrationsDir(partnership), migrationFileName(process, 'FROM', to))} (see workflows/migration.schema.json)`);
  }
  const problems: ConfigProblem[] = [];
  const read: ReadMigration[] = [];
  for (const { shown, full } of paths) {
    if (!existsSync(full)) throw new NotFound(`there is no file ${shown}`);
    const result = readMigrationFile(shown, readFileSync(full, 'utf8'));
    if (!result.ok) {
      problems.push(...result.problems);
      continue;
    }
    const asked = [
      { path: ['process'], differs: result.spec.process !== process, message: `this file migrates "${result.spec.process}", not ${partnership}/${process}` },
      { path: ['to'], differs: result.spec.to !== to, message: `this file moves cases to version ${result.spec.to}, not to version ${to} (--to)` },
    ].filter((a) => a.differs);
    problems.push(...problemsIn(result.source, asked));
    read.push({ spec: result.spec, source: result.source });
  }
  return problems.length > 0 ? { problems } : read;
}

function refused(problems: readonly ConfigProblem[]): number {
  for (const problem of problems) console.error(formatProblem(problem));
  console.error(`\n${problems.length} problem(s) found; the migration is refused and nothing was changed.`);
  return PROBLEMS;
}

/** The instant of the history entries: WORKFLOW_NOW when set, as the server reads it, else now. */
function now(timeZone: string): string {
  const fixed = process.env.WORKFLOW_NOW;
  if (fixed === undefined || fixed === '') return systemClock.now();
  try {
    return fixedClock(fixed, timeZone).now();
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

function report(name: string, to: number, plans: readonly MigrationPlan[], read: readonly ReadMigration[], running: ReadonlyMap<number, number>, applied: boolean): void {
  let moved = 0;
  plans.forEach((plan, i) => {
    if (!plan.ok) return;
    const { spec } = plan;
    console.log(`${name}: version ${spec.from} to version ${spec.to}, as ${read[i]!.source.file} says${spec.reason === undefined ? '' : ` ("${spec.reason}")`}`);
    if (plan.moves.length > 0) {
      const rows = plan.moves.map((m) => [m.reference ?? m.caseId, `${m.from}@${spec.from}`, `${m.to}@${spec.to}`]);
      console.log(`\n${columns([['reference', 'from', 'to'], ...rows])}\n`);
    }
    const closed = plan.closed === 0 ? '' : `; ${plan.closed} closed case(s) stay on version ${spec.from}`;
    const verb = applied ? 'moved' : 'would move';
    console.log(`${plan.moves.length === 0 ? `No running case is on version ${spec.from}` : `${plan.moves.length} case(s) ${verb} from version ${spec.from} to version ${spec.to}`}${closed}.`);
    moved += plan.moves.length;
  });
  const from = new Set(plans.map((p) => p.spec.from));
  for (const [version, count] of [...running].sort(([a], [b]) => a - b)) {
    if (version === to || from.has(version)) continue;
    console.log(`${count} running case(s) on version ${version} stay on it: no migration moves them from version ${version} to version ${to}.`);
  }
  if (applied) console.log(`\nApplied in one transaction: ${moved} case(s) now on version ${to}, each with a history entry by system naming both versions.`);
  else console.log(moved === 0 ? '\nNothing was changed: there is nothing to move.' : `\nNothing was changed. Run again with --apply to move these ${moved} case(s).`);
}

/** Rows as left-aligned columns, two spaces apart, indented. */
function columns(rows: readonly string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => `  ${r.map((cell, i) => cell.padEnd(widths[i]!)).join('  ')}`.trimEnd()).join('\n');
}
