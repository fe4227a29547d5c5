import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { copyConfigurationInto } from '../support/configuration.ts';
import { loadCatalogue } from '../../server/config/index.ts';
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

/**
 * A veto referral, counted in the financial year of its conference (`reports.caseDate`); each
 * conference is shortly before its referral is entered, in the same financial year.
 */
async function vetoReferral(chair: ApiClient, group: ApiClient, outcome: string | null, conferenceDate: string) {
  const created = await chair.createCase('rotherham', 'veto-review', {
    conferenceDate,
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
  await vetoReferral(chair, group, 'agrees-with-veto', '2022-05-03');
  await vetoReferral(chair, group, 'agrees-with-veto', '2022-05-24');
  await server.restart({ now: '2023-03-31' });
  await vetoReferral(await as('rotherham.conference-chair'), await as('rotherham.practice-standards-group'), null, '2023-03-28');
  await server.restart({ now: '2023-04-01' });
  await vetoReferral(await as('rotherham.conference-chair'), await as('rotherham.practice-standards-group'), 'disagrees-with-veto', '2023-04-01');
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
    expect(vetoes.outcomes["Practice Standards Group's view of the veto"]).toEqual({ 'agrees-with-veto': 2 });
    const next = await (await as('rotherham.business-unit')).get('/api/partnerships/rotherham/reports/summary?from=2023-04-01&to=2024-03-31');
    const nextVetoes = next.body.processes.find((p: { process: string }) => p.process === 'veto-review');
    expect(nextVetoes.opened).toBe(1);
    expect(nextVetoes.outcomes["Practice Standards Group's view of the veto"]).toEqual({ 'disagrees-with-veto': 1 });
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
    // A header row people read, and labels rather than codes (the byte order mark that tells Excel the file
    // is UTF-8 is taken off by fetch's decoding).
    expect(lines[0]).toBe('Reference,Process,Date and time,By,What happened,From stage,To stage,Reason,Outcome');
    expect(lines).toHaveLength(4);
    expect(lines[1]).toMatch(
      /^MER-2021-0001,Dispute between statutory partners,01\/06\/2021 \d\d:\d\d,merton\.independent-person,Record the agreement reached at arbitration,Stage 2: Independent Person arbitrates,Resolved,,Agreed at arbitration$/,
    );
    expect(csv.body).not.toContain(ids.A);
    expect((await bu.get('/api/partnerships/merton/escalation-log?from=2021-02-30')).status).toBe(400);
  });
});

/**
 * Reports by the date things happened, in the partnership's time zone (Europe/London). A case is
 * opened on its own date (`reports.caseDate`: when the local authority became aware of an incident,
 * the veto's conference), else on the London date it was recorded; closings, outcomes and the
 * escalation log go by the London date of each transition; history keeps the exact instant.
 */
