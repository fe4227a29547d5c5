import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startServer } from '../../server/main.ts';
import { verifyAudit } from '../../server/store/audit.ts';
import { appendHistory, CASE_COLUMNS, findCase, insertCase, GENESIS_HASH, HISTORY_COLUMNS, historyHash, loadHistory, toHistoryStep, updateCase, type HistoryRecord } from '../../server/store/cases.ts';
import type { Connection, Database } from '../../server/store/database.ts';
import { migrate, readMigrations } from '../../server/store/migrate.ts';
import { assignReference } from '../../server/store/references.ts';
import { shippedCatalogue } from '../support/catalogue.ts';
import { dropTestDatabase, newTestDatabase, openTestConnection, openTestDatabase, tamperableCopy, TEST_DIALECT } from '../support/database.ts';
import { notifiableIncident } from '../support/incidents.ts';
import { ApiClient } from '../support/server.ts';

/**
 * Migration 011 gives each case a hash chain of its own. The rows written before it keep the hashes
 * the released version gave them (one chain across all cases) and still verify under that rule; rows
 * after it verify under the per-case rule; and a transition no longer waits for a transition on
 * another case.
 *
 * The database before 011 holds what the released version wrote for the same requests: a real server
 * records the cases, and their rows are copied, in the order they were written, into a database made
 * by migrations 001–010, chained as the released version chained them (each row from the one before
 * it, whatever its case). Only prev_hash and hash differ from what that server stored.
 */
let dir: string;
let source: string;
let upgraded: string;
const copies: string[] = [];
/** The rows as chained before 011, by position. */
let oldRows: HistoryRecord[] = [];
const ids = { dispute: '', incident: '', newCase: '' };
/** The heads digest verify-audit gave just after the upgrade, before anything more was written. */
let headsAfterUpgrade: { headsAt: number; headHash: string };

const TABLES: Record<string, string> = {
  process_versions: 'partnership, process, version, hash, content, created_at, origin, published_by, source',
  calendars_in_force: 'id, fingerprint, checked_at',
  cases: CASE_COLUMNS,
  deadlines: 'case_id, id, label, due, satisfied_by, met, corrected',
  tasks: 'case_id, id, label, done, position',
  timers: 'case_id, state, event, fire_on',
  links: 'case_id, linked_case_id, relation',
};

/** `from`'s rows of `table` into `tx`, as they are. */
async function copyTable(from: Connection, tx: Connection, table: string, columns: string): Promise<void> {
  const placeholders = columns.split(',').map(() => '?').join(', ');
  for (const row of await from.all<Record<string, string | number | null>>(`SELECT ${columns} FROM ${table}`)) {
    await tx.run(`INSERT INTO ${table} (${columns}) VALUES (${placeholders})`, Object.values(row));
  }
}

/** `from`'s history into `tx` in position order, chained as before migration 011: one chain across all cases. */
async function copyHistoryUnderOneChain(from: Connection, tx: Connection): Promise<void> {
  let prevHash = GENESIS_HASH;
  for (const row of await from.all<HistoryRecord>(`SELECT ${HISTORY_COLUMNS} FROM history ORDER BY position`)) {
    const owner = { caseId: row.case_id, partnership: row.partnership, process: row.process, processVersion: row.process_version };
    const hash = historyHash(prevHash, owner, toHistoryStep(row));
    await tx.run(
      'INSERT INTO history (case_id, partnership, process, process_version, seq, type, from_state, to_state, by, at, data, effects, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
      [row.case_id, row.partnership, row.process, row.process_version, row.seq, row.type, row.from_state, row.to_state, row.by, row.at, row.data, row.effects, prevHash, hash],
    );
    prevHash = hash;
  }
}

async function readHistory(url: string): Promise<HistoryRecord[]> {
  const db = await openTestConnection(url);
  try {
    return await db.all<HistoryRecord>(`SELECT ${HISTORY_COLUMNS} FROM history ORDER BY position`);
  } finally {
    await db.close();
  }
}

