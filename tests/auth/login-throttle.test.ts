import { afterEach, beforeEach, expect, test, vi } from 'vitest';
import { LoginThrottle, systemThrottleClock, type Admission, type ThrottleOptions } from '../../server/auth/login-throttle.ts';
import { SignInFailures } from '../../server/store/sign-in-failures.ts';
import { SteppedClock } from '../security/stepped-clock.ts';
import { migratedDatabase, type TestDatabase } from './database.ts';

/**
 * The sign-in throttle on its real store (a SQLite file) and a stepped clock: 3 quick failures per
 * window of a minute, then delays of 1 s doubling up to 8 s, unless a test says otherwise.
 */
const WINDOW = 60_000;
let database: TestDatabase;
let failures: SignInFailures;
let clock: SteppedClock;
let start: number;

beforeEach(async () => {
  database = await migratedDatabase();
  failures = new SignInFailures(database.db);
  clock = new SteppedClock();
  start = clock.now();
});
afterEach(() => database.close());

function throttle(options: Partial<ThrottleOptions> = {}): LoginThrottle {
  return new LoginThrottle({ maxFailures: 3, failures, clock, windowMs: WINDOW, firstDelayMs: 1_000, maxDelayMs: 8_000, ...options });
}

type Admitted = Extract<Admission, { admitted: true }>;

function admitted(admission: Admission): Admitted {
  if (!admission.admitted) throw new Error(`refused, retry after ${admission.retryAfterSeconds} s`);
  return admission;
}

/** An attempt whose password turns out wrong, checked at full speed. */
async function wrong(t: LoginThrottle, address: string, username: string): Promise<void> {
  const attempt = admitted(await t.admit(address, username));
  expect(attempt.slowedBy).toBeUndefined();
  await attempt.settle('wrong');
}

/** Failures another server on the same database counted (the store is shared). */
async function recordedElsewhere(address: string, username: string, times: number, at = clock.now(), windowMs = WINDOW): Promise<void> {
  for (let i = 0; i < times; i++) await failures.record({ address, username }, at, windowMs);
}

function track<T>(promise: Promise<T>): { done: boolean; promise: Promise<T> } {
  const tracked = { done: false, promise };
  void promise.then(() => (tracked.done = true));
  return tracked;
}

const settleEvents = () => new Promise<void>((go) => setImmediate(go));

/** Waits for three of a burst to be let through (whichever read its counts first), and checks the rest stay held. */
async function firstThree<T>(burst: { done: boolean; promise: Promise<T> }[]) {
  await vi.waitFor(() => expect(burst.filter((b) => b.done)).toHaveLength(3), { interval: 1 });
  await new Promise((go) => setTimeout(go, 20));
  expect(burst.filter((b) => b.done)).toHaveLength(3);
  return [burst.filter((b) => b.done), burst.filter((b) => !b.done)] as const;
}

/** Starts an attempt and checks it is held exactly `delayMs` of the clock's time before its password may be checked. */
async function waitsExactly(attempt: Promise<Admission>, delayMs: number): Promise<Admitted> {
  const tracked = track(attempt);
  await clock.whenSlowed();
  clock.advance(delayMs - 1);
  await settleEvents();
  expect(tracked.done).toBe(false);
  clock.advance(1);
  return admitted(await attempt);
}

test('three wrong passwords from one address are checked at full speed; the fourth attempt waits the first delay, and the right password then still gets in', async () => {
  const t = throttle();
  for (const name of ['ann', 'bob', 'cal']) {
    const attempt = admitted(await t.admit('10.0.0.1', name));
    expect(attempt.slowedBy).toBeUndefined();
    expect(attempt.retryAfterSeconds()).toBe(0);
    await attempt.settle('wrong');
  }
  expect(clock.slowed).toBe(0);
  const fourth = await waitsExactly(t.admit('10.0.0.1', 'dee'), 1_000);
  expect(fourth.slowedBy).toBe('address');
  expect(fourth.retryAfterSeconds()).toBe(59);
  await fourth.settle('right');
  // A right password counts nothing: the next attempt waits the same first delay, not twice it.
  const fifth = await waitsExactly(t.admit('10.0.0.1', 'eve'), 1_000);
  expect(fifth.slowedBy).toBe('address');
  await fifth.settle('right');
  expect(await failures.find({ address: '10.0.0.1', username: 'eve' })).toEqual({ address: { failures: 3, resetAt: start + WINDOW } });
});

test('each further wrong password from the address doubles the delay, up to the longest delay', async () => {
  const t = throttle();
  for (const name of ['a', 'b', 'c']) await wrong(t, '10.0.0.2', name);
  for (const [i, delay] of [1_000, 2_000, 4_000, 8_000, 8_000].entries()) {
    const attempt = await waitsExactly(t.admit('10.0.0.2', `slowed-${i}`), delay);
    expect(attempt.slowedBy).toBe('address');
    await attempt.settle('wrong');
  }
  expect((await failures.find({ address: '10.0.0.2', username: '' })).address?.failures).toBe(8);
});

