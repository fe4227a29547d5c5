import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { startServer } from '../../server/main.ts';
import { dropTestDatabase, newTestDatabase, openTestConnection, openTestDatabase } from '../support/database.ts';
import { ApiClient, startTestServer, type TestServer } from '../support/server.ts';
import { runScript, sleep } from './support.ts';

/**
 * The README's online backup of a PostgreSQL database (the `postgres` project only; backup.test.ts
 * is SQLite's `npm run backup`): `pg_dump` while people are working, `pg_restore` into an empty
 * database, `verify-audit` on it, and a server started on it serves every case acknowledged before
 * the dump began, with the append-only triggers back in force.
 */
const run = promisify(execFile);
let server: TestServer;
let dir: string;
let restored: string;

beforeAll(async () => {
  server = await startTestServer({ now: '2020-10-01' });
  dir = mkdtempSync(join(tmpdir(), 'postgres-backup-test-'));
  restored = await newTestDatabase(dir);
});
afterAll(async () => {
  await server.close();
  await dropTestDatabase(restored);
  rmSync(dir, { recursive: true, force: true });
});

test('pg_dump under load restores to a database that verifies and serves every case acknowledged before it began', async () => {
  const writers = await Promise.all([0, 1, 2, 3].map(() => ApiClient.signIn(server, 'merton.statutory-partner')));
  const acknowledged = new Map<string, number>();
  let writing = true;
  const load = writers.map(async (client, w) => {
    for (let i = 0; writing; i++) {
      const created = await client.createCase('merton', 'dispute-resolution', { summary: `Writer ${w} case ${i}` });
      expect(created.status).toBe(201);
      acknowledged.set(created.body.id, 1);
      const moved = await client.sendEvent(created.body.id, 'UNRESOLVED', { attendees: ['lb-merton'], reason: 'Under load' }, 1);
      expect(moved.status).toBe(200);
      acknowledged.set(created.body.id, 2);
    }
  });
  while (acknowledged.size < 40) await sleep(20);

  const before = new Map(acknowledged);
  const dump = join(dir, 'workflows.dump');
  await run('pg_dump', ['--format=custom', `--file=${dump}`, server.databaseUrl]);
  writing = false;
  await Promise.all(load);
  await run('pg_restore', ['--no-owner', `--dbname=${restored}`, dump]);

  const audit = await runScript('scripts/verify-audit.ts', [restored]);
  expect(audit.code, audit.stderr).toBe(0);
  expect(audit.stdout).toMatch(/\d+ rows, chain intact \(head hash [0-9a-f]{64}\)/);

  const second = await startServer({ port: 0, databaseUrl: restored, now: '2020-10-01', demo: true });
  try {
    const reader = await ApiClient.signIn(second, 'merton.business-unit');
    for (const [id, version] of before) {
      const res = await reader.get(`/api/cases/${id}`);
      expect(res.status, id).toBe(200);
      expect(res.body.version).toBeGreaterThanOrEqual(version);
      expect(res.body.history.map((h: { seq: number }) => h.seq)).toEqual(Array.from({ length: res.body.version }, (_, i) => i + 1));
    }
  } finally {
    await second.close();
  }
  // A snapshot, not a blend: no more cases than the live database holds now.
  const [copy, live] = await Promise.all([openTestConnection(restored), openTestConnection(server.databaseUrl)]);
  try {
    const count = async (db: typeof copy) => (await db.get<{ n: number }>('SELECT COUNT(*) AS n FROM cases'))!.n;
    expect(await count(copy)).toBeGreaterThanOrEqual(before.size);
    expect(await count(copy)).toBeLessThanOrEqual(await count(live));
  } finally {
    await Promise.all([copy.close(), live.close()]);
  }
  const db = await openTestDatabase(restored);
  try {
    await expect(db.transaction((tx) => tx.run("UPDATE history SET data = '{}'"))).rejects.toThrow(/history is append-only/);
  } finally {
    await db.close();
  }
}, 120_000);

test('npm run backup, which copies SQLite files, refuses a PostgreSQL database and names pg_dump', async () => {
  const result = await runScript('scripts/backup.ts', [join(dir, 'copy.sqlite')], { env: { DATABASE_URL: server.databaseUrl } });
  expect(result.code).toBe(2);
  expect(result.stderr).toContain('pg_dump');
});