async function audit(url: string, options = {}) {
  const db = await openTestConnection(url);
  try {
    return await verifyAudit(db, shippedCatalogue(), options);
  } finally {
    await db.close();
  }
}

/** A directory of its own for each SQLite file (newTestDatabase names the file the same in every directory). */
function subdir(name: string): string {
  const path = join(dir, name);
  mkdirSync(path);
  return path;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'chain-per-case-'));
  source = await newTestDatabase(subdir('source'));
  const server = await startServer({ port: 0, databaseUrl: source, now: '2020-06-01', demo: true });
  try {
    const partner = await ApiClient.signIn(server, 'merton.statutory-partner');
    for (const summary of ['A dispute written before the upgrade', 'Another one']) {
      const created = await partner.createCase('merton', 'dispute-resolution', { summary });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      ids.dispute ||= created.body.id;
    }
    const localAuthority = await ApiClient.signIn(server, 'rotherham.local-authority');
    const incident = await localAuthority.createCase('rotherham', 'cspr', notifiableIncident('2020-05-11', { title: 'Child U' }));
    expect(incident.status, JSON.stringify(incident.body)).toBe(201);
    ids.incident = incident.body.id;
    const notified = await localAuthority.sendEvent(ids.incident, 'NOTIFIED', { panelNotifiedOn: '2020-05-26', partnersNotifiedOn: '2020-05-15' }, 1);
    expect(notified.status, JSON.stringify(notified.body)).toBe(200);
  } finally {
    await server.close();
  }

  upgraded = await newTestDatabase(subdir('upgraded'));
  const db = await openTestDatabase(upgraded);
  const from = await openTestConnection(source);
  try {
    await migrate(db, { catalogue: shippedCatalogue() }, (await readMigrations()).filter((m) => m.version <= 10));
    await db.transaction(async (tx) => {
      for (const [table, columns] of Object.entries(TABLES)) await copyTable(from, tx, table, columns);
      await copyHistoryUnderOneChain(from, tx);
    });
  } finally {
    await from.close();
    await db.close();
  }
  oldRows = await readHistory(upgraded);
});

afterAll(async () => {
  for (const url of [source, upgraded, ...copies]) if (url !== undefined) await dropTestDatabase(url);
  rmSync(dir, { recursive: true, force: true });
});