test('a second attempt from an address while its one slowed attempt waits is refused unchecked, told the seconds until the failures are forgotten', async () => {
  const t = throttle();
  for (const name of ['a', 'b', 'c']) await wrong(t, '10.0.0.3', name);
  const slowed = track(t.admit('10.0.0.3', 'd'));
  await clock.whenSlowed();
  expect(await t.admit('10.0.0.3', 'e')).toEqual({ admitted: false, retryAfterSeconds: 60 });
  clock.advance(1_000);
  const first = admitted(await slowed.promise);
  clock.advance(500);
  // Still being checked: another is refused, rounded up to whole seconds (58.5 s left).
  expect(await t.admit('10.0.0.3', 'f')).toEqual({ admitted: false, retryAfterSeconds: 59 });
  expect(clock.slowed).toBe(0);
  await first.settle('wrong');
  // Once it is over, the next attempt is slowed again (twice as long), not refused.
  const next = await waitsExactly(t.admit('10.0.0.3', 'g'), 2_000);
  expect(next.slowedBy).toBe('address');
  await next.settle('unchecked');
});

test('a burst of five from one address has three passwords checked at once; when those three are wrong the other two are refused unchecked', async () => {
  const t = throttle();
  const burst = ['a', 'b', 'c', 'd', 'e'].map((name) => track(t.admit('10.0.0.4', name)));
  const [checked, held] = await firstThree(burst);
  for (const attempt of checked) {
    const a = admitted(await attempt.promise);
    expect(a.slowedBy).toBeUndefined();
    await a.settle('wrong');
  }
  expect(await held[0]!.promise).toEqual({ admitted: false, retryAfterSeconds: 60 });
  expect(await held[1]!.promise).toEqual({ admitted: false, retryAfterSeconds: 60 });
  expect(clock.slowed).toBe(0);
  expect((await failures.find({ address: '10.0.0.4', username: '' })).address?.failures).toBe(3);
});

test('twenty colleagues signing in at once from one office address all get in at full speed, three passwords checked at a time', async () => {
  const t = throttle();
  const holding: (() => void)[] = [];
  const colleagues = Array.from({ length: 20 }, (_, i) => `colleague-${i}`);
  const all = Promise.all(
    colleagues.map(async (name) => {
      const attempt = admitted(await t.admit('192.0.2.10', name));
      expect(attempt.slowedBy).toBeUndefined();
      await new Promise<void>((done) => holding.push(done));
      await attempt.settle('right');
    }),
  );
  // Three are being checked at any moment (while that many are left); each one done lets in the next.
  for (let left = 20; left > 0; left--) {
    await vi.waitFor(() => expect(holding).toHaveLength(Math.min(3, left)), { interval: 1 });
    await settleEvents();
    expect(holding).toHaveLength(Math.min(3, left));
    holding.shift()!();
  }
  await all;
  expect(clock.slowed).toBe(0);
  expect(await failures.find({ address: '192.0.2.10', username: 'colleague-0' })).toEqual({});
});

test('guesses at one username spread over many addresses slow every attempt on it, but never refuse one: the real user still gets in', async () => {
  const t = throttle();
  for (const address of ['1.1.1.1', '2.2.2.2', '3.3.3.3']) await wrong(t, address, 'alice');
  const attempts = ['4.4.4.4', '5.5.5.5'].map((address) => track(t.admit(address, 'alice')));
  await clock.whenSlowed(2);
  clock.advance(999);
  await settleEvents();
  expect(attempts.map((a) => a.done)).toEqual([false, false]);
  clock.advance(1);
  const [attacker, alice] = await Promise.all(attempts.map((a) => a.promise.then(admitted)));
  expect(attacker!.slowedBy).toBe('username');
  expect(alice!.slowedBy).toBe('username');
  expect(alice!.retryAfterSeconds()).toBe(59);
  await attacker!.settle('wrong');
  await alice!.settle('right');
  // Four failures now: the next attempt on alice, from an address never seen, waits 2 s.
  const next = await waitsExactly(t.admit('6.6.6.6', 'alice'), 2_000);
  expect(next.slowedBy).toBe('username');
  await next.settle('right');
});

test('a burst on one username from many addresses: three checked at once, and once they fail the rest are slowed, never refused', async () => {
  const t = throttle();
  const burst = ['1', '2', '3', '4', '5'].map((n) => track(t.admit(`10.1.0.${n}`, 'bob')));
  const [checked, held] = await firstThree(burst);
  for (const attempt of checked) await admitted(await attempt.promise).settle('wrong');
  await clock.whenSlowed(2);
  clock.advance(1_000);
  for (const attempt of held) expect(admitted(await attempt.promise).slowedBy).toBe('username');
});

