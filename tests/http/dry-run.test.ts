/**
 * The dry runs that let a page check its answers at the question: the start's and an event's, each
 * refusing exactly as the real request would (the same status and body), and storing nothing at all.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ApiClient, startTestServer, type TestServer } from '../support/server.ts';
import { openTestConnection, tableNames } from '../support/database.ts';

let server: TestServer;
let localAuthority: ApiClient;
let independentPerson: ApiClient;
let businessUnit: ApiClient;
/** May neither start a serious incident nor read one. */
let practitioner: ApiClient;

const INCIDENT = { title: 'Child H', awareOn: '2022-09-16', childDied: false, seriouslyHarmed: true, abuseOrNeglectKnownOrSuspected: true, lookedAfterChild: false, inArea: true };
const START = '/api/partnerships/merton/processes/cspr/cases';

beforeAll(async () => {
  server = await startTestServer({ now: '2023-06-01' });
  [localAuthority, independentPerson, businessUnit, practitioner] = await Promise.all(
    ['merton.local-authority', 'merton.independent-person', 'merton.business-unit', 'merton.practitioner'].map((name) => ApiClient.signIn(server, name)),
  );
});
afterAll(() => server.close());

/** Rows in every table of the file, read from the file itself: a dry run must change none. */
async function everyRowCount(): Promise<Record<string, number>> {
  const db = await openTestConnection(server.databaseUrl);
  try {
    const counts: Record<string, number> = {};
    for (const name of await tableNames(db)) counts[name] = (await db.get<{ n: number }>(`SELECT COUNT(*) AS n FROM "${name}"`))!.n;
    return counts;
  } finally {
    await db.close();
  }
}

async function created(): Promise<{ id: string; version: number }> {
  const res = await localAuthority.createCase('merton', 'cspr', INCIDENT);
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
}

/** Sends the event for real and answers the case's new version. */
async function step(as: ApiClient, caseId: string, type: string, data: Record<string, unknown>, version: number): Promise<number> {
  const res = await as.sendEvent(caseId, type, data, version);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.version;
}

/** A Merton serious incident walked to the point of publishing its review. */
async function atPrePublication(): Promise<{ id: string; version: number }> {
  const { id, version: v1 } = await created();
  const v2 = await step(localAuthority, id, 'NOTIFIED', { panelNotifiedOn: '2022-09-26', partnersNotifiedOn: '2022-09-26' }, v1);
  const decision = { completedOn: '2022-10-14', recommendation: 'local-review', decision: 'local-review', decidedOn: '2022-10-14', rationale: 'Improvements needed.', panelInformedOn: '2022-10-14' };
  const v3 = await step(independentPerson, id, 'DECIDE', decision, v2);
  const v4 = await step(businessUnit, id, 'COMMISSIONED', {
    reviewerName: 'G. Reviewer',
    reviewerCriteria: { professionalKnowledge: true, researchKnowledge: true, recognisesComplexCircumstances: true, avoidsHindsight: true, communicatesFindings: true, conflictOfInterest: false },
    panelOfstedDfeInformedOn: '2022-10-28',
    methodology: 'learning-together',
    costShares: [{ partner: 'lb-merton', percent: 50 }, { partner: 'merton-ccg', percent: 50 }],
  }, v3);
  return { id, version: await step(businessUnit, id, 'FINAL_REPORT_RECEIVED', { receivedOn: '2023-04-28' }, v4) };
}

const check = (as: ApiClient, caseId: string, body: unknown) => as.request('POST', `/api/cases/${caseId}/events/check`, body);

describe('the dry run of starting a case', () => {
  test('accepted answers are 200 {ok: true} and start nothing', async () => {
    const before = await everyRowCount();
    const res = await localAuthority.request('POST', `${START}/check`, { data: INCIDENT });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ ok: true });
    expect(await everyRowCount()).toEqual(before);
  });

  test("a guard's refusal is the start's own, naming the answers it rests on, and nothing is stored", async () => {
    const nothingToReview = { ...INCIDENT, seriouslyHarmed: false };
    const before = await everyRowCount();
    const dry = await localAuthority.request('POST', `${START}/check`, { data: nothingToReview });
    expect(dry.status).toBe(422);
    expect(dry.body.error.details).toEqual([
      { guard: 'serious-incident-grounds', message: expect.stringContaining('one of three grounds'), paths: ['/childDied', '/seriouslyHarmed', '/lookedAfterChild', '/referredForLocalReview'], dates: [] },
    ]);
    expect(await everyRowCount()).toEqual(before);
    const real = await localAuthority.createCase('merton', 'cspr', nothingToReview);
    expect({ status: real.status, body: real.body }).toEqual({ status: dry.status, body: dry.body });
  });

  test('bad input is a 4xx, as it is for the start itself', async () => {
    const before = await everyRowCount();
    expect((await localAuthority.request('POST', `${START}/check`, { data: 'answers' })).status).toBe(400);
    expect((await localAuthority.request('POST', `${START}/check`, '{"data":')).status).toBe(400);
    const invalid = await localAuthority.request('POST', `${START}/check`, { data: { ...INCIDENT, awareOn: '16/09/2022' } });
    expect(invalid.status).toBe(422);
    expect(invalid.body.error).toMatchObject({ code: 'validation_failed', details: [{ path: '/awareOn' }] });
    expect((await localAuthority.request('POST', `${START}/check`, { data: INCIDENT }, { 'x-csrf-token': 'wrong' })).status).toBe(403);
    expect((await practitioner.request('POST', `${START}/check`, { data: INCIDENT })).body.error.code).toBe('forbidden');
    expect((await localAuthority.request('POST', '/api/partnerships/rotherham/processes/cspr/cases/check', { data: INCIDENT })).status).toBe(404);
    expect(await everyRowCount()).toEqual(before);
  });
});

