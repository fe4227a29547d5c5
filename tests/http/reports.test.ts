import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ApiClient, startTestServer, type TestServer } from '../support/server.ts';

/**
 * A seeded history spread over two years (the server's "today" moved between steps), and the
 * figures counted by hand from it. Ranges cut through the middle of cases on purpose.
 */
let server: TestServer;
const ids: Record<string, string> = {};
const ALL = ['lb-merton', 'merton-ccg', 'met-police'];

async function as(username: string) {
  return ApiClient.signIn(server, username);
}

async function vetoReferral(chair: ApiClient, group: ApiClient, outcome: string | null) {
  const created = await chair.createCase('rotherham', 'veto-review', {
    conferenceDate: '2022-05-03',
    majorityDecision: 'Child protection plan',
    chairDecision: 'No child protection plan',
    rationale: 'Risk is managed by the family network',
  });
  if (outcome === null) return created.body.id;
  await group.sendEvent(created.body.id, 'SCHEDULE', { meetingDate: '2022-06-01' }, 1);
  const reviewed = await group.sendEvent(created.body.id, 'REVIEW', { outcome, advice: 'Advice to the chair' }, 2);
  expect(reviewed.status).toBe(200);
  return created.body.id;
}

beforeAll(async () => {
  server = await startTestServer({ now: '2021-03-15' });
  let partner = await as('merton.statutory-partner');
  ids.A = (await partner.createCase('merton', 'dispute-resolution', { summary: 'A' })).body.id;
  ids.B = (await partner.createCase('merton', 'dispute-resolution', { summary: 'B' })).body.id;
  await partner.sendEvent(ids.A!, 'UNRESOLVED', { attendees: ALL, reason: 'No agreement on A' }, 1);

  await server.restart({ now: '2021-06-01' });
  partner = await as('merton.statutory-partner');
  const ip = await as('merton.independent-person');
  await ip.sendEvent(ids.A!, 'AGREED', { outcome: 'Agreed at arbitration' }, 2);
  await partner.sendEvent(ids.B!, 'WITHDRAW', { reason: 'Resolved informally' }, 1);
  ids.C = (await partner.createCase('merton', 'dispute-resolution', { summary: 'C' })).body.id;

  await server.restart({ now: '2022-01-10' });
  partner = await as('merton.statutory-partner');
  await partner.sendEvent(ids.C!, 'UNRESOLVED', { attendees: ['lb-merton'] }, 1);
  ids.D = (await partner.createCase('merton', 'dispute-resolution', { summary: 'D' })).body.id;

  // Rotherham vetoes: three in 2022/23 (April to March), one of them still awaiting review, one in 2023/24.
  await server.restart({ now: '2022-06-01' });
  const chair = await as('rotherham.conference-chair');
  const group = await as('rotherham.practice-standards-group');
  await vetoReferral(chair, group, 'agrees-with-veto');
  await vetoReferral(chair, group, 'agrees-with-veto');
  await server.restart({ now: '2023-03-31' });
  await vetoReferral(await as('rotherham.conference-chair'), await as('rotherham.practice-standards-group'), null);
  await server.restart({ now: '2023-04-01' });
  await vetoReferral(await as('rotherham.conference-chair'), await as('rotherham.practice-standards-group'), 'disagrees-with-veto');
});
afterAll(() => server.close());

describe('the yearly summary', () => {
  test('calendar year 2021: three disputes opened, one resolved, one withdrawn', async () => {
    const res = await (await as('merton.business-unit')).get('/api/partnerships/merton/reports/summary?from=2021-01-01&to=2021-12-31');
    const disputes = res.body.processes.find((p: { process: string }) => p.process === 'dispute-resolution');
    expect(disputes).toMatchObject({ opened: 3, closed: { resolved: 1, withdrawn: 1 } });
  });

  test('a range cutting through cases counts only what happened inside it', async () => {
    const res = await (await as('merton.business-unit')).get('/api/partnerships/merton/reports/summary?from=2021-04-01&to=2022-03-31');
    const disputes = res.body.processes.find((p: { process: string }) => p.process === 'dispute-resolution');
    // C (2021-06-01) and D (2022-01-10) were opened in range; A and B were opened before it but closed in it.
    expect(disputes).toMatchObject({ opened: 2, closed: { resolved: 1, withdrawn: 1 } });
  });

  test('the veto report per financial year: 2022/23 has three referrals, two reviewed, both agreeing with the veto', async () => {
    const res = await (await as('rotherham.business-unit')).get('/api/partnerships/rotherham/reports/summary?from=2022-04-01&to=2023-03-31');
    const vetoes = res.body.processes.find((p: { process: string }) => p.process === 'veto-review');
    expect(vetoes.opened).toBe(3);
    expect(Object.values(vetoes.outcomes)).toEqual([{ 'agrees-with-veto': 2 }]);
    const next = await (await as('rotherham.business-unit')).get('/api/partnerships/rotherham/reports/summary?from=2023-04-01&to=2024-03-31');
    const nextVetoes = next.body.processes.find((p: { process: string }) => p.process === 'veto-review');
    expect(nextVetoes.opened).toBe(1);
    expect(Object.values(nextVetoes.outcomes)).toEqual([{ 'disagrees-with-veto': 1 }]);
  });

  test('summaries never count another partnership', async () => {
    const res = await (await as('rotherham.business-unit')).get('/api/partnerships/rotherham/reports/summary?from=2021-01-01&to=2021-12-31');
    const disputes = res.body.processes.find((p: { process: string }) => p.process === 'dispute-resolution');
    expect(disputes.opened).toBe(0);
    expect((await (await as('rotherham.business-unit')).get('/api/partnerships/merton/reports/summary')).status).toBe(404);
  });
});

describe('the escalation log', () => {
  test('one row per transition of the dispute cases in the range, oldest first, with reasons and outcomes', async () => {
    const res = await (await as('merton.business-unit')).get('/api/partnerships/merton/escalation-log?from=2021-03-15&to=2021-06-01');
    expect(res.body.map((r: { caseId: string; event: string }) => `${Object.keys(ids).find((k) => ids[k] === r.caseId)} ${r.event}`)).toEqual([
      'A CREATE',
      'B CREATE',
      'A UNRESOLVED',
      'A AGREED',
      'B WITHDRAW',
      'C CREATE',
    ]);
    expect(res.body[2]).toMatchObject({ from: 'stage-1-partners-meet', to: 'stage-2-arbitration', reason: 'No agreement on A', by: 'merton.statutory-partner' });
    expect(res.body[3]).toMatchObject({ outcome: 'Agreed at arbitration', by: 'merton.independent-person' });
    expect(res.body[0]).toMatchObject({ reason: 'A', from: null });
  });

  test('CSV has the same rows under a header row, and bad dates are a 400', async () => {
    const bu = await as('merton.business-unit');
    const csv = await bu.request('GET', '/api/partnerships/merton/escalation-log?from=2021-06-01&to=2021-06-01', undefined, { accept: 'text/csv' });
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    const lines = String(csv.body).trim().split('\r\n');
    expect(lines[0]).toBe('caseId,at,by,from,to,event,reason,outcome');
    expect(lines).toHaveLength(4);
    expect((await bu.get('/api/partnerships/merton/escalation-log?from=2021-02-30')).status).toBe(400);
  });
});
