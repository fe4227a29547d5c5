import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { notifiableIncident } from '../support/incidents.ts';
import { ApiClient, startTestServer, type TestServer } from '../support/server.ts';

/**
 * A year of Rotherham's cases, 2022/23 (1 April 2022 to 31 March 2023), made through the HTTP API with
 * the server's "today" moved between steps, and each table's figures counted by hand from them. Cases
 * start before 1 April and end after 31 March; some are recorded after the fact (a veto whose conference
 * was on 31 March, entered on 3 April); the bank holidays of 2022 (the Jubilee on 2 and 3 June, the
 * Queen's funeral on 19 September, Easter) move working-day figures.
 */
let server: TestServer;
const ids: Record<string, string> = {};

const as = (username: string) => ApiClient.signIn(server, `rotherham.${username}`);

/** Sends an event at the case's current version; the test's data must be accepted. */
async function step(client: ApiClient, id: string, type: string, data: Record<string, unknown> = {}) {
  const current = await client.get(`/api/cases/${id}`);
  expect(current.status, JSON.stringify(current.body)).toBe(200);
  const res = await client.sendEvent(id, type, data, current.body.version);
  expect(res.status, `${type}: ${JSON.stringify(res.body)}`).toBe(200);
}

async function create(client: ApiClient, process: string, data: Record<string, unknown>) {
  const res = await client.createCase('rotherham', process, data);
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.id as string;
}

async function on(date: string) {
  await server.restart({ now: date });
}

const dispute = (scope: string, summary: string) => ({ scope, summary, agenciesInvolved: ['Rotherham Council'] });
const veto = (conferenceDate: string, vetoEffect?: string) => ({
  conferenceDate,
  majorityDecision: 'No child protection plan',
  chairDecision: 'Remain subject to a child protection plan',
  rationale: 'Risk not yet reduced',
  ...(vetoEffect === undefined ? {} : { vetoEffect }),
});
const CRITERIA = {
  professionalKnowledge: true,
  researchKnowledge: true,
  recognisesComplexCircumstances: true,
  avoidsHindsight: true,
  communicatesFindings: true,
  conflictOfInterest: false,
};

