import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { HashingLimit } from '../../server/auth/hashing.ts';
import { loadCatalogue } from '../../server/config/index.ts';
import { openTestConnection } from '../support/database.ts';
import { ApiClient, startTestServer, type ApiResponse, type TestServer } from '../support/server.ts';
import { SteppedClock } from './stepped-clock.ts';
import { expectError, PROJECT_ROOT } from './support.ts';

/**
 * Sign-in throttling counts failures only, per address and per username: a guessing attacker gets
 * `maxFailedLogins` quick guesses and is then slowed, one guess at a time; an office of colleagues
 * behind one address signs in, all at once; and the right password is slowed, never refused, so an
 * attacker cannot lock the real user out. The throttle's clock is stepped by the tests: a slowed
 * sign-in answers only once the test moves time past its delay.
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

/** A sign-in from `address`, which the server believes because it trusts the proxy on loopback. */
function attempt(s: TestServer, username: string, password: string, address?: string): Promise<ApiResponse> {
  return new ApiClient(s).request('POST', '/api/session', { username, password }, address === undefined ? {} : { 'x-forwarded-for': address });
}

/** Counts the passwords the server checks. */
class CountingHashing extends HashingLimit {
  checks = 0;
  override run<T>(work: () => Promise<T>): Promise<T> {
    this.checks++;
    return super.run(work);
  }
}

/**
 * Whether a sign-in is answered at full speed: its answer, or `slowed` once the throttle makes it
 * wait (the stepped clock never moves here, so a slowed one would otherwise wait for ever).
 */
async function unslowed(clock: SteppedClock, request: Promise<ApiResponse>): Promise<ApiResponse | 'slowed'> {
  return Promise.race([request, clock.whenSlowed(1).then(() => 'slowed' as const)]);
}

/** The throttle's stored counts (one row per address or username that has failed), read as an operator would. */
async function storedFailures(s: TestServer): Promise<{ kind: string; key_hash: string; failures: number; reset_at: number }[]> {
  const db = await openTestConnection(s.databaseUrl);
  try {
    return await db.all('SELECT * FROM sign_in_failures ORDER BY kind, key_hash');
  } finally {
    await db.close();
  }
}

/**
 * A server (maxFailedLogins 5, trusting the proxy on loopback) where one username has failed 5 times,
 * each from another address: only the username's count is at its limit.
 */
async function usernameAtLimit(): Promise<{ at: TestServer; clock: SteppedClock; target: string }> {
  const clock = new SteppedClock();
  const at = await startTestServer({ maxFailedLogins: 5, signInClock: clock, trustProxy: 'loopback' });
  server = at;
  const target = 'merton.statutory-partner';
  for (let i = 1; i <= 5; i++) expectError(await attempt(at, target, `guess ${i}`, `203.0.113.${i}`), 401, 'unauthenticated');
  return { at, clock, target };
}

/** Tracks whether a request has been answered yet. */
function pending(request: Promise<ApiResponse>): { answered: () => boolean; response: Promise<ApiResponse> } {
  let answered = false;
  const response = request.then((res) => {
    answered = true;
    return res;
  });
  return { answered: () => answered, response };
}

