import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ApiClient, startTestServer, type TestServer } from '../support/server.ts';

/**
 * The history is the record: each step keeps its own answers, repeated steps accumulate, a recorded
 * date changes only by a correction (shown with old and new values, in the case, its history and
 * the summary report), and no date, however far, breaks a step.
 */
let server: TestServer;
let caseId: string;
const incident = { title: 'Child W', awareOn: '2022-09-16', childDied: false, seriouslyHarmed: true, abuseOrNeglectKnownOrSuspected: true, lookedAfterChild: false, inArea: true };

beforeAll(async () => {
  server = await startTestServer({ now: '2022-11-01' });
  const la = await ApiClient.signIn(server, 'rotherham.local-authority');
  const created = await la.createCase('rotherham', 'cspr', incident);
  expect(created.status).toBe(201);
  caseId = created.body.id;
  const notified = await la.sendEvent(caseId, 'NOTIFIED', { panelNotifiedOn: '2022-09-28', partnersNotifiedOn: '2022-09-23' }, 1);
  expect(notified.body.deadlines).toContainEqual(expect.objectContaining({ id: 'notify-national-panel', due: '2022-09-26', met: false, corrected: false }));
  const panel = await ApiClient.signIn(server, 'rotherham.practice-review-panel');
  expect((await panel.sendEvent(caseId, 'RECOMMEND', { completedOn: '2022-10-14', recommendation: 'local-review', rationale: "The Panel's rationale" }, 2)).status).toBe(200);
  const chair = await ApiClient.signIn(server, 'rotherham.independent-chair');
  const decided = await chair.sendEvent(caseId, 'DECIDE', { decision: 'local-review', decidedOn: '2022-10-20', rationale: "The Chair's rationale", panelInformedOn: '2022-10-20' }, 3);
  expect(decided.body.state).toBe('commissioning');
});
afterAll(() => server.close());

describe('each step keeps its own answers', () => {
  test('the same field name in two steps is two answers, each under its own step, with who and when', async () => {
    const bu = await ApiClient.signIn(server, 'rotherham.business-unit');
    const { body } = await bu.get(`/api/cases/${caseId}`);
    const byType = (type: string) => body.steps.find((s: { type: string }) => s.type === type);
    expect(body.steps.map((s: { type: string }) => s.type)).toEqual(['CREATE', 'NOTIFIED', 'RECOMMEND', 'DECIDE']);
    expect(byType('RECOMMEND')).toMatchObject({ repeatable: false, entries: [{ seq: 3, by: 'rotherham.practice-review-panel', data: { rationale: "The Panel's rationale" } }] });
    expect(byType('DECIDE')).toMatchObject({ entries: [{ seq: 4, by: 'rotherham.independent-chair', data: { rationale: "The Chair's rationale" } }] });
    // The case's own facts keep the first recorded answer.
    expect(body.data.rationale).toBe("The Panel's rationale");
    expect(body.history.map((h: { data: { rationale?: string } }) => h.data.rationale)).toEqual([undefined, undefined, "The Panel's rationale", "The Chair's rationale"]);
  });

  test('a repeated step accumulates entries, each with its own author and date, none overwritten', async () => {
    const bu = await ApiClient.signIn(server, 'rotherham.business-unit');
    const la = await ApiClient.signIn(server, 'rotherham.local-authority');
    const version = (await bu.get(`/api/cases/${caseId}`)).body.version;
    expect((await bu.sendEvent(caseId, 'COMMUNICATION_RECORDED', { communication: 'family-told-decision', communicatedOn: '2022-10-21' }, version)).status).toBe(200);
    expect((await la.sendEvent(caseId, 'COMMUNICATION_RECORDED', { communication: 'other-areas-notified', communicatedOn: '2022-10-24' }, version + 1)).status).toBe(200);
    const { body } = await bu.get(`/api/cases/${caseId}`);
    const group = body.steps.find((s: { type: string }) => s.type === 'COMMUNICATION_RECORDED');
    expect(group.repeatable).toBe(true);
    expect(group.entries.map((e: { by: string; data: { communication: string; communicatedOn: string } }) => [e.by, e.data.communication, e.data.communicatedOn])).toEqual([
      ['rotherham.business-unit', 'family-told-decision', '2022-10-21'],
      ['rotherham.local-authority', 'other-areas-notified', '2022-10-24'],
    ]);
  });
});

