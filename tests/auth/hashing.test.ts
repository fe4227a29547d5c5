import { availableParallelism } from 'node:os';
import { expect, test } from 'vitest';
import { HashingBusyError, HashingLimit } from '../../server/auth/hashing.ts';

/** A piece of work the test finishes when it chooses, noting when it began. */
function gate(log: string[], name: string) {
  let finish!: (value: string) => void;
  let fail!: (error: Error) => void;
  const done = new Promise<string>((resolve, reject) => {
    finish = resolve;
    fail = reject;
  });
  return {
    work: () => {
      log.push(name);
      return done;
    },
    finish: () => finish(name),
    fail: (error: Error) => fail(error),
  };
}

const settleEvents = () => new Promise<void>((go) => setImmediate(go));

test('by default one hash at a time on a machine of two cores or fewer, two on a larger one, and 32 waiting', () => {
  const limit = new HashingLimit();
  expect(limit.concurrency).toBe(availableParallelism() <= 2 ? 1 : 2);
  expect(limit.maxQueued).toBe(32);
});

test('no more hashes run at once than the limit; the others wait their turn, first come first served', async () => {
  const limit = new HashingLimit(2, 10);
  const log: string[] = [];
  const gates = ['a', 'b', 'c', 'd'].map((name) => gate(log, name));
  const results = gates.map((g) => limit.run(g.work));
  await settleEvents();
  expect(log).toEqual(['a', 'b']);
  gates[1]!.finish();
  expect(await results[1]).toBe('b');
  await settleEvents();
  expect(log).toEqual(['a', 'b', 'c']);
  gates[0]!.finish();
  gates[2]!.finish();
  await Promise.all([results[0], results[2]]);
  await settleEvents();
  expect(log).toEqual(['a', 'b', 'c', 'd']);
  gates[3]!.finish();
  expect(await results[3]).toBe('d');
  // All done: the places are free again, two at once.
  const later = ['e', 'f', 'g'].map((name) => gate(log, name));
  const more = later.map((g) => limit.run(g.work));
  await settleEvents();
  expect(log.slice(4)).toEqual(['e', 'f']);
  for (const g of later) g.finish();
  expect(await Promise.all(more)).toEqual(['e', 'f', 'g']);
});

test('once the queue is full a further check is refused at once with the busy error; a place freed lets one more wait', async () => {
  const limit = new HashingLimit(1, 2);
  const log: string[] = [];
  const gates = ['a', 'b', 'c'].map((name) => gate(log, name));
  const results = gates.map((g) => limit.run(g.work));
  const refused = limit.run(async () => 'never');
  await expect(refused).rejects.toBeInstanceOf(HashingBusyError);
  await expect(refused).rejects.toThrow('The server is busy checking other sign-ins; try again in a few seconds');
  gates[0]!.finish();
  await results[0];
  const d = gate(log, 'd');
  const fourth = limit.run(d.work);
  await expect(limit.run(async () => 'never')).rejects.toThrow(HashingBusyError);
  for (const g of [...gates.slice(1), d]) g.finish();
  expect(await Promise.all([...results.slice(1), fourth])).toEqual(['b', 'c', 'd']);
  expect(log).toEqual(['a', 'b', 'c', 'd']);
});

test('a check that fails gives its error to its caller and its place to the next', async () => {
  const limit = new HashingLimit(1, 5);
  const log: string[] = [];
  const [a, b] = ['a', 'b'].map((name) => gate(log, name));
  const first = limit.run(a!.work);
  const second = limit.run(b!.work);
  a!.fail(new Error('scrypt failed'));
  await expect(first).rejects.toThrow('scrypt failed');
  await settleEvents();
  expect(log).toEqual(['a', 'b']);
  b!.finish();
  expect(await second).toBe('b');
  // And after a failure with nobody waiting, the place is free.
  await expect(limit.run(() => Promise.reject(new Error('again')))).rejects.toThrow('again');
  expect(await limit.run(async () => 'free')).toBe('free');
});

test('with no queue at all, a check while one runs is refused', async () => {
  const limit = new HashingLimit(1, 0);
  const log: string[] = [];
  const a = gate(log, 'a');
  const first = limit.run(a.work);
  await expect(limit.run(async () => 'never')).rejects.toThrow(HashingBusyError);
  a.finish();
  expect(await first).toBe('a');
  expect(await limit.run(async () => 'next')).toBe('next');
});
