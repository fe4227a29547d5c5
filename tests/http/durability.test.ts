import { afterAll, beforeAll, expect, test } from 'vitest';
import { ApiClient, startTestServer, type TestServer } from '../support/server.ts';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ now: '2020-10-01' });
});
afterAll(() => server.close());

test('a restart between two events loses nothing: the case resumes from storage', async () => {
  const partner = await ApiClient.signIn(server, 'merton.statutory-partner');
  const created = await partner.createCase('merton', 'dispute-resolution', { summary: 'Survives restarts' });
  const moved = await partner.sendEvent(created.body.id, 'UNRESOLVED', { attendees: ['lb-merton'] }, 1);
  expect(moved.body.state).toBe('stage-2-arbitration');

  await server.restart();
  // Sessions are stored too: the same cookie still works after the restart.
  const reloaded = await partner.get(`/api/cases/${created.body.id}`);
  expect(reloaded.status).toBe(200);
  expect(reloaded.body).toEqual(moved.body);

  const independentPerson = await ApiClient.signIn(server, 'merton.independent-person');
  const next = await independentPerson.sendEvent(created.body.id, 'UNRESOLVED', {}, 2);
  expect(next.body).toMatchObject({ state: 'stage-3-determination', version: 3 });
  expect(next.body.tasks).toHaveLength(2);
  expect(next.body.history.map((h: { seq: number }) => h.seq)).toEqual([1, 2, 3]);
});

test('two concurrent events on one case: one 200, one 409, and one history entry', async () => {
  const partner = await ApiClient.signIn(server, 'merton.statutory-partner');
  const other = await ApiClient.signIn(server, 'merton.statutory-partner');
  for (let round = 0; round < 5; round++) {
    const created = await partner.createCase('merton', 'dispute-resolution', { summary: `Race ${round}` });
    const id = created.body.id;
    const results = await Promise.all([
      partner.sendEvent(id, 'UNRESOLVED', { attendees: ['lb-merton'] }, 1),
      other.sendEvent(id, 'AGREED', { attendees: ['lb-merton', 'merton-ccg', 'met-police'] }, 1),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
    expect(results.find((r) => r.status === 409)!.body.error).toMatchObject({ code: 'version_conflict', details: { currentVersion: 2 } });
    const stored = await partner.get(`/api/cases/${id}`);
    expect(stored.body.version).toBe(2);
    expect(stored.body.history).toHaveLength(2);
  }
});
