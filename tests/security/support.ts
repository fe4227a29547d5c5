import { execFile } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { openTestConnection } from '../support/database.ts';

export const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

export function expectError(res: { status: number; body: any }, status: number, code: string): void {
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  expect(res.body).toEqual({ error: expect.objectContaining({ code, message: expect.any(String) }) });
}

/** Rows of every table a request could change, read from the file itself (read-only). */
export async function storedCounts(databaseUrl: string): Promise<Record<string, number>> {
  const db = await openTestConnection(databaseUrl);
  try {
    const counts: Record<string, number> = {};
    for (const table of ['cases', 'history', 'deadlines', 'tasks', 'timers', 'links']) {
      counts[table] = (await db.get<{ n: number }>(`SELECT COUNT(*) AS n FROM ${table}`))!.n;
    }
    counts.versions = (await db.get<{ n: number }>('SELECT COALESCE(SUM(version), 0) AS n FROM cases'))!.n;
    return counts;
  } finally {
    await db.close();
  }
}

export interface ScriptResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs one of the project's scripts as `npm run` would (node + tsx), with optional stdin. */
export function runScript(script: string, args: string[], options: { env?: NodeJS.ProcessEnv; input?: string } = {}): Promise<ScriptResult> {
  return new Promise((done) => {
    const child = execFile(
      process.execPath,
      ['--import', 'tsx', join(PROJECT_ROOT, script), ...args],
      { cwd: PROJECT_ROOT, env: { ...process.env, ...options.env }, timeout: 60_000 },
      (error, stdout, stderr) => done({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
    child.stdin!.end(options.input ?? '');
  });
}

export const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));
