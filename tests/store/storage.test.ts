import { afterAll, beforeAll, expect, test } from 'vitest';
import { verifyAudit } from '../../server/store/audit.ts';
import { shippedCatalogue } from '../support/catalogue.ts';
import { openTestConnection, openTestDatabase, TEST_DIALECT } from '../support/database.ts';
import { ApiClient, startTestServer, type TestServer } from '../support/server.ts';

/**
 * What the storage interface promises whichever database is behind it (this file runs in the
 * `sqlite` and the `postgres` projects). PostgreSQL runs write transactions side by side where
 * SQLite queues them, so these are the places where that could show: numbering, the hash chain,
 * the append-only tables, text PostgreSQL cannot hold.
 */
let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ now: '2020-10-01' });
});
afterAll(() => server.close());

test('people starting and moving cases at the same moment each get their own reference, and the chain stays one unbroken line', async () => {
  const clients = await Promise.all([0, 1, 2, 3].map(() => ApiClient.signIn(server, 'merton.statutory-partner')));
  const started = await Promise.all(
    clients.map(async (client, c) => {
      const ids: string[] = [];
      for (let i = 0; i < 6; i++) {
        const created = await client.createCase('merton', 'dispute-resolution', { summary: `At once ${c}.${i}` });
        expect(created.status, JSON.stringify(created.body)).toBe(201);
        const moved = await client.sendEvent(created.body.id, 'UNRESOLVED', { attendees: ['lb-merton'] }, 1);
        expect(moved.status, JSON.stringify(moved.body)).toBe(200);
        ids.push(created.body.reference);
      }
      return ids;
    }),
  );
  const references = started.flat();
  expect(new Set(references).size).toBe(references.length);
  const db = await openTestConnection(server.databaseUrl);
  try {
    const audit = await verifyAudit(db, shippedCatalogue());
    expect(audit).toMatchObject({ ok: true, rows: references.length * 2, differenceCount: 0 });
  } finally {
    await db.close();
  }
});

test('the history and the stored process versions refuse changes in the database itself', async () => {
  const db = await openTestDatabase(server.databaseUrl);
  try {
    await expect(db.transaction((tx) => tx.run("UPDATE history SET by = 'someone-else'"))).rejects.toThrow(/history is append-only/);
    await expect(db.transaction((tx) => tx.run('DELETE FROM history'))).rejects.toThrow(/history is append-only/);
    await expect(db.transaction((tx) => tx.run("UPDATE process_versions SET content = '{}'"))).rejects.toThrow(/never changed/);
    await expect(db.transaction((tx) => tx.run('DELETE FROM process_versions'))).rejects.toThrow(/never removed/);
    // SQLite has no TRUNCATE; PostgreSQL's would bypass row triggers, so it is refused by a statement trigger.
    if (TEST_DIALECT === 'postgres') await expect(db.transaction((tx) => tx.exec('TRUNCATE history CASCADE'))).rejects.toThrow(/history is append-only/);
    const rows = await db.reader.get<{ n: number }>('SELECT COUNT(*) AS n FROM history');
    expect(rows!.n).toBeGreaterThan(0);
  } finally {
    await db.close();
  }
});

test('a search still answers when a case holds text PostgreSQL cannot (a NUL, a lone surrogate)', async () => {
  const partner = await ApiClient.signIn(server, 'merton.statutory-partner');
  const odd = await partner.createCase('merton', 'dispute-resolution', { summary: 'Nul \u0000 and \ud800 here' });
  expect(odd.status, JSON.stringify(odd.body)).toBe(201);
  const plain = await partner.createCase('merton', 'dispute-resolution', { summary: 'Findable zebra crossing' });
  const found = await partner.get('/api/cases?q=ZEBRA');
  expect(found.status, JSON.stringify(found.body)).toBe(200);
  expect(found.body.items.map((c: { id: string }) => c.id)).toEqual([plain.body.id]);
  expect((await partner.get(`/api/cases/${odd.body.id}`)).body.data.summary).toBe('Nul \u0000 and \ud800 here');
});

/** Keeps `clients` reading `path` without a pause until the returned stop is called. */
function readWithoutPause(clients: readonly ApiClient[], path: string): () => Promise<void> {
  let reading = true;
  const loops = clients.map(async (client) => {
    while (reading) expect((await client.get(path)).status).toBe(200);
  });
  return async () => {
    reading = false;
    await Promise.all(loops);
  };
}

test('each answer shows the change it answers, and so does the next read, while twenty others read without a pause', async () => {
  const writer = await ApiClient.signIn(server, 'merton.statutory-partner');
  const readers = await Promise.all(Array.from({ length: 20 }, () => ApiClient.signIn(server, 'merton.statutory-partner')));
  const watched = await writer.createCase('merton', 'dispute-resolution', { summary: 'Read by everyone' });
  const stop = readWithoutPause(readers, `/api/cases/${watched.body.id}`);
  try {
    for (let i = 0; i < 15; i++) {
      const created = await writer.createCase('merton', 'dispute-resolution', { summary: `Read back ${i}` });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      expect(created.body).toMatchObject({ version: 1, state: 'stage-1-partners-meet' });
      const moved = await writer.sendEvent(created.body.id, 'UNRESOLVED', { attendees: ['lb-merton'] }, 1);
      expect(moved.status, JSON.stringify(moved.body)).toBe(200);
      expect(moved.body.version, `answer ${i}`).toBe(2);
      expect(moved.body.history.map((h: { type: string }) => h.type)).toEqual(['CREATE', 'UNRESOLVED']);
      expect((await writer.get(`/api/cases/${created.body.id}`)).body.version, `read after answer ${i}`).toBe(2);
    }
  } finally {
    await stop();
  }
});

test("a case is read from one moment: its version is always its history's last step, however fast it moves", async () => {
  const partner = await ApiClient.signIn(server, 'merton.statutory-partner');
  const db = await openTestDatabase(server.databaseUrl);
  try {
    const ids: string[] = [];
    for (let i = 0; i < 8; i++) ids.push((await partner.createCase('merton', 'dispute-resolution', { summary: `Moving ${i}` })).body.id);
    let moving = true;
    const moves = (async () => {
      for (const id of ids) await partner.sendEvent(id, 'UNRESOLVED', { attendees: ['lb-merton'] }, 1);
      moving = false;
    })();
    while (moving) {
      for (const id of ids) {
        const [row, last] = await db.read((conn) =>
          Promise.all([
            conn.get<{ version: number }>('SELECT version FROM cases WHERE id = ?', [id]),
            conn.get<{ seq: number }>('SELECT MAX(seq) AS seq FROM history WHERE case_id = ?', [id]),
          ]),
        );
        expect(row!.version, id).toBe(last!.seq);
      }
    }
    await moves;
  } finally {
    await db.close();
  }
});