describe('a recorded date changes only by a correction', () => {
  test('the correction flips missed to met, shows old and new values, and the summary counts it as corrected', async () => {
    const bu = await ApiClient.signIn(server, 'rotherham.business-unit');
    const before = (await bu.get(`/api/cases/${caseId}`)).body;
    const refused = await bu.sendEvent(caseId, 'CORRECT_DATES', { reason: '', panelNotifiedOn: '2022-09-26' }, before.version);
    expect(refused.status).toBe(422);
    expect(refused.body.error.details).toEqual([expect.objectContaining({ path: '/reason' })]);
    expect((await bu.get(`/api/cases/${caseId}`)).body.version).toBe(before.version);

    const corrected = await bu.sendEvent(caseId, 'CORRECT_DATES', { reason: "The Panel's receipt is dated 26 September.", panelNotifiedOn: '2022-09-26' }, before.version);
    expect(corrected.status).toBe(200);
    expect(corrected.body.state).toBe('commissioning');
    expect(corrected.body.data.panelNotifiedOn).toBe('2022-09-26');
    expect(corrected.body.deadlines).toContainEqual(expect.objectContaining({ id: 'notify-national-panel', met: true, corrected: true }));
    expect(corrected.body.history.at(-1)).toMatchObject({
      type: 'CORRECT_DATES',
      by: 'rotherham.business-unit',
      data: { reason: "The Panel's receipt is dated 26 September." },
      changes: [{ field: 'panelNotifiedOn', from: '2022-09-28', to: '2022-09-26' }],
    });
    const group = corrected.body.steps.find((s: { type: string }) => s.type === 'CORRECT_DATES');
    expect(group).toMatchObject({ correction: true, entries: [{ changes: [{ field: 'panelNotifiedOn', from: '2022-09-28', to: '2022-09-26' }] }] });
    // The step that recorded the date still shows what it recorded.
    expect(corrected.body.steps.find((s: { type: string }) => s.type === 'NOTIFIED').entries[0].data.panelNotifiedOn).toBe('2022-09-28');

    const summary = await bu.get('/api/partnerships/rotherham/reports/summary?from=2022-09-01&to=2022-09-30');
    const cspr = summary.body.processes.find((p: { process: string }) => p.process === 'cspr');
    expect(cspr.deadlines['notify-national-panel']).toMatchObject({ met: 1, missed: 0, corrected: 1 });
    expect(cspr.deadlines['notify-safeguarding-partners']).toMatchObject({ met: 1, missed: 0, corrected: 0 });
  });

  test('only the roles the configuration names may correct', async () => {
    const la = await ApiClient.signIn(server, 'rotherham.local-authority');
    const version = (await la.get(`/api/cases/${caseId}`)).body.version;
    const refused = await la.sendEvent(caseId, 'CORRECT_DATES', { reason: 'Typo', partnersNotifiedOn: '2022-09-22' }, version);
    expect(refused.status).toBe(403);
  });
});

describe('dates that make sense', () => {
  test.each([
    ['9999-12-31', /from 1 January 1900 to 31 December 2099/],
    ['0001-01-01', /from 1 January 1900 to 31 December 2099/],
    ['2090-01-01', /covers 2018 to 2027/],
  ])('awareOn %s is a 422 naming the field and the range accepted, and nothing is stored', async (awareOn, message) => {
    const la = await ApiClient.signIn(server, 'rotherham.local-authority');
    const listed = (await la.get('/api/cases?process=cspr')).body.items.length;
    const res = await la.createCase('rotherham', 'cspr', { ...incident, awareOn });
    expect(res.status).toBe(422);
    expect(res.body.error).toMatchObject({ code: 'validation_failed', details: [{ path: '/awareOn', message: expect.stringMatching(message) }] });
    expect((await la.get('/api/cases?process=cspr')).body.items).toHaveLength(listed);
  });

  test('a notification dated after today, or before the local authority knew, is refused at its field', async () => {
    const la = await ApiClient.signIn(server, 'rotherham.local-authority');
    const created = await la.createCase('rotherham', 'cspr', incident);
    const future = await la.sendEvent(created.body.id, 'NOTIFIED', { panelNotifiedOn: '2022-11-02', partnersNotifiedOn: '2022-09-23' }, 1);
    expect(future.status).toBe(422);
    expect(future.body.error.details).toEqual([{ path: '/panelNotifiedOn', message: '2 November 2022 is after today (1 November 2022): enter the date it happened' }]);
    const early = await la.sendEvent(created.body.id, 'NOTIFIED', { panelNotifiedOn: '2022-09-20', partnersNotifiedOn: '2020-01-01' }, 1);
    expect(early.status).toBe(422);
    expect(early.body.error.details).toEqual([{ path: '/partnersNotifiedOn', message: expect.stringContaining('is before 16 September 2022') }]);
    expect((await la.get(`/api/cases/${created.body.id}`)).body.version).toBe(1);
  });
});
