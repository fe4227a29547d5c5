import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startServer } from '../../server/main.ts';
import { GENESIS_HASH, historyHash } from '../../server/store/cases.ts';
import { openConnection } from '../../server/store/sqlite.ts';
import { ApiClient } from '../support/server.ts';
import { runScript } from './support.ts';

/**
 * The history is tamper-evident: `npm run verify-audit` recomputes the hash chain and names the
 * first row that does not fit. The attacker here has the file and drops the append-only triggers
 * first, as anyone with write access to the file could.
 */
let dir: string;
let original: string;
const rows: { position: number; case_id: string; seq: number }[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'audit-test-'));
  original = join(dir, 'original.sqlite');
  const server = await startServer({ port: 0, databaseUrl: `sqlite:${original}`, now: '2020-10-01', demo: true });
  const partner = await ApiClient.signIn(server, 'merton.statutory-partner');
  for (let i = 0; i < 3; i++) {
    const created = await partner.createCase('merton', 'dispute-resolution', { summary: `Audited dispute ${i}` });
    await partner.sendEvent(created.body.id, 'UNRESOLVED', { attendees: ['lb-merton'], reason: `Reason ${i}` }, 1);
  }
  await server.close();
  const db = await openConnection(original, { readOnly: true });
  rows.push(...(await db.all<{ position: number; case_id: string; seq: number }>('SELECT position, case_id, seq FROM history ORDER BY position')));
  await db.close();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A copy of the untouched file, altered by `sql` with the triggers out of the way. */
async function tampered(name: string, sql: string): Promise<string> {
  const file = join(dir, `${name}.sqlite`);
  copyFileSync(original, file);
  const db = await openConnection(file);
  try {
    await db.exec('DROP TRIGGER history_is_append_only_update; DROP TRIGGER history_is_append_only_delete;');
    await db.exec(sql);
  } finally {
    await db.close();
  }
  return file;
}

describe('npm run verify-audit', () => {
  test('an untouched file: "N rows, chain intact", exit 0; DATABASE_URL is the default', async () => {
    const byArgument = await runScript('scripts/verify-audit.ts', [`sqlite:${original}`]);
    expect(byArgument.code).toBe(0);
    expect(byArgument.stdout).toContain(`${rows.length} rows, chain intact`);
    const byEnvironment = await runScript('scripts/verify-audit.ts', [], { env: { DATABASE_URL: `sqlite:${original}` } });
    expect(byEnvironment.code).toBe(0);
    expect(byEnvironment.stdout).toContain(`${rows.length} rows, chain intact`);
  });

  test('the triggers stop an ordinary edit before the chain has to', async () => {
    const file = join(dir, 'guarded.sqlite');
    copyFileSync(original, file);
    const db = await openConnection(file);
    try {
      await expect(db.exec("UPDATE history SET data = '{}' WHERE position = 2")).rejects.toThrow(/append-only/);
      await expect(db.exec('DELETE FROM history WHERE position = 2')).rejects.toThrow(/append-only/);
    } finally {
      await db.close();
    }
  });

  test('an edited row is reported by position, case and seq, exit 1', async () => {
    const target = rows[3]!;
    const file = await tampered('edited', `UPDATE history SET data = '{"attendees":["lb-merton","merton-ccg","met-police"]}' WHERE position = ${target.position}`);
    const result = await runScript('scripts/verify-audit.ts', [file]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`chain BROKEN at history position ${target.position} (case ${target.case_id}, seq ${target.seq})`);
    expect(result.stderr).toMatch(/was edited/);
  });

  test('a changed author or time is caught too, not only changed data', async () => {
    const target = rows[1]!;
    const file = await tampered('author', `UPDATE history SET by = 'merton.business-unit', at = '2020-09-01T00:00:00.000Z' WHERE position = ${target.position}`);
    const result = await runScript('scripts/verify-audit.ts', [`sqlite:${file}`]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`position ${target.position}`);
  });

  test('a deleted row is reported at the row after it', async () => {
    const [deleted, next] = [rows[2]!, rows[3]!];
    const file = await tampered('deleted', `DELETE FROM history WHERE position = ${deleted.position}`);
    const result = await runScript('scripts/verify-audit.ts', [file]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`position ${next.position} (case ${next.case_id}, seq ${next.seq})`);
    expect(result.stderr).toMatch(/deleted, inserted or reordered/);
  });

  test('an edited row whose own hash was recomputed is caught at the next row', async () => {
    // The attacker knows the hash function and fixes the edited row's hash; the next row still names the old one.
    const [target, next] = [rows[0]!, rows[1]!];
    const db = await openConnection(original, { readOnly: true });
    const row = (await db.get<{ seq: number; type: string; from_state: string | null; to_state: string; by: string; at: string }>(
      'SELECT seq, type, from_state, to_state, by, at FROM history WHERE position = ?',
      [target.position],
    ))!;
    await db.close();
    const data = { summary: 'A different dispute altogether' };
    const hash = historyHash(GENESIS_HASH, target.case_id, { seq: row.seq, type: row.type, from: row.from_state, to: row.to_state, by: row.by, at: row.at, data });
    const file = await tampered('rehashed', `UPDATE history SET data = '${JSON.stringify(data)}', hash = '${hash}' WHERE position = ${target.position}`);
    const result = await runScript('scripts/verify-audit.ts', [file]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`position ${next.position} (case ${next.case_id}, seq ${next.seq})`);
    expect(result.stderr).toMatch(/prev_hash/);
  });

  test('a missing database is an error, not an empty chain', async () => {
    const result = await runScript('scripts/verify-audit.ts', [join(dir, 'nowhere.sqlite')]);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/no database/);
  });
});
