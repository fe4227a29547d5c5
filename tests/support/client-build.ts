/**
 * Vitest global setup: builds client/dist once, before any test file starts, when it is missing or
 * older than the client's sources. Test files never build it themselves: two files building at once
 * would each empty the folder under the other's pages.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { build } from 'vite';

const CLIENT = join(resolve(import.meta.dirname, '../..'), 'client');
export const DIST_INDEX = join(CLIENT, 'dist', 'index.html');

function newestChange(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(stat.mtimeMs, ...readdirSync(path).map((name) => newestChange(join(path, name))));
}

export default async function buildClientOnce(): Promise<void> {
  const sources = Math.max(newestChange(join(CLIENT, 'src')), newestChange(join(CLIENT, 'index.html')), newestChange(join(CLIENT, 'vite.config.ts')));
  if (existsSync(DIST_INDEX) && statSync(DIST_INDEX).mtimeMs >= sources) return;
  await build({ configFile: join(CLIENT, 'vite.config.ts'), logLevel: 'error' });
}
