import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { trustProxySetting } from '../../server/http/app.ts';
import { MAX_DEPTH } from '../../server/http/body.ts';
import { ApiClient, startTestServer, type TestServer } from '../support/server.ts';

/**
 * The edges of what a request may be, each at the value that is just allowed and the one just past it:
 * the proxy setting, the body's type, charset, shape and depth, the session cookie's length, and the
 * Origin a read or a write may come from.
 */
describe('TRUST_PROXY', () => {
  test('nothing, false, a number of proxies, or their names, addresses and subnets', () => {
    expect(trustProxySetting(undefined)).toBe(false);
    expect(trustProxySetting('  ')).toBe(false);
    expect(trustProxySetting('false')).toBe(false);
    expect(trustProxySetting(' 2 ')).toBe(2);
    expect(trustProxySetting('loopback, 10.0.0.0/8 ,fd00::/8')).toEqual(['loopback', '10.0.0.0/8', 'fd00::/8']);
    expect(trustProxySetting('127.0.0.1,linklocal,uniquelocal')).toEqual(['127.0.0.1', 'linklocal', 'uniquelocal']);
    expect(trustProxySetting('10.0.0.0/32,::1/128,::/0')).toEqual(['10.0.0.0/32', '::1/128', '::/0']);
  });

  test('true, a name it does not know, or a subnet past its family, refused naming what to fix', () => {
    expect(() => trustProxySetting('true')).toThrow(/^TRUST_PROXY "true" is not understood \(true would trust anyone's X-Forwarded-For\); give the number of proxies/);
    expect(() => trustProxySetting('loopback,proxy.example')).toThrow(/^TRUST_PROXY "loopback,proxy.example" is not understood: proxy.example; /);
    expect(() => trustProxySetting('10.0.0.0/33')).toThrow(/: 10\.0\.0\.0\/33;/);
    expect(() => trustProxySetting('::1/129')).toThrow(/: ::1\/129;/);
    expect(() => trustProxySetting('10.0.0.0/8/1, 10.0.0.0/x')).toThrow(/: 10\.0\.0\.0\/8\/1, 10\.0\.0\.0\/x;/);
    expect(() => trustProxySetting('1.5')).toThrow(/: 1\.5;/);
  });
});

describe('bodies, cookies and origins', () => {
  let server: TestServer;
  let partner: ApiClient;
  let caseId: string;
  beforeAll(async () => {
    server = await startTestServer({ now: '2026-03-02' });
    partner = await ApiClient.signIn(server, 'merton.statutory-partner');
    caseId = (await partner.createCase('merton', 'dispute-resolution', { summary: 'Edges' })).body.id;
  });
  afterAll(() => server.close());

  const check = (body: string, contentType = 'application/json') =>
    partner.request('POST', `/api/cases/${caseId}/events/check`, body, { 'content-type': contentType });
  const nested = (depth: number) => {
    let value: unknown = 'x';
    // The body itself is one level: depth - 1 more inside it.
    for (let i = 1; i < depth; i++) value = { a: value };
    return JSON.stringify({ type: 'AGREED', data: {}, extra: value });
  };

  test('JSON with a UTF-8 charset, however written, is read; another charset is 415; another type is 400', async () => {
    const event = JSON.stringify({ type: 'UNRESOLVED', data: { attendees: ['lb-merton'] } });
    expect((await check(event)).status).toBe(200);
    expect((await check(event, 'application/json; charset=UTF-8')).status).toBe(200);
    expect((await check(event, 'application/json;charset="utf-8"')).status).toBe(200);
    const latin = await check(event, 'application/json; charset=latin1');
    expect(latin.status).toBe(415);
    expect(latin.body.error.code).toBe('unsupported_media_type');
    const text = await check(event, 'text/plain');
    expect(text.status).toBe(400);
    expect(text.body.error.message).toBe('Send the body as JSON with Content-Type: application/json');
  });

  test('the body must be an object, nested no deeper than the limit', async () => {
    for (const body of ['[]', '[1]']) expect((await check(body)).body.error, body).toEqual({ code: 'bad_request', message: 'The body must be a JSON object' });
    expect((await check('"text"')).status).toBe(400);
    const deepest = await check(nested(MAX_DEPTH));
    expect(deepest.body.error?.message ?? '').not.toMatch(/nests deeper/);
    const deeper = await check(nested(MAX_DEPTH + 1));
    expect(deeper.body.error).toEqual({ code: 'bad_request', message: `The body nests deeper than ${MAX_DEPTH} levels` });
  });

  test('a session cookie too long or empty is no session; a valid one is', async () => {
    const withCookie = (value: string) => fetch(`${server.url}/api/session`, { headers: { cookie: `sid=${value}` } });
    expect((await withCookie('')).status).toBe(401);
    expect((await withCookie('a'.repeat(200))).status).toBe(401);
    expect((await withCookie('a'.repeat(199))).status).toBe(401);
    expect((await fetch(`${server.url}/api/session`, { headers: { cookie: partner.cookie } })).status).toBe(200);
  });

  test('another site may not write, but what it reads is judged by the session alone; a write from this origin is accepted', async () => {
    const headers = (origin: string) => ({ cookie: partner.cookie, origin });
    expect((await fetch(`${server.url}/api/cases/${caseId}`, { headers: headers('https://elsewhere.example') })).status).toBe(200);
    expect((await fetch(`${server.url}/api/cases/${caseId}`, { method: 'HEAD', headers: headers('https://elsewhere.example') })).status).toBe(200);
    const foreign = await partner.request('POST', `/api/cases/${caseId}/events/check`, { type: 'UNRESOLVED', data: { attendees: ['lb-merton'] } }, { origin: 'https://elsewhere.example' });
    expect(foreign.status).toBe(403);
    expect(foreign.body.error.message).toBe('Writes from https://elsewhere.example are not accepted');
    expect((await partner.request('POST', `/api/cases/${caseId}/events/check`, { type: 'UNRESOLVED', data: { attendees: ['lb-merton'] } }, { origin: 'not a url' })).status).toBe(403);
    const own = await partner.request('POST', `/api/cases/${caseId}/events/check`, { type: 'UNRESOLVED', data: { attendees: ['lb-merton'] } }, { origin: server.url });
    expect(own.status).toBe(200);
  });
});
