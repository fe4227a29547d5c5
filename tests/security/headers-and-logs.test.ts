import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ApiClient, startTestServer, type TestServer } from '../support/server.ts';

/**
 * What the browser is told (security headers, a Content-Security-Policy, that no API answer may be
 * cached) and what the operator's log keeps: methods, paths, statuses and times, never form data,
 * query strings, passwords or tokens.
 */
let server: TestServer;
const logs: string[] = [];

beforeAll(async () => {
  server = await startTestServer({ now: '2020-10-01', log: (line) => logs.push(line) });
});
afterAll(() => server.close());

function directives(csp: string): Map<string, string[]> {
  return new Map(
    csp
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .filter((parts) => parts[0] !== '')
      .map(([name, ...values]) => [name!, values]),
  );
}

describe('security headers', () => {
  test('every kind of answer carries a strict Content-Security-Policy and the helmet headers', async () => {
    const client = await ApiClient.signIn(server, 'merton.statutory-partner');
    const answers = [
      await client.get('/api/partnerships'), // JSON
      await new ApiClient(server).get('/api/cases'), // an error
      await client.get('/api/openapi.json'), // public
      await client.request('GET', '/api/partnerships/merton/escalation-log', undefined, { accept: 'text/csv' }), // CSV
      await new ApiClient(server).get('/'), // the client's page (or its 404 when not built)
    ];
    for (const res of answers) {
      const csp = directives(res.headers.get('content-security-policy') ?? '');
      expect(csp.get('default-src')).toEqual(["'self'"]);
      // No inline or eval'd script: an injected <script> or onclick= does not run.
      expect(csp.get('script-src')).toEqual(["'self'"]);
      expect(csp.get('script-src-attr')).toEqual(["'none'"]);
      expect(csp.get('object-src')).toEqual(["'none'"]);
      expect(csp.get('base-uri')).toEqual(["'self'"]);
      expect(csp.get('form-action')).toEqual(["'self'"]);
      // Styles and fonts only from the client's own files: no inline styles, no other https: origin.
      expect(csp.get('style-src')).toEqual(["'self'"]);
      expect(csp.get('font-src')).toEqual(["'self'"]);
      expect(['self', 'none'].map((v) => `'${v}'`)).toContain(csp.get('frame-ancestors')?.[0]);
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('x-frame-options')).toMatch(/^(SAMEORIGIN|DENY)$/);
      expect(res.headers.get('referrer-policy')).toBe('no-referrer');
      // Not behind TLS (demo mode): no HSTS or upgrading, which would point browsers at an https:// that is not there.
      expect(res.headers.get('strict-transport-security')).toBeNull();
      expect(csp.has('upgrade-insecure-requests')).toBe(false);
      expect(res.headers.get('cross-origin-opener-policy')).toBe('same-origin');
      expect(res.headers.get('x-powered-by')).toBeNull();
    }
  });
});

describe('caching', () => {
  test('no /api answer may be stored by a browser or proxy: cases, errors, 401s, the sign-in, sign-out, CSV', async () => {
    const client = await ApiClient.signIn(server, 'merton.statutory-partner');
    const anonymous = new ApiClient(server);
    const answers = {
      list: await client.get('/api/cases'),
      created: await client.createCase('merton', 'dispute-resolution', { summary: 'Cached nowhere' }),
      session: await client.get('/api/session'),
      csv: await client.request('GET', '/api/partnerships/merton/escalation-log', undefined, { accept: 'text/csv' }),
      openapi: await anonymous.get('/api/openapi.json'),
      unauthenticated: await anonymous.get('/api/cases/anything'),
      badSignIn: await anonymous.request('POST', '/api/session', { username: 'merton.statutory-partner', password: 'wrong' }),
      notJson: await client.request('POST', '/api/partnerships/merton/processes/dispute-resolution/cases', '{"data":'),
      forbidden: await anonymous.request('DELETE', '/api/session', undefined, { origin: 'https://elsewhere.example' }),
      notFound: await client.get('/api/no-such-thing'),
      badEscape: await client.get('/api/cases/%E0%A4'),
      signedIn: await anonymous.request('POST', '/api/session', { username: 'merton.business-unit', password: 'demo' }),
      signedOut: await client.request('DELETE', '/api/session'),
    };
    const statuses = Object.fromEntries(Object.entries(answers).map(([name, res]) => [name, res.status]));
    expect(statuses).toEqual({ list: 200, created: 201, session: 200, csv: 200, openapi: 200, unauthenticated: 401, badSignIn: 401, notJson: 400, forbidden: 403, notFound: 404, badEscape: 400, signedIn: 200, signedOut: 204 });
    for (const [name, res] of Object.entries(answers)) expect(res.headers.get('cache-control'), name).toBe('no-store');
  });
});

describe('logs', () => {
  test('no form data, query string, password, token or cookie reaches the log', async () => {
    logs.length = 0;
    const secret = 'Zebra-7431 Jane Doe, born 4 March 2015';
    const password = 'Correct-Horse-Battery-9';
    const partner = await ApiClient.signIn(server, 'merton.statutory-partner');
    // Start, move and fail with the distinctive text in every place a person might type it.
    const created = await partner.createCase('merton', 'dispute-resolution', { summary: secret });
    expect(created.status).toBe(201);
    expect((await partner.sendEvent(created.body.id, 'UNRESOLVED', { attendees: ['lb-merton'], reason: secret }, 1)).status).toBe(200);
    expect((await partner.sendEvent(created.body.id, 'UNRESOLVED', { attendees: [secret] }, 2)).status).toBe(403);
    const refused = await partner.createCase('merton', 'dispute-resolution', { summary: secret, [secret]: secret });
    expect(refused.status).toBe(422);
    await partner.request('POST', `/api/cases/${created.body.id}/events`, `{"type":"${secret}",`);
    await partner.get(`/api/cases?state=${encodeURIComponent(secret)}&process=${encodeURIComponent(secret)}`);
    await partner.request('GET', `/api/partnerships/merton/escalation-log?from=2020-01-01`, undefined, { accept: 'text/csv' });
    await new ApiClient(server).request('POST', '/api/session', { username: secret, password });
    await new ApiClient(server).request('POST', '/api/session', { username: 'merton.statutory-partner', password });

    expect(logs.length).toBeGreaterThanOrEqual(8);
    // The log is useful: it says what happened, by method, path and status.
    expect(logs).toContainEqual(expect.stringMatching(new RegExp(`^POST /api/cases/${created.body.id}/events 200 \\d+\\.\\dms$`)));
    const forbidden = [secret, 'Zebra-7431', 'Jane Doe', encodeURIComponent(secret), password, partner.csrfToken, partner.cookie.replace(/^sid=/, ''), 'lb-merton'];
    for (const line of logs) {
      for (const text of forbidden) expect(line).not.toContain(text);
      expect(line).not.toContain('?');
    }
  });
});
