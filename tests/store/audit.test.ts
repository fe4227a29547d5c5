import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { AuditUnavailableError, verifyAudit, type AuditResult } from '../../server/store/audit.ts';
import type { Connection } from '../../server/store/database.ts';
import { openConnection } from '../../server/store/sqlite.ts';
import { shippedCatalogue } from '../support/catalogue.ts';
import { openTestConnection, tamperableCopy } from '../support/database.ts';
import { notifiableIncident } from '../support/incidents.ts';
import { inProcess, type InProcess } from '../support/in-process.ts';

/**
 * verifyAudit in the test's own process (tests/security/audit.test.ts runs it as `npm run verify-audit`,
 * a child process): cases made by the case service, then copies of the database edited as someone
 * with the file could, each edit found and named.
 */
let app: InProcess;
let incident: string;
let dispute: string;
let historyRows: number;

beforeAll(async () => {
  app = await inProcess('2022-05-02T09:00Z');
  const { service, user } = app;
  const la = user('rotherham', 'local-authority');
  const made = await service.create(la, 'rotherham', 'cspr', notifiableIncident('2022-04-28'));
  incident = made.id;
  await service.sendEvent(la, incident, { type: 'NOTIFIED', data: { partnersNotifiedOn: '2022-05-02', panelNotifiedOn: '2022-05-02' }, expectedVersion: made.version });
  const partner = user('merton', 'statutory-partner');
  dispute = (await service.create(partner, 'merton', 'dispute-resolution', { summary: 'A dispute' })).id;
  await service.sendEvent(partner, dispute, { type: 'UNRESOLVED', data: { attendees: ['lb-merton'] }, expectedVersion: 1 });
  historyRows = (await app.db.reader.get<{ n: number }>('SELECT COUNT(*) AS n FROM history'))!.n;
});
afterAll(() => app.close());

async function audited(db: Connection, options = {}): Promise<AuditResult> {
  return verifyAudit(db, shippedCatalogue(), options);
}

/** The audit of a copy of the database after `sql` ran on it with the append-only triggers gone. */
async function auditAfter(sql: string): Promise<AuditResult> {
  const copy = await tamperableCopy(app.databaseUrl, app.dir);
  await copy.tamper(sql);
  const db = await openTestConnection(copy.databaseUrl);
  try {
    return await audited(db);
  } finally {
    await db.close();
  }
}

const seqOf = (caseId: string, seq: number) => `case_id = '${caseId}' AND seq = ${seq}`;

describe('an intact record', () => {
  test('every row read, one chain per case, every case replayed, nothing different, and a digest of the heads', async () => {
    const result = await audited(app.db.reader);
    const positions = await app.db.reader.get<{ last: number }>('SELECT MAX(position) AS last FROM history');
    expect(result).toMatchObject({ ok: true, rows: historyRows, chains: 2, cases: 2, differences: [], differenceCount: 0, differingCases: 0, headsAt: positions!.last });
    expect(result.headHash).toMatch(/^[0-9a-f]{64}$/);
    expect(result.firstBroken).toBeUndefined();
  });
});

