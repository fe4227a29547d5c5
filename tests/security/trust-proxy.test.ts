import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { hashPassword } from '../../server/auth/passwords.ts';
import { PASSWORD_POLICY } from '../../server/auth/password-policy.ts';
import { startServer, StartupError } from '../../server/main.ts';
import { ApiClient, startTestServer, type ApiResponse, type TestServer } from '../support/server.ts';
import { SteppedClock } from './stepped-clock.ts';
import { expectError } from './support.ts';

/**
 * TRUST_PROXY, for a TLS reverse proxy in front: only then are X-Forwarded-For, -Proto and -Host
 * believed, for the address the sign-in throttle counts, for `req.secure` and for the server's own
 * origin. Without it they are a client's say-so, and a forged X-Forwarded-For escapes nothing.
 */
let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const signIn = (s: TestServer, username: string, password: string, headers: Record<string, string>): Promise<ApiResponse> =>
  new ApiClient(s).request('POST', '/api/session', { username, password }, headers);

describe('the address the sign-in throttle counts', () => {
  test('without TRUST_PROXY, forged X-Forwarded-For addresses are all the one real address', async () => {
    const clock = new SteppedClock();
    server = await startTestServer({ maxFailedLogins: 3, signInClock: clock });
    // Different usernames, so only the address's count can slow the 4th.
    for (const [i, username] of ['merton.a', 'merton.b', 'merton.c'].entries()) {
      expectError(await signIn(server, username, 'guess', { 'x-forwarded-for': `203.0.113.${i + 1}` }), 401, 'unauthenticated');
    }
    const fourth = signIn(server, 'merton.d', 'guess', { 'x-forwarded-for': '198.51.100.99' });
    await clock.whenSlowed(1);
    clock.advance(1_000);
    const res = await fourth;
    expectError(res, 429, 'too_many_requests');
    expect(res.body.error.message).toMatch(/from this address/);
  });

  test('with TRUST_PROXY naming the proxy, each client behind it has its own count', async () => {
    const clock = new SteppedClock();
    server = await startTestServer({ maxFailedLogins: 3, signInClock: clock, trustProxy: 'loopback' });
    const from = (address: string) => ({ 'x-forwarded-for': address });
    for (const username of ['merton.a', 'merton.b', 'merton.c']) expectError(await signIn(server, username, 'guess', from('203.0.113.1')), 401, 'unauthenticated');
    // Another client of the same proxy is not slowed by the first one's failures...
    expectError(await signIn(server, 'merton.d', 'guess', from('198.51.100.2')), 401, 'unauthenticated');
    expect((await signIn(server, 'merton.business-unit', 'demo', from('198.51.100.2'))).status).toBe(200);
    expect(clock.slowed).toBe(0);
    // ...while the first one is, whatever it puts before the proxy's own entry.
    const slowed = signIn(server, 'merton.e', 'guess', { 'x-forwarded-for': '10.9.9.9, 203.0.113.1' });
    await clock.whenSlowed(1);
    clock.advance(1_000);
    expectError(await slowed, 429, 'too_many_requests');
  });
});

describe('behind a TLS proxy in production', () => {
  let dir: string;
  let usersFile: string;
  const PASSWORD = 'a long passphrase for the proxy tests';
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'trust-proxy-test-'));
    usersFile = join(dir, 'users.json');
    const passwordHash = await hashPassword(PASSWORD);
    writeFileSync(usersFile, JSON.stringify([{ username: 'j.smith', partnership: 'merton', roles: ['statutory-partner'], passwordHash, passwordPolicy: PASSWORD_POLICY }]));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  async function production(trustProxy: string | undefined, log: string[]) {
    return startServer({ port: 0, production: true, usersFile, trustProxy, databaseUrl: `sqlite:${join(dir, 'db.sqlite')}`, log: (line) => log.push(line) });
  }
  const viaProxy = { 'x-forwarded-proto': 'https', 'x-forwarded-host': 'lscp.example.org', 'x-forwarded-for': '198.51.100.7' };

  test('with TRUST_PROXY the request counts as HTTPS and the public host as its own origin', async () => {
    const log: string[] = [];
    const running = await production('127.0.0.1', log);
    try {
      const client = new ApiClient(running);
      expect((await client.request('POST', '/api/session', { username: 'j.smith', password: PASSWORD }, viaProxy)).status).toBe(200);
      // The browser's Origin is the public address, which the proxy passes on as X-Forwarded-Host.
      const created = await client.request('POST', '/api/partnerships/merton/processes/dispute-resolution/cases', { data: { summary: 'Through the proxy' } }, { ...viaProxy, origin: 'https://lscp.example.org' });
      expect(created.status).toBe(201);
      expect(log.filter((line) => line.startsWith('warning'))).toEqual([]);
    } finally {
      await running.close();
    }
  });

  test("without TRUST_PROXY the proxy's headers are ignored: the operator is warned once, and its public origin is another site", async () => {
    const log: string[] = [];
    const running = await production(undefined, log);
    try {
      const client = new ApiClient(running);
      expect((await client.request('POST', '/api/session', { username: 'j.smith', password: PASSWORD }, viaProxy)).status).toBe(200);
      expect((await new ApiClient(running).request('POST', '/api/session', { username: 'j.smith', password: PASSWORD }, viaProxy)).status).toBe(200);
      expect(log.filter((line) => line.startsWith('warning'))).toEqual([expect.stringMatching(/X-Forwarded-Proto.*set TRUST_PROXY/)]);
      const created = await client.request('POST', '/api/partnerships/merton/processes/dispute-resolution/cases', { data: { summary: 'Through the proxy' } }, { ...viaProxy, origin: 'https://lscp.example.org' });
      expectError(created, 403, 'forbidden');
    } finally {
      await running.close();
    }
  });
});

describe('the setting', () => {
  test('TRUST_PROXY=true and addresses that are not addresses are refused at start-up, saying what to write', async () => {
    for (const value of ['true', 'proxy.example.org', '10.0.0.0/33', '127.0.0.1,']) {
      const started = startServer({ port: 0, demo: true, trustProxy: value, databaseUrl: `sqlite:${join(tmpdir(), 'trust-proxy-never-opened.sqlite')}` });
      await expect(started, value).rejects.toThrow(StartupError);
      await expect(started, value).rejects.toThrow(/number of proxies in front \(TRUST_PROXY=1\)/);
    }
  });
});