test('unknown usernames are counted like known ones, and a username is counted by its first 200 characters', async () => {
  const t = throttle();
  const long = 'x'.repeat(200);
  for (const [i, address] of ['7.0.0.1', '7.0.0.2', '7.0.0.3'].entries()) await wrong(t, address, `${long}${i}${'y'.repeat(1000)}`);
  expect((await failures.find({ address: 'elsewhere', username: long })).username).toEqual({ failures: 3, resetAt: start + WINDOW });
  const next = await waitsExactly(t.admit('7.0.0.4', `${long}z`), 1_000);
  expect(next.slowedBy).toBe('username');
  await next.settle('wrong');
});

test('a sign-in whose password was never checked, or an attempt settled twice, counts no extra failure', async () => {
  const t = throttle();
  for (const name of ['a', 'b', 'c', 'd']) await admitted(await t.admit('10.0.0.5', name)).settle('unchecked');
  for (const name of ['e', 'f']) {
    const attempt = admitted(await t.admit('10.0.0.5', name));
    await attempt.settle('wrong');
    await attempt.settle('wrong');
    await attempt.settle('unchecked');
  }
  expect((await failures.find({ address: '10.0.0.5', username: '' })).address?.failures).toBe(2);
  // Two failures of three: still full speed.
  const third = admitted(await t.admit('10.0.0.5', 'g'));
  expect(third.slowedBy).toBeUndefined();
  expect(clock.slowed).toBe(0);
  await third.settle('right');
});

test('failures are forgotten exactly one window after the first of them', async () => {
  const t = throttle();
  for (const name of ['a', 'b', 'c']) await wrong(t, '10.0.0.6', name);
  clock.advance(WINDOW - 1);
  const late = track(t.admit('10.0.0.6', 'd'));
  await clock.whenSlowed();
  clock.advance(1_000);
  await admitted(await late.promise).settle('unchecked');
  // Now past the window: a new count, with three quick guesses again.
  for (const name of ['e', 'f', 'g']) await wrong(t, '10.0.0.6', name);
  const slowed = track(t.admit('10.0.0.6', 'h'));
  await clock.whenSlowed();
  expect(late.done).toBe(true);
  clock.advance(1_000);
  await admitted(await slowed.promise).settle('right');
});

test('at the very end of the window the address is at full speed again', async () => {
  const t = throttle();
  for (const name of ['a', 'b', 'c']) await wrong(t, '10.0.0.7', name);
  clock.advance(WINDOW);
  const attempt = admitted(await t.admit('10.0.0.7', 'd'));
  expect(attempt.slowedBy).toBeUndefined();
  expect(attempt.retryAfterSeconds()).toBe(0);
  expect(clock.slowed).toBe(0);
  await attempt.settle('right');
});

test('once expired failures are pruned from the database, a throttle that still remembers them lets the next attempt in', async () => {
  const t = throttle();
  for (const name of ['a', 'b', 'c']) await wrong(t, '10.0.0.10', name);
  clock.advance(WINDOW);
  // The address's count and each of the three usernames'.
  expect(await failures.prune(clock.now())).toBe(4);
  const attempt = admitted(await t.admit('10.0.0.10', 'a'));
  expect(attempt.slowedBy).toBeUndefined();
  await attempt.settle('right');
});

test("failures counted by another server in a new window slow this server's next attempt, even while one of its own attempts from the old window is still being checked", async () => {
  const t = throttle();
  const held = admitted(await t.admit('10.0.0.11', 'held'));
  for (const name of ['a', 'b']) await wrong(t, '10.0.0.11', name);
  clock.advance(WINDOW);
  await recordedElsewhere('10.0.0.11', 'elsewhere', 3);
  const attempt = await waitsExactly(t.admit('10.0.0.11', 'c'), 1_000);
  expect(attempt.slowedBy).toBe('address');
  await attempt.settle('right');
  await held.settle('right');
});

test('two servers on one database count the same failures: three on one slow the next attempt on the other', async () => {
  const one = throttle();
  const other = throttle();
  for (const name of ['a', 'b', 'c']) await wrong(one, '10.0.0.8', name);
  const attempt = await waitsExactly(other.admit('10.0.0.8', 'd'), 1_000);
  expect(attempt.slowedBy).toBe('address');
  await attempt.settle('wrong');
  // The failure the other server counted reaches the first one too.
  const again = await waitsExactly(one.admit('10.0.0.8', 'e'), 2_000);
  await again.settle('right');
});

