import { afterAll, beforeAll, expect, test } from 'vitest';
import { ApiClient, startTestServer, type TestServer } from '../support/server.ts';

/**
 * The SCR grace period: a durable timer that survives restarts, catches up at start-up, fires once
 * and is recorded as done by the system; and the linked local review it may lead to.
 */
let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ now: '2020-09-01' });
});
afterAll(() => server.close());

test("a Rotherham SCR still in progress moves to the partners by itself after the grace period, exactly once, across restarts", async () => {
  const lscb = await ApiClient.signIn(server, 'rotherham.lscb');
  const created = await lscb.createCase('rotherham', 'scr-transition', { decisionDate: '2019-06-03', title: 'Child T' });
  expect(created.status).toBe(201);
  expect(created.body).toMatchObject({ state: 'in-progress', version: 1 });
  expect(created.body.deadlines).toEqual(
    expect.arrayContaining([
      expect.objectContaining({ id: 'target-publication', due: '2019-12-03', met: null, overdue: true }),
      expect.objectContaining({ id: 'latest-publication', due: '2020-09-29', met: null, overdue: false }),
    ]),
  );

  // On the last day of the grace period nothing happens.
  await server.restart({ now: '2020-09-29' });
  expect((await lscb.get(`/api/cases/${created.body.id}`)).body).toMatchObject({ state: 'in-progress', version: 1 });

  // The first day after it, the timer fires at start-up, before the first request is answered.
  await server.restart({ now: '2020-10-01' });
  const moved = await lscb.get(`/api/cases/${created.body.id}`);
  expect(moved.body).toMatchObject({ state: 'partners-considering', version: 2 });
  expect(moved.body.history[1]).toMatchObject({ seq: 2, type: 'GRACE_PERIOD_ENDED', from: 'in-progress', to: 'partners-considering', by: 'system' });

  await server.restart({ now: '2020-10-02' });
  const again = await lscb.get(`/api/cases/${created.body.id}`);
  expect(again.body.version).toBe(2);
  expect(again.body.history.filter((h: { by: string }) => h.by === 'system')).toHaveLength(1);
});

test('a Leicester SCR recorded today is handed to the partners in the transaction that creates it', async () => {
  await server.restart({ now: '2020-10-01' });
  const lscb = await ApiClient.signIn(server, 'leicester.lscb');
  const created = await lscb.createCase('leicester', 'scr-transition', { decisionDate: '2019-05-01', title: 'Child L' });
  expect(created.status).toBe(201);
  expect(created.body).toMatchObject({ state: 'partners-considering', version: 2 });
  expect(created.body.history.map((h: { type: string; by: string }) => `${h.type} by ${h.by}`)).toEqual(['CREATE by leicester.lscb', 'GRACE_PERIOD_ENDED by system']);
});

test('commissioning a local review closes the SCR and starts a linked CSPR at commissioning; each shows the other', async () => {
  await server.restart({ now: '2020-10-01' });
  const lscb = await ApiClient.signIn(server, 'leicester.lscb');
  const businessUnit = await ApiClient.signIn(server, 'leicester.business-unit');
  const scr = (await lscb.createCase('leicester', 'scr-transition', { decisionDate: '2019-05-01', title: 'Child M' })).body;
  const commissioned = await businessUnit.sendEvent(scr.id, 'COMMISSION_LOCAL_REVIEW', { decidedOn: '2020-10-01' }, scr.version);
  expect(commissioned.status).toBe(200);
  expect(commissioned.body.state).toBe('closed');
  expect(commissioned.body.links).toEqual([{ id: expect.any(String), process: 'cspr', relation: expect.any(String), reference: expect.stringMatching(/^LEI-/) }]);

  const cspr = await businessUnit.get(`/api/cases/${commissioned.body.links[0].id}`);
  expect(cspr.body).toMatchObject({ process: 'cspr', state: 'commissioning', version: 1, data: { title: 'Child M', decidedOn: '2020-10-01' } });
  expect(cspr.body.links).toEqual([{ id: scr.id, process: 'scr-transition', relation: expect.any(String), reference: scr.reference }]);
  // The partners "may decide to appoint a reviewer": no notification deadlines on the linked case.
  expect(cspr.body.deadlines).toEqual([]);
});