describe('an edited record', () => {
  test("a history row's answer changed: the first broken row named, by case and seq, and no digest", async () => {
    const result = await auditAfter(`UPDATE history SET data = '{"summary":"Changed"}' WHERE ${seqOf(dispute, 1)}`);
    expect(result).toMatchObject({ ok: false, headHash: '', firstBroken: { caseId: dispute, seq: 1, reason: 'its contents do not match its hash: the row was edited' } });
  });

  test('answers that are not JSON at all', async () => {
    const result = await auditAfter(`UPDATE history SET data = '{not json' WHERE ${seqOf(incident, 2)}`);
    expect(result.firstBroken).toMatchObject({ caseId: incident, seq: 2, reason: 'its data or effects are not valid JSON: the row was edited' });
  });

  test("a row deleted from the middle of a case's chain, and a row's link to the one before it rewritten", async () => {
    const gap = await auditAfter(`DELETE FROM history WHERE ${seqOf(incident, 1)}`);
    expect(gap.ok).toBe(false);
    expect(gap.firstBroken).toMatchObject({ caseId: incident, seq: 2, reason: "its seq is 2 where the case's next is 1: a row of this case before it is missing" });
    const relinked = await auditAfter(`UPDATE history SET prev_hash = '${'1'.repeat(64)}' WHERE ${seqOf(dispute, 2)}`);
    expect(relinked.firstBroken).toMatchObject({ caseId: dispute, seq: 2, reason: expect.stringMatching(/^its prev_hash is not the hash of the row before it in its chain/) });
  });

  test("the case's row not what its history decides: the column, the table's value and the history's", async () => {
    const result = await auditAfter(`UPDATE cases SET state = 'resolved' WHERE id = '${dispute}'`);
    expect(result).toMatchObject({ ok: false, differenceCount: 1, differingCases: 1 });
    expect(result.differences).toEqual([{ caseId: dispute, what: 'state is "resolved" in the cases table, the history decides "stage-2-arbitration"' }]);
    // The chains themselves are intact: the digest is still given.
    expect(result.headHash).toMatch(/^[0-9a-f]{64}$/);
  });

  test('a deadline moved, a deadline deleted, a task added: each named with what the history decides', async () => {
    const deadline = (await app.db.reader.get<{ id: string; due: string }>(`SELECT id, due FROM deadlines WHERE case_id = ? AND met IS NULL ORDER BY id LIMIT 1`, [incident]))!;
    const moved = await auditAfter(`UPDATE deadlines SET due = '2030-01-01' WHERE case_id = '${incident}' AND id = '${deadline.id}'`);
    expect(moved.differences).toEqual([{ caseId: incident, what: `deadline ${deadline.id}: due is "2030-01-01" in the table, the history decides "${deadline.due}"` }]);
    const deleted = await auditAfter(`DELETE FROM deadlines WHERE case_id = '${incident}' AND id = '${deadline.id}'`);
    expect(deleted.differences).toEqual([{ caseId: incident, what: expect.stringMatching(new RegExp(`^deadline ${deadline.id} is missing from the table; the history decides `)) }]);
    const added = await auditAfter(`INSERT INTO tasks (case_id, id, label, done, position) VALUES ('${dispute}', 'invented', 'Invented', 0, 99)`);
    expect(added.differences).toEqual([{ caseId: dispute, what: expect.stringMatching(/^task invented is in the table but the history decides no such task: /) }]);
  });

  test("a case deleted, leaving its history; a stored process version's definition edited", async () => {
    const orphaned = await auditAfter(`DELETE FROM deadlines WHERE case_id = '${incident}'; DELETE FROM tasks WHERE case_id = '${incident}'; DELETE FROM timers WHERE case_id = '${incident}'; DELETE FROM cases WHERE id = '${incident}'`);
    expect(orphaned.ok).toBe(false);
    expect(orphaned.differences).toContainEqual({ caseId: incident, what: `${historyRows - 2} history row(s) belong to a case that is not in the cases table: the case was deleted` });
    const edited = await auditAfter(`UPDATE process_versions SET content = '{}' WHERE partnership = 'merton' AND process = 'dispute-resolution'`);
    expect(edited.differences).toContainEqual({ caseId: 'merton/dispute-resolution version 1', what: 'the stored process version does not match its hash: its definition was edited' });
  });

  test('a file that is not a workflows database is refused as such', async () => {
    const db = await openConnection(':memory:');
    await expect(verifyAudit(db, shippedCatalogue())).rejects.toBeInstanceOf(AuditUnavailableError);
    await db.close();
  });
});

describe('the heads digest over time', () => {
  // Last: it adds a step to the record the tests above copy.
  test('the digest as of an earlier position stays what it was after more steps; the newest one moves on', async () => {
    const before = await audited(app.db.reader);
    const now = app.user('rotherham', 'practice-review-panel');
    const current = await app.service.get(now, incident);
    await app.service.sendEvent(now, incident, { type: 'RECOMMEND', data: { completedOn: '2022-05-02', recommendation: 'local-review', rationale: 'Learning' }, expectedVersion: current.version });
    const asOf = await audited(app.db.reader, { headsAsOf: before.headsAt });
    const after = await audited(app.db.reader);
    expect(asOf).toMatchObject({ ok: true, headHash: before.headHash, headsAt: before.headsAt });
    expect(after).toMatchObject({ ok: true, rows: historyRows + 1 });
    expect(after.headsAt).toBeGreaterThan(before.headsAt);
    expect(after.headHash).not.toBe(before.headHash);
  });
});