test('an address and a username both past the limit: the longer of the two delays is waited, and the answer names the address', async () => {
  const t = throttle();
  await recordedElsewhere('10.0.0.9', 'seed-1', 3);
  await recordedElsewhere('seed-2', 'carol', 5, start + 10_000);
  const attempt = await waitsExactly(t.admit('10.0.0.9', 'carol'), 4_000);
  expect(attempt.slowedBy).toBe('address');
  // Until the later of the two windows is over: the username's, 70 s after the start, now 66 s away.
  expect(attempt.retryAfterSeconds()).toBe(66);
  await attempt.settle('right');
});

test('the username slowing longer than the address: its delay is waited', async () => {
  const t = throttle();
  await recordedElsewhere('10.0.1.1', 'seed-1', 5);
  await recordedElsewhere('seed-2', 'dave', 3);
  const attempt = await waitsExactly(t.admit('10.0.1.1', 'dave'), 4_000);
  expect(attempt.slowedBy).toBe('address');
  await attempt.settle('right');
  const other = await waitsExactly(t.admit('10.0.1.2', 'dave'), 1_000);
  expect(other.slowedBy).toBe('username');
  await other.settle('right');
});

test('only the count that slows an attempt decides its retry time', async () => {
  const t = throttle();
  await recordedElsewhere('10.0.1.3', 'seed-1', 3);
  await recordedElsewhere('seed-2', 'erin', 1, start + 10_000);
  const attempt = await waitsExactly(t.admit('10.0.1.3', 'erin'), 1_000);
  expect(attempt.slowedBy).toBe('address');
  expect(attempt.retryAfterSeconds()).toBe(59);
  await attempt.settle('right');
  // The address's window ends 80 s after the start, the username's 61 s (counted 1 s in).
  await recordedElsewhere('10.0.1.4', 'seed-3', 1, start + 20_000);
  await recordedElsewhere('seed-4', 'frank', 3);
  const other = await waitsExactly(t.admit('10.0.1.4', 'frank'), 1_000);
  expect(other.slowedBy).toBe('username');
  expect(other.retryAfterSeconds()).toBe(59);
  await other.settle('right');
});

test('without options: 15-minute windows, a first delay of 1 s, and delays of at most 30 s', async () => {
  const t = new LoginThrottle({ maxFailures: 1, failures, clock });
  expect(t.windowMs).toBe(900_000);
  expect(t.maxDelayMs).toBe(30_000);
  await wrong(t, '10.0.2.1', 'a');
  expect((await failures.find({ address: '10.0.2.1', username: 'a' })).address).toEqual({ failures: 1, resetAt: start + 900_000 });
  const attempt = await waitsExactly(t.admit('10.0.2.1', 'b'), 1_000);
  await attempt.settle('right');
  await recordedElsewhere('10.0.2.1', 'c', 9, clock.now(), 900_000);
  const slowest = await waitsExactly(t.admit('10.0.2.1', 'd'), 30_000);
  await slowest.settle('right');
});

test('the delay stops doubling after thirty doublings, however long the longest delay allowed', async () => {
  const huge = 2 ** 45;
  const t = throttle({ maxFailures: 1, firstDelayMs: 1, maxDelayMs: huge, windowMs: huge });
  await recordedElsewhere('10.0.3.1', 'seed', 40, clock.now(), huge);
  const attempt = await waitsExactly(t.admit('10.0.3.1', 'a'), 2 ** 30);
  await attempt.settle('right');
});

test('the system clock tells the real time and sleeps until the time asked', async () => {
  const before = Date.now();
  expect(systemThrottleClock.now()).toBeGreaterThanOrEqual(before);
  await systemThrottleClock.sleepUntil(Date.now() - 1_000);
  const target = Date.now() + 20;
  await systemThrottleClock.sleepUntil(target);
  expect(Date.now()).toBeGreaterThanOrEqual(target);
});

test('a count read before a failure but answered after it does not undo that failure', async () => {
  // The real store, its reads delivered when the test says: as a slow read overtaken by a write.
  const held: (() => void)[] = [];
  let holding = false;
  class SlowReads extends SignInFailures {
    override async find(keys: { address: string; username: string }) {
      const counts = await super.find(keys);
      if (holding) await new Promise<void>((go) => held.push(go));
      return counts;
    }
  }
  const t = throttle({ failures: new SlowReads(database.db) });
  await recordedElsewhere('10.0.4.1', 'seed', 2);
  const third = admitted(await t.admit('10.0.4.1', 'a'));
  holding = true;
  const late = track(t.admit('10.0.4.1', 'b'));
  await vi.waitFor(() => expect(held).toHaveLength(1), { interval: 1 });
  holding = false;
  await third.settle('wrong');
  // The read saw two failures; the write since counted the third, and that one is kept.
  held.shift()!();
  await clock.whenSlowed();
  expect(late.done).toBe(false);
  clock.advance(1_000);
  expect(admitted(await late.promise).slowedBy).toBe('address');
});
