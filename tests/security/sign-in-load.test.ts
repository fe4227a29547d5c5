import { availableParallelism } from 'node:os';
import { afterEach, describe, expect, test } from 'vitest';
import { HashingBusyError, HashingLimit } from '../../server/auth/hashing.ts';
import { ApiClient, startTestServer, type TestServer } from '../support/server.ts';
import { SteppedClock } from './stepped-clock.ts';
import { expectError } from './support.ts';

/**
 * Password hashing is bounded, so a flood of sign-ins cannot take every libuv thread from the
 * database: a few hashes at once, a bounded queue behind them, and past it a 429 saying to try
 * again shortly. The tests hold the places themselves, so nothing depends on how fast scrypt is;
 * `npm run bench` measures what the bound is worth.
 */
let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** Work that lasts until the test ends it. */
function heldWork() {
  let end!: () => void;
  const ended = new Promise<void>((resolve) => (end = resolve));
  return { work: () => ended, end };
}

describe('the bound on hashing', () => {
  test('runs at most `concurrency` at once, queues up to `maxQueued` in order, and refuses the rest at once', async () => {
    const limit = new HashingLimit(2, 2);
    const started: number[] = [];
    const held = [heldWork(), heldWork(), heldWork(), heldWork()];
    const runs = held.map((h, i) =>
      limit.run(() => {
        started.push(i);
        return h.work();
      }),
    );
    await Promise.resolve();
    expect(started).toEqual([0, 1]);
    await expect(limit.run(async () => 'never')).rejects.toThrow(HashingBusyError);
    held[1]!.end();
    await runs[1];
    expect(started).toEqual([0, 1, 2]);
    held[0]!.end();
    await runs[0];
    expect(started).toEqual([0, 1, 2, 3]);
    // A place that frees while none wait is free again.
    held[2]!.end();
    held[3]!.end();
    await Promise.all(runs);
    expect(await limit.run(async () => 'ran')).toBe('ran');
  });
});

describe('the bound as shipped', () => {
  test('min(2, cores − 1) hashes at once, never fewer than one, and 32 waiting (README, "Guarantees")', async () => {
    const atOnce = Math.max(1, Math.min(2, availableParallelism() - 1));
    const limit = new HashingLimit();
    const held = Array.from({ length: atOnce + 32 }, heldWork);
    let started = 0;
    const runs = held.map((h) =>
      limit.run(() => {
        started++;
        return h.work();
      }),
    );
    await Promise.resolve();
    expect(started).toBe(atOnce);
    await expect(limit.run(async () => 'never')).rejects.toThrow(HashingBusyError);
    for (const h of held) h.end();
    await Promise.all(runs);
    expect(started).toBe(held.length);
  });
});

describe('a flood of sign-ins', () => {
  test('past the queue a sign-in is 429 saying to try again shortly, signed-in people carry on, and it costs no failure', async () => {
    const hashing = new HashingLimit(1, 1);
    const clock = new SteppedClock();
    server = await startTestServer({ maxFailedLogins: 1, passwordHashing: hashing, signInClock: clock });
    const colleague = await ApiClient.signIn(server, 'merton.business-unit');

    // The one hashing place and the one queued place are taken.
    const held = [heldWork(), heldWork()];
    const occupying = held.map((h) => hashing.run(h.work));
    const refused = await new ApiClient(server).request('POST', '/api/session', { username: 'merton.statutory-partner', password: 'demo' });
    expectError(refused, 429, 'too_many_requests');
    expect(refused.body.error.message).toMatch(/try again in a few seconds/);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    // Someone already signed in is not held up: their request needs no hashing.
    expect((await colleague.get('/api/cases')).status).toBe(200);
    expect((await colleague.createCase('merton', 'dispute-resolution', { summary: 'During the flood' })).status).toBe(201);

    for (const h of held) h.end();
    await Promise.all(occupying);
    // Once the flood is over the same sign-in works, and the refusal was not counted as a failure:
    // the one failure allowed (maxFailedLogins 1) is still there, answered at once.
    expect((await ApiClient.signIn(server, 'merton.statutory-partner')).user!.username).toBe('merton.statutory-partner');
    expectError(await new ApiClient(server).request('POST', '/api/session', { username: 'merton.statutory-partner', password: 'typo' }), 401, 'unauthenticated');
    expect(clock.slowed).toBe(0);
  });
});