describe('migration 011 on a database made by migrations up to 010', () => {
  test('before it, the one chain across all cases verifies as the released version wrote it', async () => {
    expect(oldRows).toHaveLength(4);
    // The released chain: each row links to the row before it whatever its case, so the second case's first row does not start from genesis.
    expect(oldRows.map((r) => r.prev_hash)).toEqual([GENESIS_HASH, ...oldRows.slice(0, -1).map((r) => r.hash)]);
    expect(await audit(upgraded)).toMatchObject({ ok: true, rows: 4, chains: 3, cases: 3, differenceCount: 0 });
  });

  test('the upgrade keeps every row and its hash, and records where the one chain ends', async () => {
    const db = await openTestDatabase(upgraded);
    try {
      expect(await migrate(db, { catalogue: shippedCatalogue() })).toContain(11);
      const boundary = await db.reader.get('SELECT last_position, last_case_id, last_seq, head_hash FROM history_chain_boundary');
      const last = oldRows.at(-1)!;
      expect(boundary).toEqual({ last_position: last.position, last_case_id: ids.incident, last_seq: 2, head_hash: last.hash });
      // Fixed, like the history: the rule each row is checked by cannot be moved.
      await expect(db.transaction((tx) => tx.run('UPDATE history_chain_boundary SET last_position = 1'))).rejects.toThrow(/boundary is fixed/);
      await expect(db.transaction((tx) => tx.run('DELETE FROM history_chain_boundary'))).rejects.toThrow(/boundary is fixed/);
    } finally {
      await db.close();
    }
    expect(await readHistory(upgraded)).toEqual(oldRows);
    const result = await audit(upgraded);
    expect(result).toMatchObject({ ok: true, rows: 4, chains: 3, headsAt: oldRows.at(-1)!.position });
    headsAfterUpgrade = { headsAt: result.headsAt, headHash: result.headHash };
  });

  test("written to after it, each case's new rows chain from its own last row; the whole record verifies", async () => {
    const server = await startServer({ port: 0, databaseUrl: upgraded, now: '2020-06-01', demo: true });
    try {
      const partner = await ApiClient.signIn(server, 'merton.statutory-partner');
      const moved = await partner.sendEvent(ids.dispute, 'UNRESOLVED', { attendees: ['lb-merton'], reason: 'Still disputed after the upgrade' }, 1);
      expect(moved.status, JSON.stringify(moved.body)).toBe(200);
      const created = await partner.createCase('merton', 'dispute-resolution', { summary: 'A dispute recorded after the upgrade' });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      ids.newCase = created.body.id;
    } finally {
      await server.close();
    }
    const rows = await readHistory(upgraded);
    expect(rows.slice(0, oldRows.length)).toEqual(oldRows);
    const [event, firstOfNew] = [rows.find((r) => r.case_id === ids.dispute && r.seq === 2)!, rows.find((r) => r.case_id === ids.newCase)!];
    // Not from the newest row in the file (the incident's), but from the dispute's own, written before the upgrade.
    expect(event.prev_hash).toBe(oldRows.find((r) => r.case_id === ids.dispute && r.seq === 1)!.hash);
    expect(event.prev_hash).not.toBe(oldRows.at(-1)!.hash);
    expect(firstOfNew.prev_hash).toBe(GENESIS_HASH);
    const result = await audit(upgraded);
    expect(result).toMatchObject({ ok: true, rows: 6, chains: 4, cases: 4, differenceCount: 0 });
    expect(result.headHash).not.toBe(headsAfterUpgrade.headHash);
    // As of the position written down after the upgrade, the heads are what they were then: the record only grew.
    expect(await audit(upgraded, { headsAsOf: headsAfterUpgrade.headsAt })).toMatchObject({ ok: true, ...headsAfterUpgrade });
  });

  test('a row written before the upgrade, edited, still fails under the rule it was written by', async () => {
    const target = oldRows[2]!;
    const copy = await tamperableCopy(upgraded, dir);
    copies.push(copy.databaseUrl);
    await copy.tamper(`UPDATE history SET by = 'merton.business-unit' WHERE position = ${target.position}`);
    expect((await audit(copy.databaseUrl)).firstBroken).toEqual({
      position: target.position,
      caseId: target.case_id,
      seq: target.seq,
      reason: 'its contents do not match its hash: the row was edited',
    });
  });

  test("the one chain's last row deleted: the boundary the upgrade recorded says so", async () => {
    const last = oldRows.at(-1)!;
    const copy = await tamperableCopy(upgraded, dir);
    copies.push(copy.databaseUrl);
    await copy.tamper(`DELETE FROM history WHERE position = ${last.position}`);
    const result = await audit(copy.databaseUrl);
    expect(result.ok).toBe(false);
    expect(result.firstBroken).toMatchObject({ position: last.position, caseId: ids.incident, seq: 2, reason: expect.stringMatching(/before migration 011 is not there/) });
  });
});

/** Resolves when `resolve` is called; a promise the other transaction can wait on. */
function signal(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((done) => (resolve = done));
  return { promise, resolve };
}

