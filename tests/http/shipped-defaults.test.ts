import { afterEach, describe, expect, test } from 'vitest';
import { SteppedClock } from '../security/stepped-clock.ts';
import { expectError } from '../security/support.ts';
import { openTestConnection } from '../support/database.ts';
import { ApiClient, startTestServer, type ApiResponse, type TestServer } from '../support/server.ts';

/**
 * The server as it ships: started WITHOUT a throttle limit or a session policy of the test's own,
 * only with clocks the test steps, so no test sleeps. The figures are the shipped ones, written
 * out here rather than imported, so a change of default shows up as a failing test:
 *
 * - sign-in: 10 failures per address (or username) in 15 minutes at full speed; then one attempt at
 *   a time waits 1 s, doubling with each further failure;
 * - sessions (README, "Production"): "end after 30 idle minutes or 12 hours".
 */
const SHIPPED_MAX_FAILURES = 10;
const MINUTE = 60_000;
const IDLE_MS = 30 * MINUTE;
const ABSOLUTE_MS = 12 * 60 * MINUTE;

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** The sessions' clock, stepped by the test. */
function sessionClock() {
  let now = Date.UTC(2026, 10, 23, 9);
  return { now: () => now, advance: (ms: number) => void (now += ms) };
}

const signIn = (s: TestServer, password: string): Promise<ApiResponse> =>
  new ApiClient(s).request('POST', '/api/session', { username: 'merton.statutory-partner', password });

describe('the shipped sign-in throttle', () => {
  test(`the ${SHIPPED_MAX_FAILURES}th failure from one address is answered at once, the next waits 1 s, the one after 2 s; all are forgotten 15 minutes on`, async () => {
    const clock = new SteppedClock();
    server = await startTestServer({ signInClock: clock });
    for (let i = 1; i <= SHIPPED_MAX_FAILURES; i++) {
      // The stepped clock never moves here: a slowed attempt would be "slowed", never answered.
      const answer = await Promise.race([signIn(server, `guess ${i}`), clock.whenSlowed(1).then(() => 'slowed' as const)]);
      expect(answer === 'slowed' ? answer : answer.status, `failure ${i}`).toBe(401);
    }

    const next = signIn(server, 'one guess too many');
    await clock.whenSlowed(1);
    clock.advance(999);
    expect(clock.slowed).toBe(1);
    clock.advance(1);
    const refused = await next;
    expectError(refused, 429, 'too_many_requests');
    expect(refused.body.error.message).toMatch(/until 15 minutes after the first failure, each attempt from here waits up to 30 seconds/);
    expect(Number(refused.headers.get('retry-after'))).toBe(15 * 60 - 1);

    // The delay doubles: the right password now waits 2 s, and gets in.
    const right = signIn(server, 'demo');
    await clock.whenSlowed(1);
    clock.advance(1_999);
    expect(clock.slowed).toBe(1);
    clock.advance(1);
    expect((await right).status).toBe(200);

    clock.advance(15 * MINUTE);
    const typo = await Promise.race([signIn(server, 'typo'), clock.whenSlowed(1).then(() => 'slowed' as const)]);
    expect(typo === 'slowed' ? typo : typo.status).toBe(401);
  }, 120_000);
});

describe('the shipped session times', () => {
  test('a session idle just under 30 minutes still works; idle just over, it is signed out', async () => {
    const clock = sessionClock();
    server = await startTestServer({ sessionClock: clock.now });
    const person = await ApiClient.signIn(server, 'merton.statutory-partner');
    expect((await person.get('/api/session')).body.lifetime).toEqual({ idleSeconds: IDLE_MS / 1000 - 60, endsInSeconds: ABSOLUTE_MS / 1000 });

    clock.advance(IDLE_MS - 1_000);
    expect((await person.get('/api/cases')).status).toBe(200);
    clock.advance(IDLE_MS + 1_000);
    expectError(await person.get('/api/cases'), 401, 'unauthenticated');
  });

  test('a session in constant use ends 12 hours after sign-in: just under, it works; just over, it is signed out', async () => {
    const clock = sessionClock();
    server = await startTestServer({ sessionClock: clock.now });
    const person = await ApiClient.signIn(server, 'merton.statutory-partner');
    // A request every 25 minutes, never idle for long, until a second before the 12 hours are up.
    let used = 0;
    while (used + 25 * MINUTE < ABSOLUTE_MS) {
      clock.advance(25 * MINUTE);
      used += 25 * MINUTE;
      expect((await person.get('/api/session')).status, `${used / MINUTE} minutes in`).toBe(200);
    }
    clock.advance(ABSOLUTE_MS - 1_000 - used);
    const last = await person.get('/api/session');
    expect(last.status).toBe(200);
    expect(last.body.lifetime.endsInSeconds).toBe(1);
    clock.advance(2_000);
    expectError(await person.get('/api/session'), 401, 'unauthenticated');
  }, 120_000);

  test("the quarter-hour's purge deletes a session idle over 30 minutes that nobody uses again, and failures whose 15 minutes are over", async () => {
    const sessions = sessionClock();
    const throttle = new SteppedClock();
    server = await startTestServer({ sessionClock: sessions.now, signInClock: throttle });
    const idle = await ApiClient.signIn(server, 'merton.statutory-partner');
    const busy = await ApiClient.signIn(server, 'merton.business-unit');
    expect((await signIn(server, 'a wrong guess')).status).toBe(401);
    const stored = async () => {
      const db = await openTestConnection(server!.databaseUrl);
      try {
        const count = async (table: string) => (await db.get<{ n: number }>(`SELECT COUNT(*) AS n FROM ${table}`))!.n;
        return { sessions: await count('sessions'), signInFailures: await count('sign_in_failures') };
      } finally {
        await db.close();
      }
    };
    // One failure is counted twice: once for the address, once for the username.
    expect(await stored()).toEqual({ sessions: 2, signInFailures: 2 });

    sessions.advance(IDLE_MS - MINUTE);
    expect((await busy.get('/api/cases')).status).toBe(200);
    throttle.advance(15 * MINUTE - 1);
    expect(await server.purgeNow()).toEqual({ sessions: 0, signInFailures: 0 });

    sessions.advance(2 * MINUTE);
    throttle.advance(1);
    expect(await server.purgeNow()).toEqual({ sessions: 1, signInFailures: 2 });
    expect(await stored()).toEqual({ sessions: 1, signInFailures: 0 });
    expect((await busy.get('/api/cases')).status).toBe(200);
    expectError(await idle.get('/api/cases'), 401, 'unauthenticated');
  });
});
