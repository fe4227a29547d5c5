import { afterEach, describe, expect, test } from 'vitest';
import { loadCatalogue } from '../../server/config/index.ts';
import { ApiClient, startTestServer, type TestServer } from '../support/server.ts';
import { expectError, PROJECT_ROOT } from './support.ts';

/**
 * Sign-in throttling counts failures only: a guessing attacker is stopped after `maxFailedLogins`
 * wrong passwords, while an office of colleagues behind one address can sign in, all at once.
 */
let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const loaded = loadCatalogue(PROJECT_ROOT);
if (!loaded.ok) throw new Error('configuration');
/** Every demo user of every partnership: the different people of one office. */
const everyone = [...loaded.catalogue.partnerships.values()].flatMap((p) => p.def.roles.map((r) => `${p.def.id}.${r.id}`));

const attempt = (s: TestServer, username: string, password: string) => new ApiClient(s).request('POST', '/api/session', { username, password });

describe('failed sign-ins from one address', () => {
  test('the 6th failure with maxFailedLogins 5 is 429, and then even the right password waits', async () => {
    server = await startTestServer({ maxFailedLogins: 5 });
    for (let i = 1; i <= 5; i++) expectError(await attempt(server, 'merton.statutory-partner', `guess ${i}`), 401, 'unauthenticated');
    const sixth = await attempt(server, 'merton.statutory-partner', 'guess 6');
    expectError(sixth, 429, 'too_many_requests');
    expect(Number(sixth.headers.get('retry-after'))).toBeGreaterThan(800); // about 15 minutes
    expectError(await attempt(server, 'merton.statutory-partner', 'demo'), 429, 'too_many_requests');
    expectError(await attempt(server, 'merton.nobody', 'demo'), 429, 'too_many_requests');
  });

  test('a burst of simultaneous guesses checks at most maxFailedLogins passwords', async () => {
    server = await startTestServer({ maxFailedLogins: 5 });
    const results = await Promise.all(Array.from({ length: 30 }, (_, i) => attempt(server!, 'merton.statutory-partner', `burst ${i}`)));
    expect(results.filter((r) => r.status === 401)).toHaveLength(5);
    expect(results.filter((r) => r.status === 429)).toHaveLength(25);
  });
});

describe('successful sign-ins are never limited', () => {
  test(`${everyone.length * 2} sign-ins as ${everyone.length} different people, some at once, with a few typos between`, async () => {
    server = await startTestServer({ maxFailedLogins: 5 });
    expect(everyone.length).toBeGreaterThan(12);
    let successes = 0;
    // One after another, with four typos (one fewer than the limit) spread among them.
    for (const [i, username] of everyone.entries()) {
      if (i % 5 === 0 && i < 20) expectError(await attempt(server, username, 'typo'), 401, 'unauthenticated');
      const res = await attempt(server, username, 'demo');
      expect(res.status, username).toBe(200);
      successes++;
    }
    // All at once: the morning rush on the office's one address.
    const results = await Promise.all(everyone.map((username) => attempt(server!, username, 'demo')));
    expect(results.map((r) => r.status)).toEqual(everyone.map(() => 200));
    successes += results.length;
    expect(successes).toBe(everyone.length * 2);
    // The successes did not use up the allowance: exactly one more failure is allowed, then 429.
    expectError(await attempt(server, 'merton.statutory-partner', 'typo'), 401, 'unauthenticated');
    expectError(await attempt(server, 'merton.statutory-partner', 'typo'), 429, 'too_many_requests');
  });
});