describe('the dry run of an event', () => {
  test("guards' refusals are the event's own, each naming its field, and nothing is stored", async () => {
    const { id, version } = await created();
    const before = await everyRowCount();
    const dry = await check(localAuthority, id, { type: 'NOTIFIED', data: {}, expectedVersion: version });
    expect(dry.status).toBe(422);
    expect(dry.body.error.code).toBe('guard_rejected');
    expect(dry.body.error.details.map((d: { guard: string; paths: string[] }) => [d.guard, d.paths])).toEqual([
      ['panel-notified-on-required', ['/panelNotifiedOn']],
      ['partners-notified-on-required', ['/partnersNotifiedOn']],
    ]);
    expect(await everyRowCount()).toEqual(before);
    const real = await localAuthority.sendEvent(id, 'NOTIFIED', {}, version);
    expect({ status: real.status, body: real.body }).toEqual({ status: dry.status, body: dry.body });
  });

  test('a date rule gives the date it worked out; answers it accepts are 200 and store nothing', async () => {
    const { id, version } = await atPrePublication();
    const late = { publishedOn: '2023-05-10', sentToPanelAndOfstedOn: '2023-04-28' };
    const refused = await check(businessUnit, id, { type: 'PUBLISH', data: late, expectedVersion: version });
    expect(refused.status).toBe(422);
    expect(refused.body.error.details).toEqual([
      {
        guard: 'sent-to-panel-and-ofsted-in-time',
        message: expect.stringContaining('7 working days'),
        paths: ['/sentToPanelAndOfstedOn', '/publishedOn'],
        // Seven working days before 10 May 2023, the early May bank holiday (1 May) not counted.
        dates: [{ path: '/sentToPanelAndOfstedOn', must: 'onOrBefore', date: '2023-04-27', from: [{ path: '/publishedOn', date: '2023-05-10' }] }],
      },
    ]);

    const before = { rows: await everyRowCount(), history: (await businessUnit.get(`/api/cases/${id}`)).body.history.length };
    const inTime = { ...late, sentToPanelAndOfstedOn: '2023-04-27' };
    // Without expectedVersion too: a page may check before it knows the version.
    for (const body of [{ type: 'PUBLISH', data: inTime, expectedVersion: version }, { type: 'PUBLISH', data: inTime }]) {
      const accepted = await check(businessUnit, id, body);
      expect(accepted.status).toBe(200);
      expect(accepted.body).toEqual({ ok: true });
    }
    const after = await businessUnit.get(`/api/cases/${id}`);
    expect({ rows: await everyRowCount(), history: after.body.history.length }).toEqual(before);
    expect(after.body.version).toBe(version);
    expect(after.body.state).toBe('pre-publication');
    // And the real event, with the same answers, goes through.
    expect((await businessUnit.sendEvent(id, 'PUBLISH', inTime, version)).status).toBe(200);
  });

  test('refusals come in the real route\'s order: 400, 404, 409, 403, 422, and store nothing', async () => {
    const { id, version } = await created();
    const before = await everyRowCount();
    const code = async (as: ApiClient, body: unknown, caseId = id) => {
      const res = await check(as, caseId, body);
      return `${res.status} ${res.body?.error?.code}`;
    };
    expect(await code(localAuthority, { data: {} })).toBe('400 bad_request');
    expect(await code(localAuthority, { type: 'NOTIFIED', data: [] })).toBe('400 bad_request');
    expect(await code(localAuthority, { type: 'NOTIFIED', data: {}, expectedVersion: '1' })).toBe('400 bad_request');
    expect(await code(localAuthority, { type: 'NOTIFIED', data: {} }, 'no-such-case')).toBe('404 not_found');
    expect(await code(localAuthority, { type: 'NOTIFIED', data: {}, expectedVersion: version + 1 })).toBe('409 version_conflict');
    expect(await code(localAuthority, { type: 'PUBLISH', data: {} })).toBe('409 event_not_allowed');
    expect(await code(independentPerson, { type: 'NOTIFIED', data: {} })).toBe('403 forbidden');
    expect(await code(localAuthority, { type: 'NOTIFIED', data: { panelNotifiedOn: 'soon' } })).toBe('422 validation_failed');
    expect((await localAuthority.request('POST', `/api/cases/${id}/events/check`, { type: 'NOTIFIED', data: {} }, { 'x-csrf-token': '' })).status).toBe(403);
    expect(await everyRowCount()).toEqual(before);
  });

  test("a case the caller may not read, or another partnership's, is 404 as for the event itself", async () => {
    const { id, version } = await created();
    const body = { type: 'NOTIFIED', data: {}, expectedVersion: version };
    const rotherham = await ApiClient.signIn(server, 'rotherham.local-authority');
    for (const outsider of [practitioner, rotherham]) {
      const dry = await check(outsider, id, body);
      const real = await outsider.sendEvent(id, 'NOTIFIED', {}, version);
      expect(dry.status).toBe(404);
      expect(dry.body).toEqual(real.body);
    }
  });
});