describe('reports by the date things happened, in London', () => {
  let london: TestServer;
  const signIn = (username: string) => ApiClient.signIn(london, username);
  const summary = async (username: string, from: string, to: string) => {
    const res = await (await signIn(username)).get(`/api/partnerships/${username.split('.')[0]}/reports/summary?from=${from}&to=${to}`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return (process: string) => res.body.processes.find((p: { process: string }) => p.process === process);
  };
  const logDates = async (from: string, to: string) => {
    const res = await (await signIn('merton.business-unit')).get(`/api/partnerships/merton/escalation-log?from=${from}&to=${to}`);
    expect(res.status).toBe(200);
    return res.body as { caseId: string; at: string; event: string }[];
  };
  const incident = (awareOn: string) => ({ awareOn, childDied: false, seriouslyHarmed: true, abuseOrNeglectKnownOrSuspected: true, lookedAfterChild: false, inArea: true });
  const created: Record<string, { id: string; createdAt: string }> = {};
  const dispute = async (name: string, now: string) => {
    await london.restart({ now });
    const res = await (await signIn('merton.statutory-partner')).createCase('merton', 'dispute-resolution', { summary: name });
    expect(res.status).toBe(201);
    created[name] = { id: res.body.id, createdAt: res.body.createdAt };
  };

  beforeAll(async () => {
    london = await startTestServer({ now: '2026-06-15' });
    // Recorded in June 2026, about an incident the local authority became aware of in November 2025.
    const la = await signIn('merton.local-authority');
    const late = await la.createCase('merton', 'cspr', incident('2025-11-20'));
    expect(late.status, JSON.stringify(late.body)).toBe(201);
    created.late = { id: late.body.id, createdAt: late.body.createdAt };
    // A Rotherham SCR handed to the partners, who commission a local review: that cspr has no awareOn.
    const scr = await (await signIn('rotherham.lscb')).createCase('rotherham', 'scr-transition', { decisionDate: '2019-06-01', title: 'Child S' });
    expect(scr.body.state).toBe('partners-considering');
    const commissioned = await (await signIn('rotherham.business-unit')).sendEvent(scr.body.id, 'COMMISSION_LOCAL_REVIEW', { decidedOn: '2026-06-10' }, scr.body.version);
    expect(commissioned.status, JSON.stringify(commissioned.body)).toBe(200);

    // 1 April 23:30 UTC is 00:30 on 2 April in London (BST).
    await dispute('1 April 23:30 UTC', '2026-04-01T23:30:00Z');
    // 31 March 23:30 UTC is 00:30 on 1 April in London: the first day of the financial year 2026/27.
    await dispute('31 March 23:30 UTC', '2026-03-31T23:30:00Z');
    // In winter London keeps UTC: 23:30 UTC on 15 January is still 15 January.
    await dispute('15 January 23:30 UTC', '2026-01-15T23:30:00Z');
    // Clocks go forward at 01:00 UTC on 29 March 2026: 23:30 UTC on the 28th is still the 28th (GMT) ...
    await dispute('28 March 23:30 UTC', '2026-03-28T23:30:00Z');
    // ... and 23:30 UTC on the 29th is 00:30 BST on the 30th.
    await dispute('29 March 23:30 UTC', '2026-03-29T23:30:00Z');
    // Clocks go back at 01:00 UTC on 25 October 2026: 23:30 UTC on the 24th is 00:30 BST on the 25th, and 23:30 UTC on the 25th is 23:30 GMT on the 25th.
    await dispute('24 October 23:30 UTC', '2026-10-24T23:30:00Z');
    await dispute('25 October 23:30 UTC', '2026-10-25T23:30:00Z');
    // A transition at 00:30 London time on 2 April (WORKFLOW_NOW with an offset, as the brief's example).
    await london.restart({ now: '2026-04-02T00:30:00+01:00' });
    const partner = await signIn('merton.statutory-partner');
    const moved = await partner.sendEvent(created['1 April 23:30 UTC']!.id, 'UNRESOLVED', { attendees: ALL, reason: 'No agreement' }, 1);
    expect(moved.status, JSON.stringify(moved.body)).toBe(200);
    const withdrawn = await partner.sendEvent(created['31 March 23:30 UTC']!.id, 'WITHDRAW', { reason: 'Settled' }, 1);
    expect(withdrawn.status, JSON.stringify(withdrawn.body)).toBe(200);
  });
  afterAll(() => london.close());

  test('the escalation log says when in London time, as UK spreadsheets read dates, with references and labels', async () => {
    const bu = await signIn('merton.business-unit');
    const json = await bu.get('/api/partnerships/merton/escalation-log?from=2026-04-02&to=2026-04-02');
    const reference = (await bu.get(`/api/cases/${created['1 April 23:30 UTC']!.id}`)).body.reference;
    // The contract's fields stay as they were; the labels are added beside them.
    expect(json.body[0]).toMatchObject({
      caseId: created['1 April 23:30 UTC']!.id,
      at: '2026-04-01T23:30:00.000Z',
      by: 'merton.statutory-partner',
      from: null,
      to: 'stage-1-partners-meet',
      event: 'CREATE',
      reference,
      processTitle: 'Dispute between statutory partners',
      eventLabel: 'Raise a dispute',
      fromLabel: null,
      toLabel: 'Stage 1: statutory partners meet',
      atLocal: '02/04/2026 00:30',
    });
    const csv = await bu.request('GET', '/api/partnerships/merton/escalation-log?from=2026-04-02&to=2026-04-02&format=csv');
    expect(String(csv.body).trim().split('\r\n').filter((line) => line.startsWith(`${reference},`))).toEqual([
      `${reference},Dispute between statutory partners,02/04/2026 00:30,merton.statutory-partner,Raise a dispute,,Stage 1: statutory partners meet,1 April 23:30 UTC,`,
      `${reference},Dispute between statutory partners,02/04/2026 00:30,merton.statutory-partner,Record that the partners did not agree,Stage 1: statutory partners meet,Stage 2: Independent Person arbitrates,No agreement,`,
    ]);
  });

  test('a case recorded today with awareOn last year counts in last year\'s period, its deadlines by their due dates', async () => {
    const lastYear = await summary('merton.business-unit', '2025-04-01', '2026-03-31');
    expect(lastYear('cspr').opened).toBe(1);
    // Due five working days after awareOn, in November 2025: overdue, and counted in that year.
    expect(lastYear('cspr').deadlines['notify-national-panel']).toMatchObject({ overdue: 1, met: 0, missed: 0, corrected: 0 });
    const thisYear = await summary('merton.business-unit', '2026-04-01', '2027-03-31');
    expect(thisYear('cspr').opened).toBe(0);
    expect(thisYear('cspr').deadlines).toEqual({});
  });

  test('a case started by another process, without the case date field, counts on the London date it was recorded', async () => {
    const june = await summary('rotherham.business-unit', '2026-06-01', '2026-06-30');
    expect(june('cspr').opened).toBe(1);
    // The SCR itself counts in the period the LSCB decided to initiate it.
    expect(june('scr-transition')).toMatchObject({ opened: 0, closed: { closed: 1 } });
    const decided = await summary('rotherham.business-unit', '2019-04-01', '2020-03-31');
    expect(decided('scr-transition').opened).toBe(1);
  });

  test('a case entered 1 April 23:30 UTC is on 2 April in London', async () => {
    const { id, createdAt } = created['1 April 23:30 UTC']!;
    expect(new Date(createdAt).toISOString()).toBe('2026-04-01T23:30:00.000Z');
    expect((await logDates('2026-04-01', '2026-04-01')).map((r) => r.caseId)).not.toContain(id);
    expect((await logDates('2026-04-02', '2026-04-02')).filter((r) => r.caseId === id).map((r) => r.event)).toEqual(['CREATE', 'UNRESOLVED']);
    expect((await summary('merton.business-unit', '2026-04-02', '2026-04-02'))('dispute-resolution').opened).toBe(1);
    expect((await summary('merton.business-unit', '2026-04-01', '2026-04-01'))('dispute-resolution').opened).toBe(1); // the one entered 31 March 23:30 UTC
  });

  test('00:30 in London on 1 April counts in the new financial year, though it is 31 March in UTC', async () => {
    const { id } = created['31 March 23:30 UTC']!;
    const old = await summary('merton.business-unit', '2025-04-01', '2026-03-31');
    const next = await summary('merton.business-unit', '2026-04-01', '2027-03-31');
    expect((await logDates('2025-04-01', '2026-03-31')).map((r) => r.caseId)).not.toContain(id);
    expect((await logDates('2026-04-01', '2027-03-31')).map((r) => r.caseId)).toContain(id);
    // 2025/26: 15 January, 28 and 30 March; 2026/27: 1 and 2 April, and two on 25 October (see the edges below).
    expect(old('dispute-resolution').opened).toBe(3);
    expect(next('dispute-resolution').opened).toBe(4);
  });

  test('a transition at 00:30 London time on 2 April is on 2 April in the log and the summary', async () => {
    const rows = await logDates('2026-04-02', '2026-04-02');
    const unresolved = rows.find((r) => r.event === 'UNRESOLVED')!;
    expect(new Date(unresolved.at).toISOString()).toBe('2026-04-01T23:30:00.000Z');
    expect((await logDates('2026-04-01', '2026-04-01')).map((r) => r.event)).toEqual(['CREATE']);
    expect((await logDates('2026-03-01', '2026-03-31')).map((r) => r.event)).not.toContain('UNRESOLVED');
    // Closings count on the London date of their transition too.
    expect((await summary('merton.business-unit', '2026-04-02', '2026-04-02'))('dispute-resolution').closed).toEqual({ withdrawn: 1 });
    expect((await summary('merton.business-unit', '2026-04-01', '2026-04-01'))('dispute-resolution').closed).toEqual({});
  });

  test('GMT and BST edges: 23:30 UTC is the same day in winter and the next day in summer', async () => {
    const on = async (date: string) => (await logDates(date, date)).map((r) => Object.keys(created).find((k) => created[k]!.id === r.caseId));
    expect(await on('2026-01-15')).toEqual(['15 January 23:30 UTC']);
    expect(await on('2026-01-16')).toEqual([]);
    expect(await on('2026-03-28')).toEqual(['28 March 23:30 UTC']);
    expect(await on('2026-03-29')).toEqual([]);
    expect(await on('2026-03-30')).toEqual(['29 March 23:30 UTC']);
    expect(await on('2026-10-24')).toEqual([]);
    expect(await on('2026-10-25')).toEqual(['24 October 23:30 UTC', '25 October 23:30 UTC']);
    expect(await on('2026-10-26')).toEqual([]);
  });

  test('CSV rows are cut by London dates too, and say the London time; the JSON keeps the exact instants', async () => {
    const bu = await signIn('merton.business-unit');
    const csv = await bu.request('GET', '/api/partnerships/merton/escalation-log?from=2026-04-02&to=2026-04-02', undefined, { accept: 'text/csv' });
    const lines = String(csv.body).trim().split('\r\n');
    expect(lines).toHaveLength(4);
    expect(lines.slice(1).every((line) => line.includes(',02/04/2026 00:30,'))).toBe(true);
    const json = await bu.get('/api/partnerships/merton/escalation-log?from=2026-04-02&to=2026-04-02');
    expect(json.body.map((row: { at: string }) => row.at)).toEqual(['2026-04-01T23:30:00.000Z', '2026-04-01T23:30:00.000Z', '2026-04-01T23:30:00.000Z']);
  });

  test('"today" is London\'s: at 23:30 UTC on 1 April a deadline due on 1 April is overdue, as it is 2 April', async () => {
    // Notifications are due five working days after awareOn: 25 March 2026 + 5 = Wednesday 1 April.
    await london.restart({ now: '2026-04-01T23:30:00Z' });
    const la = await signIn('merton.local-authority');
    const res = await la.createCase('merton', 'cspr', incident('2026-03-25'));
    expect(res.status).toBe(201);
    expect(res.body.deadlines.find((d: { id: string }) => d.id === 'notify-national-panel')).toMatchObject({ due: '2026-04-01', overdue: true });
    const graph = await (await signIn('merton.business-unit')).get('/api/partnerships/merton/processes/cspr/graph');
    expect(graph.body.nodes.find((n: { id: string }) => n.id === 'notification')).toMatchObject({ count: 2, overdue: 2 });
    const overdue = await (await signIn('merton.business-unit')).get('/api/cases?overdue=true&process=cspr');
    expect(overdue.body.items.map((i: { id: string }) => i.id)).toContain(res.body.id);
    const april = await summary('merton.business-unit', '2026-04-01', '2026-04-01');
    expect(april('cspr').deadlines['notify-national-panel']).toMatchObject({ overdue: 1, open: 0 });
    // At 22:30 UTC on 1 April it is 23:30 in London, still 1 April: due today, not overdue.
    await london.restart({ now: '2026-04-01T22:30:00Z' });
    const earlier = await summary('merton.business-unit', '2026-04-01', '2026-04-01');
    expect(earlier('cspr').deadlines['notify-national-panel']).toMatchObject({ overdue: 0, open: 1 });
  });
});

describe('corrections in the summary', () => {
  let corrections: TestServer;
  const figures = async (from: string, to: string) => {
    const res = await (await ApiClient.signIn(corrections, 'merton.business-unit')).get(`/api/partnerships/merton/reports/summary?from=${from}&to=${to}`);
    return res.body.processes.find((p: { process: string }) => p.process === 'cspr');
  };
  const incident = (awareOn: string) => ({ awareOn, childDied: false, seriouslyHarmed: true, abuseOrNeglectKnownOrSuspected: true, lookedAfterChild: false, inArea: true });
  let notified: { id: string; version: number };
  let misdated: { id: string; version: number };

  beforeAll(async () => {
    corrections = await startTestServer({ now: '2026-06-15' });
    const la = await ApiClient.signIn(corrections, 'merton.local-authority');
    // Notifications due on Wednesday 1 April 2026; the Panel's recorded as 3 April (missed).
    const a = await la.createCase('merton', 'cspr', incident('2026-03-25'));
    const sent = await la.sendEvent(a.body.id, 'NOTIFIED', { partnersNotifiedOn: '2026-04-01', panelNotifiedOn: '2026-04-03' }, a.body.version);
    expect(sent.status, JSON.stringify(sent.body)).toBe(200);
    notified = { id: sent.body.id, version: sent.body.version };
    const b = await la.createCase('merton', 'cspr', incident('2026-03-20'));
    misdated = { id: b.body.id, version: b.body.version };
  });
  afterAll(() => corrections.close());

  test('a deadline whose met or missed result a correction changed is counted as corrected, and as it now stands', async () => {
    expect((await figures('2026-04-01', '2026-04-30')).deadlines['notify-national-panel']).toMatchObject({ met: 0, missed: 1, corrected: 0 });
    const bu = await ApiClient.signIn(corrections, 'merton.business-unit');
    const corrected = await bu.sendEvent(notified.id, 'CORRECT_DATES', { reason: 'The Panel was notified on 31 March; 3 April was a typing error', panelNotifiedOn: '2026-03-31' }, notified.version);
    expect(corrected.status, JSON.stringify(corrected.body)).toBe(200);
    const april = (await figures('2026-04-01', '2026-04-30')).deadlines;
    expect(april['notify-national-panel']).toMatchObject({ met: 1, missed: 0, corrected: 1 });
    expect(april['notify-safeguarding-partners']).toMatchObject({ met: 1, missed: 0, corrected: 0 });
  });

  test('a corrected case date moves the case to the period of the corrected date', async () => {
    expect((await figures('2025-04-01', '2026-03-31')).opened).toBe(2);
    const bu = await ApiClient.signIn(corrections, 'merton.business-unit');
    const corrected = await bu.sendEvent(misdated.id, 'CORRECT_DATES', { reason: 'The local authority became aware on 2 April, not 20 March', awareOn: '2026-04-02' }, misdated.version);
    expect(corrected.status, JSON.stringify(corrected.body)).toBe(200);
    expect((await figures('2025-04-01', '2026-03-31')).opened).toBe(1);
    expect((await figures('2026-04-01', '2027-03-31')).opened).toBe(1);
  });
});

describe('the configuration checks of reports.caseDate', () => {
  let root: string;
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'case-date-config-'));
    copyConfigurationInto(root);
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  test('a field the start form lacks, or one that is not a date, is reported at its file and line', () => {
    const veto = 'workflows/rotherham/veto-review.yaml';
    // The SCR transition is written once, in the template every partnership with SCRs extends.
    const scr = 'workflows/templates/scr-transition.yaml';
    for (const [file, from, to] of [
      [veto, 'caseDate: conferenceDate', 'caseDate: majorityDecision'],
      [scr, 'caseDate: decisionDate', 'caseDate: handedOverOn'],
    ] as const) {
      const text = readFileSync(join(root, file), 'utf8');
      expect(text).toContain(from);
      writeFileSync(join(root, file), text.replace(from, to));
    }
    const lineOf = (file: string, needle: string) => readFileSync(join(root, file), 'utf8').split('\n').findIndex((l) => l.includes(needle)) + 1;
    const result = loadCatalogue(root);
    const problems = result.ok ? [] : result.problems.map((p) => `${p.file}:${p.line}: ${p.message}`);
    expect(problems).toContain(`${veto}:${lineOf(veto, 'caseDate:')}: caseDate "majorityDecision" must be a date field of the start form "veto-referral" (type string, format date)`);
    expect(problems).toContainEqual(expect.stringMatching(new RegExp(`^${scr}:${lineOf(scr, 'caseDate:')}: caseDate "handedOverOn" is not a field of the start form "scr-start"; fields: `)));
  });
});
