import { afterAll, beforeAll, expect, test } from 'vitest';
import { ApiClient, startTestServer, type TestServer } from '../support/server.ts';

let server: TestServer;
let partner: ApiClient;
const created: string[] = [];

beforeAll(async () => {
  server = await startTestServer({ now: '2020-10-01' });
  partner = await ApiClient.signIn(server, 'merton.statutory-partner');
  for (let i = 0; i < 5; i++) created.push((await partner.createCase('merton', 'dispute-resolution', { summary: `Case ${i}` })).body.id);
  await partner.sendEvent(created[0]!, 'UNRESOLVED', { attendees: ['lb-merton'] }, 1);
});
afterAll(() => server.close());

test('pages through every case newest first, each once, ending with a null cursor', async () => {
  const seen: string[] = [];
  let cursor: string | null = null;
  do {
    const res: { body: { items: { id: string }[]; nextCursor: string | null } } = await partner.get(`/api/cases?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
    expect(res.body.items.length).toBeLessThanOrEqual(2);
    seen.push(...res.body.items.map((item) => item.id));
    cursor = res.body.nextCursor;
  } while (cursor !== null);
  expect(seen).toEqual([...created].reverse());
});

test('filters by process, state and overdue, and says what each reader may do', async () => {
  const atStage2 = await partner.get('/api/cases?process=dispute-resolution&state=stage-2-arbitration');
  expect(atStage2.body.items.map((item: { id: string }) => item.id)).toEqual([created[0]]);
  expect(atStage2.body.items[0]).toMatchObject({ partnership: 'merton', process: 'dispute-resolution', stateLabel: expect.any(String), version: 2 });
  expect(atStage2.body.items[0].available.map((a: { type: string }) => a.type)).toEqual(['WITHDRAW']);
  expect((await partner.get('/api/cases?overdue=true')).body.items).toEqual([]);
  expect((await partner.get('/api/cases?process=cspr')).body.items).toEqual([]);
});

test('a limit above the maximum gets the maximum; a nonsense limit or cursor is a 400', async () => {
  expect((await partner.get('/api/cases?limit=1000')).status).toBe(200);
  expect((await partner.get('/api/cases?limit=0')).status).toBe(400);
  expect((await partner.get('/api/cases?limit=abc')).status).toBe(400);
  expect((await partner.get('/api/cases?cursor=not-a-cursor')).status).toBe(400);
});