describe('failed sign-ins from one address', () => {
  test('the 6th failure with maxFailedLogins 5 is 429 after a delay; the right password then gets in, slowed, not refused', async () => {
    const clock = new SteppedClock();
    server = await startTestServer({ maxFailedLogins: 5, signInClock: clock });
    for (let i = 1; i <= 5; i++) expectError(await attempt(server, 'merton.statutory-partner', `guess ${i}`), 401, 'unauthenticated');

    const sixth = pending(attempt(server, 'merton.statutory-partner', 'guess 6'));
    await clock.whenSlowed(1);
    expect(sixth.answered()).toBe(false);
    clock.advance(1_000);
    const refused = await sixth.response;
    expectError(refused, 429, 'too_many_requests');
    expect(refused.body.error.message).toMatch(/from this address/);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(800); // until the window of about 15 minutes ends

    // The right password waits longer (the delay doubles with each failure), then signs in.
    const right = pending(attempt(server, 'merton.statutory-partner', 'demo'));
    await clock.whenSlowed(1);
    clock.advance(1_000);
    expect(right.answered()).toBe(false);
    clock.advance(1_000);
    expect((await right.response).status).toBe(200);

    // An unknown username is slowed and refused exactly like a wrong password: nothing says which names exist.
    const unknown = pending(attempt(server, 'merton.nobody', 'demo'));
    await clock.whenSlowed(1);
    clock.advance(30_000);
    const unknownAnswer = await unknown.response;
    expectError(unknownAnswer, 429, 'too_many_requests');
    expect(unknownAnswer.body).toEqual(refused.body);

    // Once the window is over the failures are forgotten: a typo is a plain 401 again, at once.
    clock.advance(15 * 60_000);
    expectError(await attempt(server, 'merton.statutory-partner', 'typo'), 401, 'unauthenticated');
    expect(clock.slowed).toBe(0);
  });

  test('a burst of 30 simultaneous guesses checks only maxFailedLogins passwords', async () => {
    const hashing = new CountingHashing();
    const clock = new SteppedClock();
    server = await startTestServer({ maxFailedLogins: 5, signInClock: clock, passwordHashing: hashing });
    const results = await Promise.all(Array.from({ length: 30 }, (_, i) => attempt(server!, 'merton.statutory-partner', `burst ${i}`)));
    expect(results.filter((r) => r.status === 401)).toHaveLength(5);
    expect(results.filter((r) => r.status === 429)).toHaveLength(25);
    expect(hashing.checks).toBe(5);
    expect(clock.slowed).toBe(0);
  });

  test('a throttled address gets one slowed attempt at a time; more sent meanwhile are refused unchecked', async () => {
    const hashing = new CountingHashing();
    const clock = new SteppedClock();
    server = await startTestServer({ maxFailedLogins: 2, signInClock: clock, passwordHashing: hashing });
    for (const guess of ['one', 'two']) expectError(await attempt(server, 'merton.business-unit', guess), 401, 'unauthenticated');
    const slowed = pending(attempt(server, 'merton.business-unit', 'three'));
    await clock.whenSlowed(1);
    const meanwhile = await Promise.all(['four', 'five', 'demo'].map((guess) => attempt(server!, 'merton.business-unit', guess)));
    for (const res of meanwhile) expectError(res, 429, 'too_many_requests');
    expect(hashing.checks).toBe(2);
    clock.advance(1_000);
    expectError(await slowed.response, 429, 'too_many_requests');
    expect(hashing.checks).toBe(3);
  });
});

describe('failed sign-ins against one username from many addresses', () => {
  test('guesses spread over addresses are slowed once the username has failed maxFailedLogins times, but the real user is never refused', async () => {
    const { at, clock, target } = await usernameAtLimit();

    // A 6th guess from a fresh address is slowed by the username's count, then refused.
    const sixth = pending(attempt(at, target, 'guess 6', '203.0.113.6'));
    await clock.whenSlowed(1);
    expect(sixth.answered()).toBe(false);
    clock.advance(1_000);
    const refused = await sixth.response;
    expectError(refused, 429, 'too_many_requests');
    expect(refused.body.error.message).toMatch(/for this username/);

    // Twenty more guesses at once from twenty addresses, and the real user from the office among them:
    // every one is slowed, none refused, and the real user signs in.
    const guesses = Array.from({ length: 20 }, (_, i) => attempt(at, target, `spray ${i}`, `198.51.100.${i + 1}`));
    const user = attempt(at, target, 'demo', '192.0.2.10');
    await clock.whenSlowed(21);
    clock.advance(30_000);
    expect((await user).status).toBe(200);
    for (const res of await Promise.all(guesses)) expectError(res, 429, 'too_many_requests');

    // The attacker's addresses can still sign in as other people at full speed.
    expect((await attempt(at, 'merton.business-unit', 'demo', '203.0.113.1')).status).toBe(200);
    expect(clock.slowed).toBe(0);
  });

  test('an unknown username is counted like a known one, so the answers do not tell which exist', async () => {
    const clock = new SteppedClock();
    server = await startTestServer({ maxFailedLogins: 3, signInClock: clock, trustProxy: 'loopback' });
    const answers: Record<string, ApiResponse[]> = {};
    for (const username of ['merton.statutory-partner', 'merton.nobody']) {
      answers[username] = [];
      for (let i = 1; i <= 3; i++) answers[username].push(await attempt(server, username, `guess ${i}`, `203.0.113.${i}`));
      const slowed = attempt(server, username, 'guess 4', '203.0.113.4');
      await clock.whenSlowed(1);
      clock.advance(1_000);
      answers[username].push(await slowed);
    }
    const shape = (list: ApiResponse[]) => list.map((r) => [r.status, r.body]);
    expect(shape(answers['merton.nobody']!)).toEqual(shape(answers['merton.statutory-partner']!));
    expect(answers['merton.nobody']!.map((r) => r.status)).toEqual([401, 401, 401, 429]);
  });
});

