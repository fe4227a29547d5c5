import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startServer } from '../../server/main.ts';
import { verifyAudit } from '../../server/store/audit.ts';
import { HISTORY_COLUMNS, type HistoryRecord } from '../../server/store/cases.ts';
import { shippedCatalogue } from '../support/catalogue.ts';
import { notifiableIncident } from '../support/incidents.ts';
import { dropTestDatabase, newTestDatabase, openTestConnection, tamperableCopy } from '../support/database.ts';
import { ApiClient } from '../support/server.ts';

/**
 * The README says each history row's hash covers its case, partnership, process and process version,
 * seq, type, from, to, by, at, data and effects, and the hash of the row before it. For every one of
 * those fields, changing that field alone in one stored row must make verify-audit fail: a hash that
 * stopped covering a field would let exactly that edit through. The test depends only on "edited field
 * ⇒ not ok, and the chain is what broke", not on how rows are chained.
 *
 * The row edited is a serious incident's notification: it has data and effects (the deadlines it
 * started), a from and a to, and is neither the first nor the last row of the file. It is the last
 * row of its case's chain, so (but for prev_hash) only its own hash can catch the edit.
 */
let dir: string;
let original: string;
let target: HistoryRecord;
/** A second case, another partnership and another process, so a moved row names something that exists. */
let other: { caseId: string; partnership: string; process: string };
const copies: string[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'hash-fields-'));
  original = await newTestDatabase(dir);
  const server = await startServer({ port: 0, databaseUrl: original, now: '2020-06-01', demo: true });
  try {
    const localAuthority = await ApiClient.signIn(server, 'rotherham.local-authority');
    const incident = await localAuthority.createCase('rotherham', 'cspr', notifiableIncident('2020-05-11', { title: 'Child H' }));
    expect(incident.status, JSON.stringify(incident.body)).toBe(201);
    const notified = await localAuthority.sendEvent(incident.body.id, 'NOTIFIED', { panelNotifiedOn: '2020-05-26', partnersNotifiedOn: '2020-05-15' }, 1);
    expect(notified.status, JSON.stringify(notified.body)).toBe(200);
    const partner = await ApiClient.signIn(server, 'merton.statutory-partner');
    const dispute = await partner.createCase('merton', 'dispute-resolution', { summary: 'A later case, so the edited row is not the last' });
    expect(dispute.status, JSON.stringify(dispute.body)).toBe(201);
    other = { caseId: dispute.body.id, partnership: 'merton', process: 'dispute-resolution' };

    const db = await openTestConnection(original);
    try {
      target = (await db.get<HistoryRecord>(`SELECT ${HISTORY_COLUMNS} FROM history WHERE case_id = ? AND seq = 2`, [incident.body.id]))!;
      expect(await verifyAudit(db, shippedCatalogue())).toMatchObject({ ok: true, differenceCount: 0 });
    } finally {
      await db.close();
    }
  } finally {
    await server.close();
  }
  // The row has something in every field, so each edit below really changes it.
  expect(target).toMatchObject({ from_state: expect.any(String), to_state: expect.any(String), type: 'NOTIFIED' });
  expect(JSON.parse(target.data)).toMatchObject({ panelNotifiedOn: '2020-05-26' });
  expect(JSON.parse(target.effects)).not.toEqual({});
});

afterAll(async () => {
  for (const url of [original, ...copies]) await dropTestDatabase(url);
  rmSync(dir, { recursive: true, force: true });
});

const quote = (value: string) => `'${value.replaceAll("'", "''")}'`;

/** One edit per field the README names: the new value of that column alone, as SQL both dialects accept. */
const edits: Record<string, () => string> = {
  'case (moved to another case)': () => `case_id = ${quote(other.caseId)}`,
  partnership: () => `partnership = ${quote(other.partnership)}`,
  process: () => `process = ${quote(other.process)}`,
  'process version': () => 'process_version = process_version + 1',
  seq: () => 'seq = seq + 100',
  type: () => "type = 'ACCEPTED'",
  from: () => `from_state = ${quote(target.to_state)}`,
  to: () => `to_state = ${quote(target.from_state!)}`,
  by: () => "by = 'rotherham.business-unit'",
  at: () => "at = '2020-05-31T09:00:00.000Z'",
  data: () => `data = ${quote(JSON.stringify({ ...JSON.parse(target.data), panelNotifiedOn: '2020-05-12' }))}`,
  effects: () => `effects = ${quote('{}')}`,
  'the hash of the row before it': () => `prev_hash = ${quote('f'.repeat(64))}`,
};

describe('every field the history hash covers, changed alone in one row, fails verify-audit', () => {
  test.each(Object.keys(edits))('%s', async (field) => {
    const copy = await tamperableCopy(original, dir);
    copies.push(copy.databaseUrl);
    await copy.tamper(`UPDATE history SET ${edits[field]!()} WHERE position = ${target.position}`);
    const db = await openTestConnection(copy.databaseUrl);
    try {
      const edited = await db.get<HistoryRecord>(`SELECT ${HISTORY_COLUMNS} FROM history WHERE position = ?`, [target.position]);
      expect(edited, 'the edit changed the row and kept its hash').toMatchObject({ hash: target.hash });
      expect(edited).not.toEqual(target);
      const result = await verifyAudit(db, shippedCatalogue());
      expect(result.ok).toBe(false);
      // The chain itself must catch it, not only the replay of the cases that follows.
      expect(result.firstBroken, JSON.stringify(result.differences)).toBeDefined();
    } finally {
      await db.close();
    }
  });
});