/** Resolves once some session on the database waits for a lock another holds (PostgreSQL's own view of it), or once `stop` resolves. */
async function someoneWaitsForALock(url: string, stop: Promise<void>): Promise<'waited for a lock' | 'stopped'> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  let stopped = false;
  void stop.then(() => (stopped = true));
  try {
    for (;;) {
      const { rows } = await client.query("SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'");
      if (rows.length > 0) return 'waited for a lock';
      if (stopped) return 'stopped';
      await new Promise((next) => setImmediate(next));
    }
  } finally {
    await client.end();
  }
}

/** What a transition writes (its case row's version, then its history row), left uncommitted by the caller. */
async function transition(tx: Connection, caseId: string): Promise<void> {
  const row = (await findCase(tx, caseId))!;
  const history = await loadHistory(tx, caseId);
  const at = '2020-06-02T09:00:00.000Z';
  expect(await updateCase(tx, caseId, row.version, { ...row, version: row.version + 1, updatedAt: at })).toBe(true);
  const owner = { caseId, partnership: row.partnership, process: row.process, processVersion: row.processVersion };
  await appendHistory(tx, owner, [{ seq: history.length + 1, type: 'NOTE', from: row.state, to: row.state, by: 'system', at, data: {}, effects: {} }]);
}

class RolledBack extends Error {}

/**
 * Two transitions, the second begun while the first is uncommitted: whether the second got its row
 * written, or PostgreSQL made it wait for a lock the first holds. Both are rolled back.
 */
async function secondWhileFirstOpen(url: string, first: string, second: string): Promise<string> {
  const db = await openTestDatabase(url);
  try {
    return await race(db, url, first, second);
  } finally {
    await db.close();
  }
}

async function race(db: Database, url: string, first: string, second: string): Promise<string> {
  const [firstWritten, secondWritten, release] = [signal(), signal(), signal()];
  const one = db.transaction(async (tx) => {
    await transition(tx, first);
    firstWritten.resolve();
    await release.promise;
    throw new RolledBack();
  });
  await firstWritten.promise;
  const two = db.transaction(async (tx) => {
    await transition(tx, second);
    secondWritten.resolve();
    throw new RolledBack();
  });
  const outcome = await Promise.race([secondWritten.promise.then(() => 'written'), someoneWaitsForALock(url, release.promise)]);
  release.resolve();
  for (const settled of await Promise.allSettled([one, two])) expect(settled).toMatchObject({ status: 'rejected', reason: expect.any(RolledBack) });
  return outcome;
}

describe.runIf(TEST_DIALECT === 'postgres')('on PostgreSQL, a write waits only for writes it could collide with: none shared by all cases', () => {
  test('a transition on one case is written while a transition on another is still uncommitted', async () => {
    expect(await secondWhileFirstOpen(upgraded, ids.dispute, ids.incident)).toBe('written');
  });

  test('a second transition on the same case waits for the first (its case row), so the two never read the same head', async () => {
    expect(await secondWhileFirstOpen(upgraded, ids.dispute, ids.dispute)).toBe('waited for a lock');
  });

  test("two cases created at once in one partnership get the next two references, neither refused (their lock is their own now)", async () => {
    const db = await openTestDatabase(upgraded);
    try {
      const template = (await findCase(db.reader, ids.dispute))!;
      const [firstNumbered, release] = [signal(), signal()];
      const newCase = async (tx: Connection) => {
        const id = randomUUID();
        await insertCase(tx, { ...template, id });
        return assignReference(tx, id, 'Europe/London');
      };
      const one = db.transaction(async (tx) => {
        const reference = await newCase(tx);
        firstNumbered.resolve();
        await release.promise;
        return reference;
      });
      await firstNumbered.promise;
      const two = db.transaction(newCase);
      // The second numbers its case once the first has committed: it waits (for the references' lock) rather than take the same number.
      await someoneWaitsForALock(upgraded, two.then(() => undefined, () => undefined));
      release.resolve();
      const [first, second] = await Promise.all([one, two]);
      expect(Number(second.slice(-4))).toBe(Number(first.slice(-4)) + 1);
    } finally {
      await db.close();
    }
  });
});