beforeAll(async () => {
  server = await startTestServer({ now: '2022-03-10' });
  // A0: an appraisal referred before the year, never scheduled: open on 31 March 2023.
  ids.A0 = await create(await as('practitioner'), 'practice-appraisal', { referredOn: '2022-03-10', referralReason: 'cause-for-concern', summary: 'A0' });

  await on('2022-03-25');
  // D1: raised before the year, escalated at once, resolved in it.
  let practitioner = await as('practitioner');
  ids.D1 = await create(practitioner, 'dispute-resolution', dispute('individual-child', 'D1'));
  await step(practitioner, ids.D1, 'ESCALATE', { reason: 'Not agreed' });

  await on('2022-04-20');
  await step(await as('executive-group'), ids.D1, 'RESOLVED', { outcome: 'Agreed at the Executive Group' });
  // V1: the conference was before the year; reviewed (disagreeing) at a meeting in it, closed in it with one briefing.
  let chair = await as('conference-chair');
  let psg = await as('practice-standards-group');
  ids.V1 = await create(chair, 'veto-review', veto('2022-03-29', 'remains-subject-to-plan'));
  await step(psg, ids.V1, 'SCHEDULE', { meetingDate: '2022-04-12' });
  await step(psg, ids.V1, 'REVIEW', { outcome: 'disagrees-with-veto', advice: 'Advice' });
  await step(psg, ids.V1, 'CLOSE', { learningOutputs: [{ kind: 'seven-minute-briefing', title: 'Hearing the Voice of the Child' }] });

  await on('2022-05-10');
  // S1: aware on 28 March 2022 (before the year); every later step in the year or after it.
  let la = await as('local-authority');
  let bu = await as('business-unit');
  ids.S1 = await create(la, 'cspr', notifiableIncident('2022-03-28'));
  await step(la, ids.S1, 'NOTIFIED', { partnersNotifiedOn: '2022-04-01', panelNotifiedOn: '2022-04-01' });
  await step(await as('practice-review-panel'), ids.S1, 'RECOMMEND', { completedOn: '2022-04-25', recommendation: 'local-review', rationale: 'Learning' });
  await step(await as('independent-chair'), ids.S1, 'DECIDE', {
    decision: 'local-review', decidedOn: '2022-05-03', rationale: 'Learning', panelInformedOn: '2022-04-27', familyInformedOn: '2022-05-04',
  });
  await step(bu, ids.S1, 'COMMISSIONED', { reviewerName: 'A Reviewer', reviewerCriteria: CRITERIA, panelOfstedDfeInformedOn: '2022-05-10' });
  // D7: raised and withdrawn in the year, at the lowest level.
  practitioner = await as('practitioner');
  ids.D7 = await create(practitioner, 'dispute-resolution', dispute('individual-child', 'D7'));
  await step(practitioner, ids.D7, 'WITHDRAW', { reason: 'Sorted out' });

  await on('2022-06-01');
  practitioner = await as('practitioner');
  ids.D2 = await create(practitioner, 'dispute-resolution', dispute('individual-child', 'D2'));
  await on('2022-06-10');
  await step(await as('practitioner'), ids.D2, 'RESOLVED', { outcome: 'Agreed between the professionals' });

  await on('2022-07-01');
  chair = await as('conference-chair');
  psg = await as('practice-standards-group');
  ids.V2 = await create(chair, 'veto-review', veto('2022-06-06', 'remains-subject-to-plan'));
  await step(psg, ids.V2, 'SCHEDULE', { meetingDate: '2022-06-20' });
  await step(psg, ids.V2, 'REVIEW', { outcome: 'agrees-with-veto', advice: 'Advice' });
  await step(psg, ids.V2, 'CLOSE', {
    learningOutputs: [
      { kind: 'seven-minute-briefing', title: 'Working Together with Parental Conflict over Contact' },
      { kind: 'learning-on-a-page', title: 'Working with Disguised Compliance and Splitting' },
    ],
  });

  await on('2022-07-04');
  // S5: aware on 20 April 2022; partners told late; the Panel declines a national review; report withheld.
  la = await as('local-authority');
  bu = await as('business-unit');
  ids.S5 = await create(la, 'cspr', notifiableIncident('2022-04-20'));
  await step(la, ids.S5, 'NOTIFIED', { partnersNotifiedOn: '2022-04-29', panelNotifiedOn: '2022-04-26' });
  await step(await as('practice-review-panel'), ids.S5, 'RECOMMEND', { completedOn: '2022-05-18', recommendation: 'national-review', rationale: 'National' });
  await step(await as('independent-chair'), ids.S5, 'DECIDE', {
    decision: 'national-review', decidedOn: '2022-05-24', rationale: 'National', panelInformedOn: '2022-05-19', familyInformedOn: '2022-05-25',
  });
  await step(bu, ids.S5, 'PANEL_RESPONDED', { panelDecision: 'local-review' });
  await step(bu, ids.S5, 'COMMISSIONED', { reviewerName: 'B Reviewer', reviewerCriteria: CRITERIA, panelOfstedDfeInformedOn: '2022-07-04' });

  await on('2022-08-01');
  // A1: the year's one appraisal, closed with no learning published.
  psg = await as('practice-standards-group');
  ids.A1 = await create(psg, 'practice-appraisal', { referredOn: '2022-05-16', referralReason: 'cause-for-concern', summary: 'A1' });
  await step(psg, ids.A1, 'SCHEDULE', { meetingDate: '2022-06-14' });
  await step(psg, ids.A1, 'APPRAISED', { themes: ['information-sharing'], findings: 'Findings' });
  await step(psg, ids.A1, 'CLOSE', { learningOutputs: [] });

  await on('2022-09-12');
  // D3: systemic, escalated to arbitration at once, determined in January.
  ids.D3 = await create(await as('practitioner'), 'dispute-resolution', dispute('systemic', 'D3'));
  await step(await as('executive-group'), ids.D3, 'ESCALATE', { reason: 'No agreement' });
  await step(await as('independent-chair'), ids.D3, 'ESCALATE', { reason: 'No agreement' });

  await on('2022-10-03');
  // S2: a looked-after child's death without abuse or neglect suspected: not notifiable, closed without a rapid review.
  la = await as('local-authority');
  ids.S2 = await create(la, 'cspr', { awareOn: '2022-09-14', childDied: true, seriouslyHarmed: false, abuseOrNeglectKnownOrSuspected: false, lookedAfterChild: true, inArea: true });
  await step(la, ids.S2, 'NOTIFIED', { secretaryOfStateAndOfstedNotifiedOn: '2022-09-22' });
  await step(await as('business-unit'), ids.S2, 'CLOSED_WITHOUT_REVIEW', {
    closedBecause: 'looked-after-death-without-abuse-or-neglect', decidedOn: '2022-10-03', rationale: 'Natural causes', familyInformedOn: '2022-10-03',
  });

  await on('2022-11-01');
  await step(await as('business-unit'), ids.S1, 'FINAL_REPORT_RECEIVED', { receivedOn: '2022-11-01' });

  await on('2022-11-28');
  // V3: reviewed in the year, closed after it: still in feedback on 31 March.
  psg = await as('practice-standards-group');
  ids.V3 = await create(await as('conference-chair'), 'veto-review', veto('2022-11-14', 'remains-subject-to-plan'));
  await step(psg, ids.V3, 'SCHEDULE', { meetingDate: '2022-11-28' });
  await step(psg, ids.V3, 'REVIEW', { outcome: 'agrees-with-veto', advice: 'Advice' });

  await on('2023-01-10');
  await step(await as('independent-chair'), ids.D3, 'DETERMINED', { determination: 'Determined at the Chief Officer Group' });

  await on('2023-01-16');
  await step(await as('business-unit'), ids.S1, 'PUBLISH', { publishedOn: '2023-01-16', sentToPanelAndOfstedOn: '2023-01-04', sentToSecretaryOfStateOn: '2023-01-04' });
  // S1's action plan: one action due within the year, one after it.
  bu = await as('business-unit');
  await step(bu, ids.S1, 'ACTION_UPDATED', { action: 'Audit transfers between areas', owner: 'Rotherham Council', due: '2023-02-28', status: 'In progress' });
  await step(bu, ids.S1, 'ACTION_UPDATED', { action: 'Train health visitors', owner: 'South Yorkshire ICB', due: '2023-06-30', status: 'not started' });

  await on('2023-03-20');
  practitioner = await as('practitioner');
  ids.D4 = await create(practitioner, 'dispute-resolution', dispute('individual-child', 'D4'));
  await step(practitioner, ids.D4, 'ESCALATE', { reason: 'Not agreed' });

  await on('2023-03-22');
  bu = await as('business-unit');
  await step(bu, ids.S5, 'FINAL_REPORT_RECEIVED', { receivedOn: '2022-12-01' });
  await step(bu, ids.S5, 'WITHHOLD_PUBLICATION', {
    reason: 'The family could be identified', improvementsPublishedOn: '2023-03-20', sentToPanelAndOfstedOn: '2023-03-01', sentToSecretaryOfStateOn: '2023-03-01',
  });

  // S5's one action, due and done within the year.
  await step(bu, ids.S5, 'ACTION_UPDATED', { action: 'Publish the improvements', owner: 'Rotherham Council', due: '2023-03-10', status: 'complete', actionCompletedOn: '2023-03-21' });

  await on('2023-03-27');
  // S3: a looked-after child died with abuse suspected (notifiable too), aware on 27 March: its deadlines fall due after the year.
  ids.S3 = await create(await as('local-authority'), 'cspr', notifiableIncident('2023-03-27', { childDied: true, seriouslyHarmed: false, lookedAfterChild: true }));

  await on('2023-03-30');
  ids.D5 = await create(await as('practitioner'), 'dispute-resolution', dispute('systemic', 'D5'));
  ids.V4 = await create(await as('conference-chair'), 'veto-review', veto('2023-03-27', 'remains-subject-to-plan'));
  await step(await as('practice-standards-group'), ids.V4, 'SCHEDULE', { meetingDate: '2023-04-17' });

  await on('2023-04-03');
  practitioner = await as('practitioner');
  await step(practitioner, ids.D5, 'WITHDRAW', { reason: 'No longer needed' });
  ids.D6 = await create(practitioner, 'dispute-resolution', dispute('individual-child', 'D6'));
  // V5: the conference was on 31 March, recorded after the year: counted in it, though not open on 31 March.
  ids.V5 = await create(await as('conference-chair'), 'veto-review', veto('2023-03-31'));

  await on('2023-04-04');
  // S4: not notifiable, referred to the partners to consider a local review; aware in the year, recorded after it.
  ids.S4 = await create(await as('local-authority'), 'cspr', {
    awareOn: '2023-03-30', childDied: false, seriouslyHarmed: true, abuseOrNeglectKnownOrSuspected: false, lookedAfterChild: false, inArea: true, referredForLocalReview: true,
  });

  await on('2023-04-05');
  await step(await as('executive-group'), ids.D4, 'RESOLVED', { outcome: 'Agreed' });
  await step(await as('practice-standards-group'), ids.V3, 'CLOSE', { learningOutputs: [{ kind: 'learning-on-a-page', title: 'After the year' }] });
  // Done after the year: the table still shows it in progress, and overdue, on 31 March.
  await step(await as('business-unit'), ids.S1, 'ACTION_UPDATED', { actionId: '1', action: 'Audit transfers between areas', owner: 'Rotherham Council', due: '2023-02-28', status: 'complete', actionCompletedOn: '2023-04-05' });
}, 240_000);
afterAll(() => server.close());

