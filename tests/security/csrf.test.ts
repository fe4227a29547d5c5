import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { openApiDocument } from '../../server/http/openapi.ts';
import { ApiClient, startTestServer, type TestServer } from '../support/server.ts';
import { expectError, storedCounts } from './support.ts';

/**
 * Cross-site request forgery: every cookie-authenticated write, taken from the published API
 * description so that a new write route is covered the day it is documented, is refused without
 * the session's own X-CSRF-Token, or when the browser says it comes from another site; and a
 * refused write stores nothing.
 */
let server: TestServer;
let partner: ApiClient;
let caseId: string;

beforeAll(async () => {
  server = await startTestServer({ now: '2020-10-01' });
  partner = await ApiClient.signIn(server, 'merton.statutory-partner');
  caseId = (await partner.createCase('merton', 'dispute-resolution', { summary: 'CSRF target' })).body.id;
});
afterAll(() => server.close());

interface Write {
  method: string;
  path: string;
  body: unknown;
}

/** Every write in the OpenAPI document but the sign-in itself, with real ids and a body that would succeed. */
function writes(): Write[] {
  const bodies: Record<string, unknown> = {
    'POST /api/partnerships/{p}/processes/{proc}/cases': { data: { summary: 'Forged dispute' } },
    'POST /api/cases/{id}/events': { type: 'UNRESOLVED', data: { attendees: ['lb-merton'] }, expectedVersion: 1 },
    'POST /api/partnerships/{p}/processes/{proc}/cases/check': { data: { summary: 'Forged dispute' } },
    'POST /api/cases/{id}/events/check': { type: 'UNRESOLVED', data: { attendees: ['lb-merton'] }, expectedVersion: 1 },
    'DELETE /api/session': undefined,
    'POST /api/notifications/read': undefined,
    'POST /api/notifications/{id}/read': undefined,
    'POST /api/partnerships/{p}/configuration/processes/{proc}/check': { content: 'id: dispute-resolution' },
    'POST /api/partnerships/{p}/configuration/processes/{proc}/publish': { content: 'id: dispute-resolution', basedOn: 1 },
  };
  const found: Write[] = [];
  for (const [template, operations] of Object.entries(openApiDocument.paths)) {
    for (const method of Object.keys(operations).map((m) => m.toUpperCase())) {
      if (method === 'GET' || method === 'HEAD' || (method === 'POST' && template === '/api/session')) continue;
      const key = `${method} ${template}`;
      if (!(key in bodies)) throw new Error(`${key} is a write this test does not know yet: add a body for it`);
      const path = template.replace('{p}', 'merton').replace('{proc}', 'dispute-resolution').replace('{id}', caseId);
      found.push({ method, path, body: bodies[key] });
    }
  }
  return found;
}

describe('CSRF on every cookie-authenticated write', () => {
  test('the writes come from the API description', () => {
    expect(writes().map((w) => `${w.method} ${w.path.replace(caseId, ':id')}`).sort()).toEqual([
      'DELETE /api/session',
      'POST /api/cases/:id/events',
      'POST /api/cases/:id/events/check',
      'POST /api/notifications/:id/read',
      'POST /api/notifications/read',
      'POST /api/partnerships/merton/configuration/processes/dispute-resolution/check',
      'POST /api/partnerships/merton/configuration/processes/dispute-resolution/publish',
      'POST /api/partnerships/merton/processes/dispute-resolution/cases',
      'POST /api/partnerships/merton/processes/dispute-resolution/cases/check',
    ]);
  });

  test('without the token, with a wrong one, or with another session\'s: 403, and nothing stored', async () => {
    const other = await ApiClient.signIn(server, 'merton.statutory-partner');
    const before = await storedCounts(server.databaseUrl);
    for (const write of writes()) {
      const tokens: [string, Record<string, string>][] = [
        ['none', { 'x-csrf-token': '' }],
        ['absent', {}],
        ['wrong', { 'x-csrf-token': partner.csrfToken.replace(/^./, (c) => (c === 'A' ? 'B' : 'A')) }],
        ['another session\'s', { 'x-csrf-token': other.csrfToken }],
        ['the cookie value', { 'x-csrf-token': partner.cookie.replace(/^sid=/, '') }],
      ];
      for (const [label, headers] of tokens) {
        // A client without the token: the ApiClient would add the right one unless told otherwise.
        const client = new ApiClient(server);
        client.cookie = partner.cookie;
        const res = await client.request(write.method, write.path, write.body, headers);
        expectError(res, 403, 'forbidden');
        expect(res.body.error.message, `${write.method} ${write.path} with ${label} token`).toMatch(/CSRF/);
      }
    }
    expect(await storedCounts(server.databaseUrl)).toEqual(before);
    // The session survived every forged sign-out.
    expect((await partner.get('/api/session')).status).toBe(200);
  });

  test('a write whose Origin is another site is refused even with the right token; the own origin is accepted', async () => {
    const before = await storedCounts(server.databaseUrl);
    for (const write of writes()) {
      for (const origin of ['https://evil.example', 'null', `${server.url.replace('127.0.0.1', 'localhost')}`, 'http://127.0.0.1:1']) {
        expectError(await partner.request(write.method, write.path, write.body, { origin }), 403, 'forbidden');
      }
    }
    expect(await storedCounts(server.databaseUrl)).toEqual(before);
    const own = await partner.request('POST', '/api/partnerships/merton/processes/dispute-resolution/cases', { data: { summary: 'From our own page' } }, { origin: server.url });
    expect(own.status).toBe(201);
  });

  test('reads need no token, and the sign-in itself needs none', async () => {
    const client = new ApiClient(server);
    client.cookie = partner.cookie;
    expect((await client.request('GET', `/api/cases/${caseId}`, undefined, {})).status).toBe(200);
    const fresh = await new ApiClient(server).request('POST', '/api/session', { username: 'merton.practitioner', password: 'demo' });
    expect(fresh.status).toBe(200);
  });
});
