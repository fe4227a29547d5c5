import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { sqlitePath, startServer } from '../../server/main.ts';
import { inspect } from '../../server/store/backup.ts';
import { openConnection } from '../../server/store/sqlite.ts';
import { ApiClient, startTestServer, type TestServer } from '../support/server.ts';
import { runScript, sleep } from './support.ts';

/**
 * `npm run backup -- FILE` while people are working: the copy is consistent, holds everything
 * acknowledged before it began, and a server started on it (the restore) serves those cases with
 * integrity_check ok and the audit chain intact.
 */
let server: TestServer;
let dir: string;

beforeAll(async () => {
  server = await startTestServer({ now: '2020-10-01' });
  dir = mkdtempSync(join(tmpdir(), 'backup-test-'));
});
afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

test('a backup taken under load restores to a server that has every case acknowledged before it began', async () => {
  const writers = await Promise.all([0, 1, 2, 3].map(() => ApiClient.signIn(server, 'merton.statutory-partner')));
  /** Case id → the highest version the server acknowledged. */
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

  // Everything acknowledged up to here must be in the backup; writing carries on while it runs.
  const before = new Map(acknowledged);
  const file = join(dir, 'backup.sqlite');
  const backup = await runScript('scripts/backup.ts', [file], { env: { DATABASE_URL: server.databaseUrl } });
  const duringBackup = acknowledged.size - before.size;
  writing = false;
  await Promise.all(load);
  expect(backup.code, backup.stderr).toBe(0);
  expect(backup.stdout).toMatch(/Backed up .* to .*backup\.sqlite \(\d+ bytes\): \d+ case\(s\), \d+ history row\(s\)\./);
  expect(backup.stdout).toMatch(/integrity_check: ok; audit chain: intact/);
  // The writers were not held up: they went on acknowledging while the copy was taken.
  expect(duringBackup).toBeGreaterThan(0);
  console.log(`backup: ${before.size} cases acknowledged before it began, ${duringBackup} more while it ran`);

  // Restore: a stopped server's DATABASE_URL file replaced by the backup.
  mkdirSync(join(dir, 'restored'));
  const restored = join(dir, 'restored', 'db.sqlite');
  copyFileSync(file, restored);
  const second = await startServer({ port: 0, databaseUrl: `sqlite:${restored}`, now: '2020-10-01', demo: true });
  try {
    const reader = await ApiClient.signIn(second, 'merton.business-unit');
    for (const [id, version] of before) {
      const res = await reader.get(`/api/cases/${id}`);
      expect(res.status, id).toBe(200);
      expect(res.body.version).toBeGreaterThanOrEqual(version);
      expect(res.body.history.map((h: { seq: number }) => h.seq)).toEqual(Array.from({ length: res.body.version }, (_, i) => i + 1));
    }
    const db = await openConnection(restored, { readOnly: true });
    try {
      const report = await inspect(db);
      expect(report.integrity).toBe('ok');
      expect(report.audit).toMatchObject({ ok: true });
      expect(report.cases).toBeGreaterThanOrEqual(before.size);
      // A snapshot, not a blend: it holds no more than the live file at the end.
      const live = await openConnection(sqlitePath(server.databaseUrl), { readOnly: true });
      const liveCount = (await live.get<{ n: number }>('SELECT COUNT(*) AS n FROM cases'))!.n;
      await live.close();
      expect(report.cases).toBeLessThanOrEqual(liveCount);
    } finally {
      await db.close();
    }
  } finally {
    await second.close();
  }
});

test('a backup never overwrites an existing file', async () => {
  const file = join(dir, 'existing.sqlite');
  const first = await runScript('scripts/backup.ts', [file], { env: { DATABASE_URL: server.databaseUrl } });
  expect(first.code).toBe(0);
  const size = statSync(file).size;
  const content = readFileSync(file);
  const second = await runScript('scripts/backup.ts', [file], { env: { DATABASE_URL: server.databaseUrl } });
  expect(second.code).not.toBe(0);
  expect(second.stderr).toMatch(/already exists/);
  expect(statSync(file).size).toBe(size);
  expect(readFileSync(file).equals(content)).toBe(true);
  // No half-written file is left beside it either.
  expect(readdirSync(dir).filter((name) => name.includes('.partial-'))).toEqual([]);
});
