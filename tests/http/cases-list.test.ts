import { afterAll, beforeAll, describe, expect, test } from 'vitest';
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

describe('the query, each parameter at its edges', () => {
  const long = 'A'.repeat(121);
  const exact = 'B'.repeat(120);
  beforeAll(async () => {
    for (const summary of [long, exact]) created.push((await partner.createCase('merton', 'dispute-resolution', { summary })).body.id);
  });
  const ids = (res: { body: { items: { id: string }[] } }) => res.body.items.map((item) => item.id);

  test('an empty parameter is no parameter; one given twice, or a flag that is not true or false, is refused saying which', async () => {
    const all = ids(await partner.get('/api/cases'));
    expect(all).toHaveLength(created.length);
    expect(ids(await partner.get('/api/cases?limit=&process=&state=&overdue=&sort='))).toEqual(all);
    expect(ids(await partner.get('/api/cases?overdue=false&waitingForMe=false&mine=false'))).toEqual(all);
    const refusals: [string, string][] = [
      ['overdue=maybe', 'overdue must be true or false'],
      ['waitingForMe=yes', 'waitingForMe must be true or false'],
      ['sort=oldest', 'sort must be due (overdue first, then the nearest due date) or created (newest first)'],
      ['process=a&process=b', 'Give process once'],
      ['limit=-1', 'limit must be a whole number from 1 to 200'],
      ['limit=1.5', 'limit must be a whole number from 1 to 200'],
    ];
    for (const [query, message] of refusals) {
      const res = await partner.get(`/api/cases?${query}`);
      expect(res.status, query).toBe(400);
      expect(res.body.error, query).toEqual({ code: 'bad_request', message });
    }
  });

  test('a page says there is more only when there is: a limit of exactly the cases left ends the list', async () => {
    const one = await partner.get('/api/cases?limit=1');
    expect(one.body.items).toHaveLength(1);
    expect(one.body.nextCursor).toEqual(expect.any(String));
    expect((await partner.get(`/api/cases?limit=${created.length}`)).body.nextCursor).toBeNull();
    expect((await partner.get(`/api/cases?limit=${created.length - 1}`)).body.nextCursor).toEqual(expect.any(String));
  });

  test('mine and waiting for me: the cases this person raised, and those whose stage waits for their role', async () => {
    expect(ids(await partner.get('/api/cases?mine=true')).sort()).toEqual([...created].sort());
    const businessUnit = await ApiClient.signIn(server, 'merton.business-unit');
    expect(ids(await businessUnit.get('/api/cases?mine=true'))).toEqual([]);
    // Every case but the one sent on to arbitration waits for the statutory partners' meeting.
    expect(ids(await partner.get('/api/cases?waitingForMe=true')).sort()).toEqual(created.filter((id) => id !== created[0]).sort());
    expect(ids(await partner.get(`/api/cases?waitingForMe=true&process=dispute-resolution&state=stage-2-arbitration`))).toEqual([]);
  });

  test('each item: a reference, its labels, who it waits for, what the reader may do, and a summary cut at 120 characters', async () => {
    const items = new Map((await partner.get('/api/cases')).body.items.map((item: { id: string }) => [item.id, item]));
    const cut = items.get(created.at(-2)!) as { summary: string };
    expect(cut.summary).toBe(`${'A'.repeat(117)}…`);
    expect((items.get(created.at(-1)!) as { summary: string }).summary).toBe(exact);
    expect(items.get(created[1]!)).toMatchObject({
      reference: expect.stringMatching(/^[A-Z]+-2020-\d{4}$/),
      ownReference: null,
      processTitle: expect.any(String),
      final: false,
      summary: 'Case 1',
      overdue: false,
      nextDeadline: null,
      waitingFor: [expect.objectContaining({ role: 'statutory-partner' })],
      available: expect.arrayContaining([expect.objectContaining({ type: 'AGREED' })]),
    });
  });

  test("by due date, pages join up; a cursor is good only for the order that gave it", async () => {
    const whole = ids(await partner.get('/api/cases?sort=due'));
    const paged: string[] = [];
    let cursor: string | null = null;
    do {
      const res: { body: { items: { id: string }[]; nextCursor: string | null } } = await partner.get(`/api/cases?sort=due&limit=3${cursor ? `&cursor=${cursor}` : ''}`);
      paged.push(...ids(res));
      cursor = res.body.nextCursor;
    } while (cursor !== null);
    expect(paged).toEqual(whole);
    const byCreation = (await partner.get('/api/cases?limit=1')).body.nextCursor as string;
    const byDue = (await partner.get('/api/cases?sort=due&limit=1')).body.nextCursor as string;
    expect((await partner.get(`/api/cases?sort=due&cursor=${byCreation}`)).status).toBe(400);
    const wrongOrder = await partner.get(`/api/cases?cursor=${byDue}`);
    expect(wrongOrder.status).toBe(400);
    expect(wrongOrder.body.error.message).toBe('cursor is not one this server gave out for this order; start again without it');
    for (const forged of [['x'], [1, 'id'], ['due', 5, 'a', 'b'], ['due', null, 1, 'b'], 'text']) {
      const cursorText = Buffer.from(JSON.stringify(forged)).toString('base64url');
      expect((await partner.get(`/api/cases?sort=due&cursor=${cursorText}`)).status, JSON.stringify(forged)).toBe(400);
      expect((await partner.get(`/api/cases?cursor=${cursorText}`)).status, JSON.stringify(forged)).toBe(400);
    }
  });
});
