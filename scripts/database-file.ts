/** Which database a maintenance command works on: the same one `npm start` would use. */
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatProblem, loadCatalogue } from '../server/config/index.ts';
import type { Catalogue } from '../server/engine/catalogue.ts';
import { sqlitePath } from '../server/main.ts';
import type { DatabaseLocation } from '../server/store/database.ts';

const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** `arg` may be a DATABASE_URL (`sqlite:PATH`) or a plain path; without it, DATABASE_URL, then data/workflows.sqlite. */
export function databaseFile(arg: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  if (arg !== undefined) return arg.startsWith('sqlite:') ? sqlitePath(arg) : resolve(arg);
  return sqlitePath(env.DATABASE_URL ?? `sqlite:${join(PROJECT_ROOT, 'data', 'workflows.sqlite')}`);
}

/** Like {@link databaseFile}, for a command that works on PostgreSQL too: `arg` may also be a `postgres://` URL. */
export function databaseOf(arg: string | undefined, env: NodeJS.ProcessEnv = process.env): DatabaseLocation {
  const url = arg ?? env.DATABASE_URL;
  if (url !== undefined && /^postgres(ql)?:\/\//.test(url)) return { dialect: 'postgres', url };
  return { dialect: 'sqlite', path: databaseFile(arg, env) };
}

/**
 * The shipped configuration (or the one at `root`), which the history of every case is replayed
 * under; exits 2 if it has problems.
 */
export function shippedCatalogue(root: string = PROJECT_ROOT): Catalogue {
  const loaded = loadCatalogue(resolve(root));
  if (!loaded.ok) {
    console.error(`The configuration has ${loaded.problems.length} problem(s), so cases cannot be replayed:\n${loaded.problems.map(formatProblem).join('\n')}`);
    process.exit(2);
  }
  return loaded.catalogue;
}
