/**
 * Migration files: `workflows/<partnership>/migrations/<process>.<from>-to-<to>.yaml`, in the
 * format of workflows/migration.schema.json. They sit beside the process files, in a folder of their
 * own that the configuration's loader does not read (a migration is used by `npx workflows migrate`
 * when someone means to move cases, never at start-up). Problems are `file:line: message`.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { MigrationProblem, MigrationSpec } from '../engine/migration.ts';
import { schemaCheck } from './schema-check.ts';
import { parseSource, type ConfigProblem, type SourceFile } from './source.ts';

export const MIGRATIONS_DIR = 'migrations';

const SCHEMA = new URL('../../workflows/migration.schema.json', import.meta.url);
let check: ReturnType<typeof schemaCheck> | undefined;

/** `<process>.<from>-to-<to>.yaml`: what the name of a migration file says. */
const NAME = /^([a-z][a-z0-9]*(?:-[a-z0-9]+)*)\.(\d+)-to-(\d+)\.yaml$/;

export type MigrationFile = { ok: true; spec: MigrationSpec; source: SourceFile } | { ok: false; problems: ConfigProblem[] };

/** The folder of a partnership's migrations, relative to the configuration's root. */
export function migrationsDir(partnership: string): string {
  return join('workflows', partnership, MIGRATIONS_DIR);
}

/** The name a migration of `process` from version `from` to `to` has. */
export function migrationFileName(process: string, from: number | string, to: number | string): string {
  return `${process}.${from}-to-${to}.yaml`;
}

/** The migration files of a process that move cases to version `to`, relative to `root`, by the version they move from. */
export function migrationFilesTo(root: string, partnership: string, process: string, to: number): string[] {
  const dir = migrationsDir(partnership);
  if (!existsSync(join(root, dir))) return [];
  return readdirSync(join(root, dir))
    .map((name) => ({ name, match: NAME.exec(name) }))
    .filter(({ match }) => match !== null && match[1] === process && Number(match[3]) === to)
    .sort((a, b) => Number(a.match![2]) - Number(b.match![2]))
    .map(({ name }) => join(dir, name));
}

/**
 * Reads one migration file: its YAML, its format, and, when its name is a migration's
 * (`<process>.<from>-to-<to>.yaml`), that the name and the content say the same.
 */
export function readMigrationFile(file: string, text: string): MigrationFile {
  const source = parseSource(file, text);
  if (Array.isArray(source)) return { ok: false, problems: source };
  check ??= schemaCheck(JSON.parse(readFileSync(SCHEMA, 'utf8')) as Record<string, unknown>);
  const problems = check(source);
  if (problems.length > 0) return { ok: false, problems };
  const value = source.value as Omit<MigrationSpec, 'states'> & { states?: Record<string, string> };
  const spec: MigrationSpec = { ...value, states: value.states ?? {} };
  const named = NAME.exec(basename(file));
  if (named !== null) {
    const [, process, from, to] = named;
    const disagree: MigrationProblem[] = (
      [
        ['process', process, spec.process],
        ['from', Number(from), spec.from],
        ['to', Number(to), spec.to],
      ] as const
    )
      .filter(([, byName, byContent]) => byName !== byContent)
      .map(([key, byName, byContent]) => ({ path: [key], message: `"${key}" is ${byContent} but the file's name says ${byName}: rename the file or change "${key}"` }));
    if (disagree.length > 0) return { ok: false, problems: problemsIn(source, disagree) };
  }
  return { ok: true, spec, source };
}

/** A migration's problems at their lines of its file. */
export function problemsIn(source: SourceFile, problems: readonly MigrationProblem[]): ConfigProblem[] {
  return problems.map((p) => ({ file: source.file, line: source.lineOf(p.path), message: p.message }));
}
