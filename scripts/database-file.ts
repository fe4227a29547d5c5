/** Which SQLite file a maintenance command works on: the same one `npm start` would use. */
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sqlitePath } from '../server/main.ts';

const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** `arg` may be a DATABASE_URL (`sqlite:PATH`) or a plain path; without it, DATABASE_URL, then data/workflows.sqlite. */
export function databaseFile(arg: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  if (arg !== undefined) return arg.startsWith('sqlite:') ? sqlitePath(arg) : resolve(arg);
  return sqlitePath(env.DATABASE_URL ?? `sqlite:${join(PROJECT_ROOT, 'data', 'workflows.sqlite')}`);
}