interface Table {
  id: string;
  title: string;
  columns: { id: string; label: string }[];
  rows: { label: string; values: Record<string, number> }[];
  total: Record<string, number>;
}

/** A table as `label → the counts in column order`, with its total last, as a person reads it. */
function figures(table: Table | undefined): Record<string, number[]> {
  if (table === undefined) throw new Error('no such table');
  const counts = table.columns.filter((c) => c.id !== 'label');
  return {
    ...Object.fromEntries(table.rows.map((r) => [r.label, counts.map((c) => r.values[c.id] ?? 0)])),
    Total: counts.map((c) => table.total[c.id] ?? 0),
  };
}

describe('the annual report of 2022/23', () => {
  let tables: Map<string, Table>;
  beforeAll(async () => {
    const res = await (await as('business-unit')).get('/api/partnerships/rotherham/reports/annual?year=2022');
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ year: 2022, from: '2022-04-01', to: '2023-03-31' });
    tables = new Map((res.body.tables as Table[]).map((t) => [t.id, t]));
  });

  test('referrals to the Practice Standards Group: four vetoes and one appraisal, as report 002 counts them', () => {
    // Vetoes by conference date: V2 (6 Jun), V3 (14 Nov), V4 (27 Mar), V5 (31 Mar, recorded 3 Apr) = 4; V1's conference
    // was on 29 March 2022, before the year. Appraisals by referral date: A1 (16 May) = 1; A0 was referred before.
    expect(figures(tables.get('practice-standards-referrals'))).toEqual({
      "Requests to review a Case Conference Chair's veto": [4],
      Appraisals: [1],
      Total: [5],
    });
  });

  test('vetoes by their effect, the group’s view and appraisals by reason', () => {
    // V2, V3, V4 remain subject to a plan; V5 did not say.
    expect(figures(tables.get('veto-effects'))).toEqual({
      'The child remains subject to a child protection plan': [3],
      'The child becomes subject to a child protection plan': [0],
      'The child is not, or is no longer, subject to a child protection plan': [0],
      'Not recorded': [1],
      Total: [4],
    });
    // Reviews by their meeting's date: V1 (12 Apr, disagrees), V2 (20 Jun, agrees), V3 (28 Nov, agrees); V4 meets after the year.
    expect(figures(tables.get('veto-outcomes'))).toEqual({
      'The group agrees with the veto': [2],
      'The group disagrees with the veto': [1],
      Total: [3],
    });
    expect(figures(tables.get('appraisals-by-reason'))).toEqual({
      'There was cause for concern, below the threshold for a serious incident notification or a practice review': [1],
      'Outstanding practice is recognised': [0],
      Total: [1],
    });
  });

  test('learning outputs by kind, from vetoes and appraisals closed in the year', () => {
    // V1 (closed 20 Apr): a briefing; V2 (1 Jul): a briefing and a learning on a page; A1 (1 Aug): none; V3 closed on 5 April 2023.
    expect(figures(tables.get('learning-outputs'))).toEqual({ '7-minute briefing': [2], 'Learning on a page': [1], Total: [3] });
  });

  test('escalations by scope, by the level reached and by the time to resolve', () => {
    // Raised in the year: D7, D2, D4 about a child; D3, D5 systemic. D1 (25 Mar 2022) and D6 (3 Apr 2023) are outside it.
    expect(figures(tables.get('escalations-by-scope'))).toEqual({
      "About an individual child's circumstances": [3],
      'A systemic issue': [2],
      Total: [5],
    });
    // Furthest by 31 March: D7, D2 between professionals; D4 (escalated 20 Mar), D5 at the Executive Group; D3 at arbitration.
    expect(figures(tables.get('escalations-by-level'))).toEqual({
      'Resolution between professionals': [2],
      'Executive Group and Independent Chair': [2],
      'Chief Officer Group': [0],
      'Independent Chair arbitrates': [1],
      Total: [5],
    });
    // Resolved in the year, working days from raised to resolved:
    //   D1 25 Mar → 20 Apr 2022: 16 (Good Friday and Easter Monday are not counted) → 6 to 20;
    //   D2 1 Jun → 10 Jun 2022: 5 (not 7: the Jubilee bank holidays on 2 and 3 June) → within 5;
    //   D3 12 Sep 2022 → 10 Jan 2023: 82 → more than 60. D4 was resolved on 5 April 2023, after the year.
    expect(figures(tables.get('escalations-time-to-resolve'))).toEqual({
      'Within 5 working days': [1],
      '6 to 20 working days': [1],
      '21 to 60 working days': [0],
      'More than 60 working days': [1],
      Total: [3],
    });
    // Open on 31 March 2023: D4 (escalated) and D5 (systemic; withdrawn on 3 April), both at the Executive Group.
    expect(figures(tables.get('open-escalations'))).toEqual({
      'Resolution between professionals': [0],
      'Executive Group and Independent Chair': [2],
      'Chief Officer Group': [0],
      'Independent Chair arbitrates': [0],
      Total: [2],
    });
  });

  test('serious incidents by ground, decisions and reviews commissioned, published and withheld', () => {
    // Aware in the year: S5 (notifiable), S2 (looked-after death), S3 (both), S4 (referred; recorded on 4 April). S1 before.
    expect(figures(tables.get('serious-incidents-by-ground'))).toEqual({
      'Notifiable to the National Panel': [2],
      'A looked-after child died': [2],
      'Referred to the partners to consider a local review': [1],
      Total: [4],
    });
    // Decided in the year: S1 local review (3 May), S5 refer to the National Panel (24 May).
    expect(figures(tables.get('rapid-review-decisions'))).toMatchObject({
      'Carry out a local child safeguarding practice review': [1],
      'Refer to the National Panel': [1],
      Total: [2],
    });
    // Commissioned: S1 (10 May), S5 (4 Jul); published: S1 (16 Jan); withheld: S5 (improvements published 20 Mar).
    expect(figures(tables.get('local-reviews'))).toEqual({
      Commissioned: [2],
      'Report published': [1],
      'Report withheld and the improvements published': [1],
      Total: [4],
    });
  });

  test('deadlines falling due in the year, met and missed', () => {
    // Met / missed / not met yet:
    //   notify the Panel: S1 due 4 Apr (1 Apr, met), S5 due 27 Apr (26 Apr, met); S3's is due 3 April 2023;
    //   tell the partners: S1 met, S5 missed (29 Apr);
    //   Secretary of State and Ofsted: S2 due 22 Sep (the funeral's bank holiday on 19 Sep), told 22 Sep: met;
    //   rapid review: S1 due 26 Apr (25 Apr), S5 due 18 May (18 May): both met;
    //   the Panel receives it: S1 27 Apr and S5 19 May, each a day late: both missed;
    //   final report: S1 due 3 Nov (1 Nov, met), S5 due 24 Nov (1 Dec, missed).
    expect(figures(tables.get('serious-incident-deadlines'))).toEqual({
      'Notify the National Panel': [2, 0, 0],
      'Tell the safeguarding partners': [1, 1, 0],
      "Notify the Secretary of State and Ofsted of the looked-after child's death": [1, 0, 0],
      'Complete the rapid review': [2, 0, 0],
      'Send the rapid review to the National Panel': [0, 2, 0],
      'Receive the final report': [1, 1, 0],
      Total: [7, 4, 0],
    });
  });

  test("action plans' actions by their status on 31 March, with those overdue", () => {
    // S1: "Audit transfers" in progress (due 28 Feb, done only on 5 April: overdue on 31 March) and "Train health
    // visitors" not started (due 30 June: not yet overdue); S5: "Publish the improvements", complete on 21 March.
    expect(figures(tables.get('action-plans'))).toMatchObject({
      'Not started': [1, 0],
      'In progress': [1, 1],
      Complete: [1, 0],
      'No longer needed': [0, 0],
      Total: [3, 1],
    });
  });

  test("open cases by stage at the year's end, replayed to 31 March", () => {
    // S1 and S5 in the action plan; S3 awaiting notification. S2 closed; S4 recorded after the year.
    const incidents = figures(tables.get('open-serious-incidents'));
    expect(incidents).toMatchObject({ Notification: [1], 'Action plan': [2], 'Rapid review': [0], Total: [3] });
    // V3 in feedback (closed on 5 April), V4 scheduled; V5 was not yet recorded.
    expect(figures(tables.get('open-veto-reviews'))).toEqual({
      'Referred to the Practice Standards Group': [0],
      'Awaiting review': [1],
      'Feedback and learning': [1],
      Total: [2],
    });
    // A0, referred in March 2022, never scheduled.
    expect(figures(tables.get('open-appraisals'))).toMatchObject({ 'Referred to the Practice Standards Group': [1], Total: [1] });
  });

  test('the year before counts what happened in it: 2021/22', async () => {
    const res = await (await as('business-unit')).get('/api/partnerships/rotherham/reports/annual?year=2021');
    const before = new Map((res.body.tables as Table[]).map((t) => [t.id, t]));
    // On 31 March 2022: A0 referred, D1 at the Executive Group; S1 was not recorded until 10 May 2022.
    expect(figures(before.get('open-appraisals'))).toMatchObject({ Total: [1] });
    expect(figures(before.get('open-escalations'))).toMatchObject({ 'Executive Group and Independent Chair': [1], Total: [1] });
    expect(figures(before.get('open-serious-incidents'))).toMatchObject({ Total: [0] });
    // S1 (aware 28 Mar 2022) is the year's one incident; V1's conference (29 Mar 2022) is its one veto.
    expect(figures(before.get('serious-incidents-by-ground'))).toMatchObject({ 'Notifiable to the National Panel': [1], Total: [1] });
    expect(figures(before.get('practice-standards-referrals'))).toEqual({
      "Requests to review a Case Conference Chair's veto": [1],
      Appraisals: [1],
      Total: [2],
    });
  });
});

