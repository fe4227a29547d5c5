import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { startServer, type RunningServer } from '../../server/main.ts';
import { dropTestDatabase, newTestDatabase } from '../support/database.ts';
import { ApiClient } from '../support/server.ts';

/**
 * Two servers on one PostgreSQL database (the `postgres` project only: a SQLite file has one
 * server). Of two writers on one case version exactly one wins whichever server each reaches, a
 * session begun on one server is good on the other, and a durable timer that comes due while both
 * start fires once.
 */
let dir: string;
let databaseUrl: string;
const servers: RunningServer[] = [];
const start = async (now: string) => {
  const server = await startServer({ port: 0, host: '127.0.0.1', databaseUrl, demo: true, now });
  servers.push(server);
  return server;
};
const closeAll = async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
};

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'several-servers-'));
  databaseUrl = await newTestDatabase(dir);
});
afterAll(async () => {
  await closeAll();
  await dropTestDatabase(databaseUrl);
  rmSync(dir, { recursive: true, force: true });
});

test('servers started together on an empty database both come up, and share sessions and cases', async () => {
  const [a, b] = await Promise.all([start('2020-10-01'), start('2020-10-01')]);
  const partner = await ApiClient.signIn(a, 'merton.statutory-partner');
  const created = await partner.createCase('merton', 'dispute-resolution', { summary: 'Seen everywhere' });
  expect(created.status).toBe(201);
  // The same cookie, sent to the other server.
  const elsewhere = Object.assign(new ApiClient(b), { cookie: partner.cookie, csrfToken: partner.csrfToken });
  expect((await elsewhere.get(`/api/cases/${created.body.id}`)).body).toMatchObject({ id: created.body.id, version: 1 });
  await closeAll();
});

test('two events on one case version, one through each server: one 200, one 409, one history entry', async () => {
  const [a, b] = await Promise.all([start('2020-10-01'), start('2020-10-01')]);
  const [one, two] = await Promise.all([ApiClient.signIn(a, 'merton.statutory-partner'), ApiClient.signIn(b, 'merton.statutory-partner')]);
  for (let round = 0; round < 5; round++) {
    const created = await one.createCase('merton', 'dispute-resolution', { summary: `Race ${round}` });
    const results = await Promise.all([
      one.sendEvent(created.body.id, 'UNRESOLVED', { attendees: ['lb-merton'] }, 1),
      two.sendEvent(created.body.id, 'AGREED', { attendees: ['lb-merton', 'merton-ccg', 'met-police'] }, 1),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
    expect(results.find((r) => r.status === 409)!.body.error).toMatchObject({ code: 'version_conflict', details: { currentVersion: 2 } });
    const stored = await two.get(`/api/cases/${created.body.id}`);
    expect(stored.body).toMatchObject({ version: 2 });
    expect(stored.body.history).toHaveLength(2);
  }
  await closeAll();
});

test('a timer that came due while the servers were down fires once when two start at the same moment', async () => {
  const first = await start('2020-06-01');
  const lscb = await ApiClient.signIn(first, 'rotherham.lscb');
  const created = await lscb.createCase('rotherham', 'scr-transition', { decisionDate: '2019-06-03', title: 'Child T' });
  expect(created.body).toMatchObject({ state: 'in-progress', version: 1 });
  await closeAll();

  const [a] = await Promise.all([start('2020-10-01'), start('2020-10-01')]);
  const reader = await ApiClient.signIn(a, 'rotherham.lscb');
  const moved = (await reader.get(`/api/cases/${created.body.id}`)).body;
  expect(moved).toMatchObject({ state: 'partners-considering', version: 2 });
  expect(moved.history.filter((h: { by: string }) => h.by === 'system')).toEqual([expect.objectContaining({ type: 'GRACE_PERIOD_ENDED', seq: 2 })]);
});
