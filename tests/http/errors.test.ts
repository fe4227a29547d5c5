import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ApiClient, startTestServer, type TestServer } from '../support/server.ts';

/** Every error code of the contract, each from a real request, and each leaving nothing stored. */
let server: TestServer;
let partner: ApiClient;
let caseId: string;

beforeAll(async () => {
  server = await startTestServer({ now: '2020-10-01' });
  partner = await ApiClient.signIn(server, 'merton.statutory-partner');
  const created = await partner.createCase('merton', 'dispute-resolution', { summary: 'A dispute' });
  caseId = created.body.id;
});
afterAll(() => server.close());

/** The case as stored: version and history length must not move after a refused request. */
async function snapshot() {
  const res = await partner.get(`/api/cases/${caseId}`);
  return { version: res.body.version, history: res.body.history.length, state: res.body.state, data: res.body.data };
}

async function casesCount() {
  return (await partner.get('/api/cases?limit=200')).body.items.length;
}

function expectError(res: { status: number; body: any }, status: number, code: string) {
  expect(res.status).toBe(status);
  expect(res.body).toEqual({ error: expect.objectContaining({ code, message: expect.any(String) }) });
  expect(res.body.error.message.length).toBeGreaterThan(10);
}

describe('errors of the contract', () => {
  test('401 unauthenticated without a session, on every route but openapi.json', async () => {
    const anonymous = new ApiClient(server);
    for (const path of ['/api/session', '/api/partnerships', `/api/cases/${caseId}`, '/api/cases', '/api/partnerships/merton/processes/dispute-resolution', '/api/nowhere']) {
      expectError(await anonymous.get(path), 401, 'unauthenticated');
    }
    expectError(await anonymous.sendEvent(caseId, 'AGREED', {}, 1), 401, 'unauthenticated');
    expectError(await anonymous.request('POST', `/api/cases/${caseId}/events`, '{not json'), 401, 'unauthenticated');
    expect((await anonymous.get('/api/openapi.json')).status).toBe(200);
  });

  test('401 with the same body for an unknown user and a wrong password', async () => {
    const a = await new ApiClient(server).request('POST', '/api/session', { username: 'merton.nobody', password: 'demo' });
    const b = await new ApiClient(server).request('POST', '/api/session', { username: 'merton.statutory-partner', password: 'wrong' });
    expect(a.status).toBe(401);
    expect(b.status).toBe(401);
    expect(JSON.stringify(a.body)).toBe(JSON.stringify(b.body));
  });

  test('403 forbidden for a write without the CSRF token, before anything else', async () => {
    const before = await snapshot();
    const res = await partner.request('POST', `/api/cases/${caseId}/events`, { type: 'UNRESOLVED', data: { attendees: [] }, expectedVersion: 1 }, { 'x-csrf-token': '' });
    expectError(res, 403, 'forbidden');
    expectError(await partner.request('POST', `/api/cases/${caseId}/events`, '{bad json', { 'x-csrf-token': 'wrong' }), 403, 'forbidden');
    expect(await snapshot()).toEqual(before);
  });

  test('400 bad_request for a body that is not JSON or misses type, data or expectedVersion', async () => {
    const before = await snapshot();
    expectError(await partner.request('POST', `/api/cases/${caseId}/events`, '{"type": "UNRESOLVED",'), 400, 'bad_request');
    expectError(await partner.request('POST', `/api/cases/${caseId}/events`, { data: {}, expectedVersion: 1 }), 400, 'bad_request');
    expectError(await partner.request('POST', `/api/cases/${caseId}/events`, { type: 'UNRESOLVED', expectedVersion: 1 }), 400, 'bad_request');
    expectError(await partner.request('POST', `/api/cases/${caseId}/events`, { type: 'UNRESOLVED', data: {} }), 400, 'bad_request');
    expectError(await partner.request('POST', `/api/cases/${caseId}/events`, { type: 'UNRESOLVED', data: [], expectedVersion: 1 }), 400, 'bad_request');
    // 400 outranks 404: a bad body to a case that does not exist is still a bad body.
    expectError(await partner.request('POST', '/api/cases/no-such-case/events', '[1,2'), 400, 'bad_request');
    expect(await snapshot()).toEqual(before);
  });

  test('404 not_found for unknown cases, processes, forms and partnerships', async () => {
    const count = await casesCount();
    expectError(await partner.get('/api/cases/00000000-0000-0000-0000-000000000000'), 404, 'not_found');
    expectError(await partner.sendEvent('00000000-0000-0000-0000-000000000000', 'AGREED', {}, 1), 404, 'not_found');
    expectError(await partner.get('/api/partnerships/merton/processes/no-such-process'), 404, 'not_found');
    expectError(await partner.get('/api/partnerships/merton/forms/no-such-form'), 404, 'not_found');
    expectError(await partner.get('/api/partnerships/nowhere/processes/dispute-resolution'), 404, 'not_found');
    expectError(await partner.createCase('merton', 'no-such-process', { summary: 'x' }), 404, 'not_found');
    expect(await casesCount()).toBe(count);
  });

  test('409 version_conflict with the current version', async () => {
    const before = await snapshot();
    const res = await partner.sendEvent(caseId, 'UNRESOLVED', { attendees: ['lb-merton'] }, 7);
    expectError(res, 409, 'version_conflict');
    expect(res.body.error.details).toEqual({ currentVersion: before.version });
    expect(await snapshot()).toEqual(before);
  });

  test('409 event_not_allowed with the state and the allowed events', async () => {
    const before = await snapshot();
    const res = await partner.sendEvent(caseId, 'DETERMINED', { determination: 'x' }, before.version);
    expectError(res, 409, 'event_not_allowed');
    expect(res.body.error.details).toEqual({ state: 'stage-1-partners-meet', allowed: expect.arrayContaining(['AGREED', 'UNRESOLVED', 'WITHDRAW']) });
    expect(await snapshot()).toEqual(before);
  });

  test('403 forbidden when the roles may not send the event or start the process', async () => {
    const before = await snapshot();
    const practitioner = await ApiClient.signIn(server, 'merton.practitioner');
    // The Independent Person reads every dispute (need to know) but does not act at stage 1.
    const reader = await ApiClient.signIn(server, 'merton.independent-person');
    expectError(await reader.sendEvent(caseId, 'UNRESOLVED', { attendees: [] }, before.version), 403, 'forbidden');
    const count = await casesCount();
    expectError(await practitioner.createCase('merton', 'dispute-resolution', { summary: 'x' }), 403, 'forbidden');
    expect(await casesCount()).toBe(count);
    expect(await snapshot()).toEqual(before);
  });

  test('422 validation_failed with JSON Pointers to the fields', async () => {
    const before = await snapshot();
    const res = await partner.sendEvent(caseId, 'UNRESOLVED', { attendees: ['lb-merton', 'the-moon'], meetingDate: '2020-02-30', extra: 1 }, before.version);
    expectError(res, 422, 'validation_failed');
    const paths = res.body.error.details.map((d: { path: string }) => d.path);
    expect(paths).toEqual(expect.arrayContaining(['/attendees/1', '/meetingDate', '/extra']));
    const missing = await partner.sendEvent(caseId, 'UNRESOLVED', {}, before.version);
    expect(missing.body.error.details).toEqual([{ path: '/attendees', message: expect.stringContaining('required') }]);
    const count = await casesCount();
    const badStart = await partner.createCase('merton', 'dispute-resolution', { summary: '' });
    expectError(badStart, 422, 'validation_failed');
    expect(badStart.body.error.details[0].path).toBe('/summary');
    expect(await casesCount()).toBe(count);
    expect(await snapshot()).toEqual(before);
  });

  test('422 guard_rejected with the guard and its message from the config', async () => {
    const before = await snapshot();
    const res = await partner.sendEvent(caseId, 'AGREED', { attendees: ['lb-merton'] }, before.version);
    expectError(res, 422, 'guard_rejected');
    expect(res.body.error.details).toEqual([{ guard: 'quorate', message: expect.stringMatching(/all three statutory partners/), paths: ['/attendees'], dates: [] }]);
    expect(await snapshot()).toEqual(before);
  });

  test('precedence: version conflict before a missing event, a missing event before the roles', async () => {
    const reader = await ApiClient.signIn(server, 'merton.independent-person');
    const { version } = await snapshot();
    expectError(await reader.sendEvent(caseId, 'NOPE', {}, version + 5), 409, 'version_conflict');
    expectError(await reader.sendEvent(caseId, 'NOPE', {}, version), 409, 'event_not_allowed');
    expectError(await reader.sendEvent(caseId, 'AGREED', { attendees: 'not a list' }, version), 403, 'forbidden');
    // Someone who may not read the case (need to know) is told nothing more than "not found".
    const practitioner = await ApiClient.signIn(server, 'merton.practitioner');
    expectError(await practitioner.sendEvent(caseId, 'NOPE', {}, version + 5), 404, 'not_found');
  });

  test('payloads that are too large or too deep are refused without a 500', async () => {
    const big = await partner.request('POST', `/api/cases/${caseId}/events`, { type: 'UNRESOLVED', data: { reason: 'x'.repeat(400_000) }, expectedVersion: 1 });
    expect(big.status).toBe(413);
    expect(big.body.error.code).toBe('payload_too_large');
    const deep = `${'{"a":'.repeat(5000)}{}${'}'.repeat(5000)}`;
    const res = await partner.request('POST', `/api/cases/${caseId}/events`, `{"type":"UNRESOLVED","expectedVersion":1,"data":${deep}}`);
    expectError(res, 400, 'bad_request');
  });
});
