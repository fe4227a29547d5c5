import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startServer } from '../../server/main.ts';
import { inspect } from '../../server/store/backup.ts';
import { openConnection } from '../../server/store/sqlite.ts';
import { shippedCatalogue } from '../support/catalogue.ts';
import { ApiClient, startTestServer, type TestServer } from '../support/server.ts';
import { runScript, sleep } from './support.ts';
import { openTestConnection } from '../support/database.ts';

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
  expect(backup.stdout).toMatch(/integrity_check: ok; audit chain: intact \(head hash [0-9a-f]{64}\); \d+ case\(s\), 0 differing from their history\./);
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
      const report = await inspect(db, shippedCatalogue());
      expect(report.integrity).toBe('ok');
      expect(report.audit).toMatchObject({ ok: true, differences: [], cases: report.cases });
      expect(report.cases).toBeGreaterThanOrEqual(before.size);
      // A snapshot, not a blend: it holds no more than the live file at the end.
      const live = await openTestConnection(server.databaseUrl);
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

/**
 * The copy is checked as `npm run verify-audit` checks: the chain, and every case replayed from its
 * history against the cases, deadlines, tasks, timers and links it holds. A copy of a file whose
 * deadlines were edited is still written (it is what the file holds), but the command says what
 * differs and exits 1.
 */
describe('npm run backup checks every case of its copy against its history', () => {
  let source: string;
  let incident: { id: string; deadlines: { id: string; due: string }[] };

  beforeAll(async () => {
    source = join(dir, 'incidents.sqlite');
    const own = await startServer({ port: 0, databaseUrl: `sqlite:${source}`, now: '2022-10-03', demo: true });
    try {
      const localAuthority = await ApiClient.signIn(own, 'rotherham.local-authority');
      const created = await localAuthority.createCase('rotherham', 'cspr', {
        title: 'Child R',
        awareOn: '2022-09-16',
        childDied: false,
        seriouslyHarmed: true,
        abuseOrNeglectKnownOrSuspected: true,
        lookedAfterChild: false,
        inArea: true,
      });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      const notified = await localAuthority.sendEvent(created.body.id, 'NOTIFIED', { panelNotifiedOn: '2022-09-27', partnersNotifiedOn: '2022-09-23' }, 1);
      expect(notified.status, JSON.stringify(notified.body)).toBe(200);
      incident = notified.body;
      const partner = await ApiClient.signIn(own, 'merton.statutory-partner');
      expect((await partner.createCase('merton', 'dispute-resolution', { summary: 'Backed up with the incident' })).status).toBe(201);
    } finally {
      await own.close();
    }
    expect(incident.deadlines.find((d) => d.id === 'rapid-review')).toMatchObject({ due: '2022-10-18' });
  });

  test('a clean file: exit 0, the case count and "0 differing"', async () => {
    const target = join(dir, 'incidents-clean-backup.sqlite');
    const result = await runScript('scripts/backup.ts', [target, `sqlite:${source}`]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(`Backed up ${source} to ${target} (`);
    expect(result.stdout).toContain('bytes): 2 case(s), 3 history row(s).');
    expect(result.stdout).toMatch(/integrity_check: ok; audit chain: intact \(head hash [0-9a-f]{64}\); 2 case\(s\), 0 differing from their history\./);
    expect(result.stderr).toBe('');
  });

  test('a file whose deadlines table was edited: the copy is written, the difference is reported, exit 1', async () => {
    const edited = join(dir, 'incidents-edited.sqlite');
    copyFileSync(source, edited);
    const db = await openConnection(edited);
    try {
      // Someone with the file moves the rapid review's due date on a fortnight.
      await db.run("UPDATE deadlines SET due = '2022-11-01' WHERE case_id = ? AND id = 'rapid-review'", [incident.id]);
    } finally {
      await db.close();
    }
    const target = join(dir, 'incidents-edited-backup.sqlite');
    const result = await runScript('scripts/backup.ts', [target, edited]);
    expect(result.code).toBe(1);
    expect(existsSync(target)).toBe(true);
    expect(result.stdout).toContain('bytes): 2 case(s), 3 history row(s).');
    // The history itself is intact: what differs is the table beside it.
    expect(result.stdout).toMatch(/audit chain: intact \(head hash [0-9a-f]{64}\); 2 case\(s\), 1 differing from their history\./);
    expect(result.stderr.trim()).toBe(`case ${incident.id}: deadline rapid-review: due is "2022-11-01" in the table, the history decides "2022-10-18"`);
    // The copy is the file as it was, edit and all: verify-audit says the same of it.
    const verified = await runScript('scripts/verify-audit.ts', [target]);
    expect(verified.code).toBe(1);
    expect(verified.stderr).toContain(`case ${incident.id}: deadline rapid-review: due is "2022-11-01" in the table, the history decides "2022-10-18"`);
  });
});