describe('successful sign-ins are never limited', () => {
  test(`${everyone.length * 2} sign-ins as ${everyone.length} different people, some at once, with a few typos between`, async () => {
    const clock = new SteppedClock();
    server = await startTestServer({ maxFailedLogins: 5, signInClock: clock });
    expect(everyone.length).toBeGreaterThan(12);
    // The README quotes this run's figures, which follow from the configuration's roles.
    expect(readFileSync(join(PROJECT_ROOT, 'README.md'), 'utf8').replace(/\s+/g, ' ')).toContain(`${everyone.length * 2} sign-ins as ${everyone.length} different people`);
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
    expect(clock.slowed).toBe(0);
    // The successes did not use up the allowance: exactly one more failure is allowed, then the next is slowed.
    expectError(await attempt(server, 'merton.statutory-partner', 'typo'), 401, 'unauthenticated');
    const slowed = attempt(server, 'merton.statutory-partner', 'typo');
    await clock.whenSlowed(1);
    clock.advance(1_000);
    expectError(await slowed, 429, 'too_many_requests');
  });
});

/** A dozen real password checks and a restart or two: on two busy cores that can outlast the default 30 s. */
const SIGN_INS_TIMEOUT = 120_000;

describe('failures are counted in the database, and forgotten', () => {
  test('once the window is over, a username that had the maximum failures signs in at full speed and has its whole allowance again', async () => {
    const { at, clock, target } = await usernameAtLimit();
    // At the maximum: even the right password, from an address that never failed, is slowed.
    const slowedRight = attempt(at, target, 'demo', '192.0.2.10');
    expect(await unslowed(clock, slowedRight)).toBe('slowed');
    clock.advance(1_000);
    expect((await slowedRight).status).toBe(200);

    // A quarter of an hour after the first failure they are forgotten: the right password at once...
    clock.advance(15 * 60_000);
    const right = await unslowed(clock, attempt(at, target, 'demo', '192.0.2.11'));
    expect(right).not.toBe('slowed');
    expect((right as ApiResponse).status).toBe(200);
    // ...and the count starts again from nothing: five typos are plain 401s, and only the sixth is slowed.
    for (let i = 1; i <= 5; i++) {
      const typo = await unslowed(clock, attempt(at, target, `typo ${i}`, `198.51.100.${i}`));
      expect(typo === 'slowed' ? typo : typo.status, `typo ${i}`).toBe(401);
    }
    const sixth = attempt(at, target, 'typo 6', '198.51.100.6');
    expect(await unslowed(clock, sixth)).toBe('slowed');
    clock.advance(1_000);
    expectError(await sixth, 429, 'too_many_requests');
  }, SIGN_INS_TIMEOUT);

  test('a restart forgets no failure; the counts whose window is over are deleted at start-up, and none holds an address or username', async () => {
    const clock = new SteppedClock();
    server = await startTestServer({ maxFailedLogins: 3, signInClock: clock });
    for (let i = 1; i <= 3; i++) expectError(await attempt(server, 'merton.business-unit', `guess ${i}`), 401, 'unauthenticated');
    const stored = await storedFailures(server);
    expect(stored.map((r) => [r.kind, r.failures])).toEqual([
      ['address', 3],
      ['username', 3],
    ]);
    expect(JSON.stringify(stored)).not.toMatch(/business-unit|127\.0\.0\.1/);

    await server.restart();
    const fourth = pending(attempt(server, 'merton.business-unit', 'guess 4'));
    await clock.whenSlowed(1);
    clock.advance(1_000);
    const refused = await fourth.response;
    expectError(refused, 429, 'too_many_requests');
    expect(refused.body.error.message).toMatch(/from this address/);

    clock.advance(15 * 60_000);
    await server.restart();
    expect(await storedFailures(server)).toEqual([]);
    const typo = await unslowed(clock, attempt(server, 'merton.business-unit', 'typo'));
    expect(typo === 'slowed' ? typo : typo.status).toBe(401);
  }, SIGN_INS_TIMEOUT);
});