describe('the annual report as CSV and its refusals', () => {
  test('one table as CSV: a title with the year in UK dates, labels not codes, and the total', async () => {
    const bu = await as('business-unit');
    const res = await bu.get('/api/partnerships/rotherham/reports/annual/veto-effects.csv?year=2022');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(res.headers.get('content-disposition')).toContain('veto-effects-rotherham-2022-23.csv');
    expect(String(res.body).trim().split('\r\n')).toEqual([
      '"Case Conference Chairs\' vetoes by their effect, 01/04/2022 to 31/03/2023"',
      'Effect of the veto,Vetoes',
      'The child remains subject to a child protection plan,3',
      'The child becomes subject to a child protection plan,0',
      '"The child is not, or is no longer, subject to a child protection plan",0',
      'Not recorded,1',
      'Total,4',
    ]);
    const accepted = await bu.request('GET', '/api/partnerships/rotherham/reports/annual?year=2022&table=serious-incident-deadlines', undefined, { accept: 'text/csv' });
    expect(accepted.headers.get('content-type')).toMatch(/^text\/csv/);
    const lines = String(accepted.body).trim().split('\r\n');
    expect(lines[1]).toBe('Deadline,Met,Missed,Not met yet');
    expect(lines.at(-1)).toBe('Total,7,4,0');
  });

  test('a bad year is a 400 that says what to write; an unknown table is a 404; another partnership is a 404', async () => {
    const bu = await as('business-unit');
    for (const year of ['22', '2022-23', 'abcd', '2022.5']) {
      const res = await bu.get(`/api/partnerships/rotherham/reports/annual?year=${year}`);
      expect(res.status, year).toBe(400);
      expect(res.body.error).toMatchObject({ code: 'bad_request', message: expect.stringContaining('four digits') });
    }
    // Without a year, the one holding the server's today (5 April 2023).
    expect((await bu.get('/api/partnerships/rotherham/reports/annual')).body).toMatchObject({ year: 2023, from: '2023-04-01', to: '2024-03-31' });
    expect((await bu.get('/api/partnerships/rotherham/reports/annual/no-such-table.csv?year=2022')).status).toBe(404);
    expect((await bu.get('/api/partnerships/merton/reports/annual?year=2022')).status).toBe(404);
    const noTable = await bu.request('GET', '/api/partnerships/rotherham/reports/annual?year=2022', undefined, { accept: 'text/csv' });
    expect(noTable.status).toBe(400);
  });

  test('every partnership has the tables its processes declare, empty in a year with no cases', async () => {
    for (const [partnership, expected] of [
      ['leicester', ['serious-incidents-by-ground', 'rapid-review-decisions', 'local-reviews', 'serious-incident-deadlines', 'open-serious-incidents', 'action-plans', 'escalations-by-level', 'escalations-time-to-resolve', 'open-escalations']],
      ['merton', ['serious-incidents-by-ground', 'rapid-review-decisions', 'local-reviews', 'serious-incident-deadlines', 'open-serious-incidents', 'action-plans', 'escalations-by-level', 'escalations-time-to-resolve', 'open-escalations']],
    ] as const) {
      const res = await (await ApiClient.signIn(server, `${partnership}.business-unit`)).get(`/api/partnerships/${partnership}/reports/annual?year=2022`);
      expect(res.status).toBe(200);
      expect((res.body.tables as Table[]).map((t) => t.id).sort()).toEqual([...expected].sort());
      expect((res.body.tables as Table[]).every((t) => Object.values(t.total).every((n) => n === 0))).toBe(true);
    }
  });

  test('need to know: a conference chair counts the vetoes they referred, and no serious incident', async () => {
    const res = await (await as('conference-chair')).get('/api/partnerships/rotherham/reports/annual?year=2022');
    expect(res.status).toBe(200);
    const tables = new Map((res.body.tables as Table[]).map((t) => [t.id, t]));
    expect(figures(tables.get('serious-incidents-by-ground')).Total).toEqual([0]);
    expect(figures(tables.get('practice-standards-referrals'))).toMatchObject({ "Requests to review a Case Conference Chair's veto": [4], Appraisals: [0] });
  });
});
