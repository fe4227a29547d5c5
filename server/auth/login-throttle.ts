import type { FailureCount, SignInFailures } from '../store/sign-in-failures.ts';

/**
 * Limits failed sign-ins per address and per username, counting failures only.
 *
 * A general rate limiter counts each attempt as it arrives and forgives it when it succeeds; then
 * twenty colleagues signing in at once from one office address are refused before any of them has
 * failed. Here an attempt only *reserves* a place while its password is checked: attempts wait
 * (never fail) while the reservations and the failures together reach the limit, so at most
 * `maxFailures` guesses are checked at full speed per window, however many arrive at once.
 *
 * Past the limit, attempts are slowed rather than refused, so the right password still gets in:
 *
 * - From an address that has failed `maxFailures` times, one attempt at a time waits a delay
 *   (doubling with each further failure, up to `maxDelayMs`) before its password is checked. Others
 *   sent meanwhile, and those that were waiting for a place when the allowance ran out (the rest of
 *   a burst), are refused unchecked: a person types one password at a time.
 * - For a username that has failed `maxFailures` times from any addresses, every attempt waits the
 *   same kind of delay, and none is refused on that account's count: an attacker spreading guesses
 *   over many addresses slows the real user down but cannot lock them out. Unknown usernames are
 *   counted like known ones, so the answers say nothing about which exist.
 *
 * So one address gets `maxFailures` quick guesses per window and then about one per `maxDelayMs`,
 * and each attempt on a targeted account takes at least the account's delay.
 *
 * The failures are counted in the database (store/sign-in-failures.ts): every server on it counts
 * the same ones, so two servers do not give an attacker two allowances, and a restart forgets none.
 * A sign-in costs one read of both counts; a failure one more write.
 */

/** The throttle's time: the real clock in service; tests step their own, so no test sleeps. */
export interface ThrottleClock {
  now(): number;
  /** Resolves once `now()` has reached `atMs`. */
  sleepUntil(atMs: number): Promise<void>;
}

export const systemThrottleClock: ThrottleClock = {
  now: () => Date.now(),
  // A timer may fire a millisecond before Date.now() reaches its end (they keep different clocks), so it is set again until it has.
  sleepUntil: async (atMs) => {
    while (Date.now() < atMs) await new Promise((wake) => setTimeout(wake, atMs - Date.now()));
  },
};

/** How long failures are remembered: from the first of a key's failures until this much later. */
const DEFAULT_THROTTLE_WINDOW_MS = 15 * 60_000;

export interface ThrottleOptions {
  /** Failures per address, and per username, in a window before attempts are slowed. */
  maxFailures: number;
  /** Where the failures are counted: the database, shared by every server on it. */
  failures: SignInFailures;
  windowMs?: number;
  /** The delay of the first slowed attempt; each further failure doubles it. */
  firstDelayMs?: number;
  maxDelayMs?: number;
  clock?: ThrottleClock;
}

/** What became of the attempt: `unchecked` when its password was never checked (the server was busy). */
export type Outcome = 'right' | 'wrong' | 'unchecked';

export type Admission =
  | { admitted: false; retryAfterSeconds: number }
  | {
      admitted: true;
      /** Which count slowed this attempt, if any: a wrong password then answers 429, not 401. */
      slowedBy: 'address' | 'username' | undefined;
      /** Ends the attempt, recording a failure when it was one; exactly once. */
      settle(outcome: Outcome): Promise<void>;
      /** Seconds until the slowing that applies to this attempt is over. */
      retryAfterSeconds(): number;
    };

interface Counter {
  /** The failures last known for the key, from the database: every server's, not only this one's. */
  known: FailureCount | undefined;
  /** Attempts holding a place in the allowance. */
  inFlight: number;
  /** Attempts waiting for a place in the allowance. */
  waiters: (() => void)[];
  /** Attempts past the allowance, being slowed or checked. */
  slowed: number;
}

/** How an attempt holds its place in one counter. */
type Place = 'allowance' | 'slowed';

/**
 * This server's attempts in flight per key, with the failures last known for it. The failures are
 * the database's: several servers share them, and a restart keeps them. The places held while a
 * password is checked stay in memory: sharing them would cost a write before and after every check,
 * and a server that died mid-check would hold its places until swept. So a burst split over several
 * servers at one instant may have up to `maxFailures` passwords checked on each, but every failure
 * counts on all of them from then on.
 */
class Counters {
  private readonly entries = new Map<string, Counter>();

  constructor(private readonly clock: ThrottleClock) {}

  get(key: string): Counter {
    let counter = this.entries.get(key);
    if (counter === undefined) {
      // Forget keys that hold nothing current, so a scan from many addresses or names cannot fill memory.
      if (this.entries.size >= 10_000) this.sweep();
      counter = { known: undefined, inFlight: 0, waiters: [], slowed: 0 };
      this.entries.set(key, counter);
    }
    return counter;
  }

  /** The key's failures in the current window; none once it is over. */
  failures(key: string): number {
    const known = this.get(key).known;
    return known !== undefined && this.clock.now() < known.resetAt ? known.failures : 0;
  }

  /**
   * Takes in a count read from or written to the database. Reads and writes may come back out of
   * order, so the newer of the two is kept: a later window, or more failures in the same one.
   */
  learn(key: string, count: FailureCount | undefined): void {
    if (count === undefined) return;
    const counter = this.get(key);
    const known = counter.known;
    if (known === undefined || count.resetAt > known.resetAt || (count.resetAt === known.resetAt && count.failures > known.failures)) counter.known = count;
  }

  /** Ends an attempt's hold on `key` and lets the waiting attempts look again. */
  release(key: string, place: Place): void {
    const counter = this.get(key);
    if (place === 'allowance') counter.inFlight--;
    else counter.slowed--;
    for (const wake of counter.waiters.splice(0)) wake();
    if (idle(counter) && this.failures(key) === 0) this.entries.delete(key);
  }

  /** Seconds until the failures of `key` are forgotten. */
  retryAfterSeconds(key: string): number {
    return Math.max(1, Math.ceil(((this.get(key).known?.resetAt ?? 0) - this.clock.now()) / 1000));
  }

  private sweep(): void {
    for (const [key, counter] of this.entries) {
      if (idle(counter) && this.failures(key) === 0) this.entries.delete(key);
    }
  }
}

function idle(counter: Counter): boolean {
  return counter.inFlight === 0 && counter.slowed === 0 && counter.waiters.length === 0;
}

export class LoginThrottle {
  readonly windowMs: number;
  readonly maxDelayMs: number;
  private readonly maxFailures: number;
  private readonly firstDelayMs: number;
  private readonly clock: ThrottleClock;
  private readonly store: SignInFailures;
  private readonly addresses: Counters;
  private readonly usernames: Counters;

  constructor(options: ThrottleOptions) {
    this.maxFailures = options.maxFailures;
    this.firstDelayMs = options.firstDelayMs ?? 1_000;
    this.maxDelayMs = options.maxDelayMs ?? 30_000;
    this.clock = options.clock ?? systemThrottleClock;
    this.windowMs = options.windowMs ?? DEFAULT_THROTTLE_WINDOW_MS;
    this.store = options.failures;
    this.addresses = new Counters(this.clock);
    this.usernames = new Counters(this.clock);
  }

  /** Waits until a password for `username` from `address` may be checked, or refuses the attempt. */
  async admit(address: string, claimed: string): Promise<Admission> {
    // No real username is this long; a 256 kB one should not sit in memory as a key.
    const username = claimed.slice(0, 200);
    // One read for both counts, the same for a name that exists and one that does not.
    const stored = await this.store.find({ address, username });
    this.addresses.learn(address, stored.address);
    this.usernames.learn(username, stored.username);
    const byAddress = await this.addressPlace(address);
    if (byAddress === undefined) {
      return { admitted: false, retryAfterSeconds: this.addresses.retryAfterSeconds(address) };
    }
    const byUsername = await this.usernamePlace(username);
    // Both counts slow at once, so the longer delay is the one waited.
    const delayMs = Math.max(this.delayFor(address, this.addresses, byAddress), this.delayFor(username, this.usernames, byUsername));
    if (delayMs > 0) await this.clock.sleepUntil(this.clock.now() + delayMs);

    let settled = false;
    return {
      admitted: true,
      slowedBy: byAddress === 'slowed' ? 'address' : byUsername === 'slowed' ? 'username' : undefined,
      settle: async (outcome) => {
        if (settled) return;
        settled = true;
        try {
          // Written before the places are given up, so an attempt waiting for one sees this failure.
          if (outcome === 'wrong') {
            const counts = await this.store.record({ address, username }, this.clock.now(), this.windowMs);
            this.addresses.learn(address, counts.address);
            this.usernames.learn(username, counts.username);
          }
        } finally {
          this.addresses.release(address, byAddress);
          this.usernames.release(username, byUsername);
        }
      },
      retryAfterSeconds: () =>
        Math.max(
          byAddress === 'slowed' ? this.addresses.retryAfterSeconds(address) : 0,
          byUsername === 'slowed' ? this.usernames.retryAfterSeconds(username) : 0,
        ),
    };
  }

  /** A place in the address's allowance, its one slowed attempt, or nothing (refused). */
  private async addressPlace(address: string): Promise<Place | undefined> {
    let waited = false;
    for (;;) {
      const counter = this.addresses.get(address);
      const failures = this.addresses.failures(address);
      if (failures >= this.maxFailures) {
        // The rest of a burst that used up the allowance, or a second attempt while one is slowed.
        if (waited || counter.slowed > 0) return undefined;
        counter.slowed++;
        return 'slowed';
      }
      if (failures + counter.inFlight < this.maxFailures) {
        counter.inFlight++;
        return 'allowance';
      }
      waited = true;
      await new Promise<void>((wake) => counter.waiters.push(wake));
    }
  }

  /** A place in the username's allowance, or slowed: never refused, so nobody can lock a user out. */
  private async usernamePlace(username: string): Promise<Place> {
    for (;;) {
      const counter = this.usernames.get(username);
      const failures = this.usernames.failures(username);
      if (failures >= this.maxFailures) {
        counter.slowed++;
        return 'slowed';
      }
      if (failures + counter.inFlight < this.maxFailures) {
        counter.inFlight++;
        return 'allowance';
      }
      await new Promise<void>((wake) => counter.waiters.push(wake));
    }
  }

  private delayFor(key: string, counters: Counters, place: Place): number {
    if (place === 'allowance') return 0;
    const beyond = Math.min(counters.failures(key) - this.maxFailures, 30);
    return Math.min(this.firstDelayMs * 2 ** beyond, this.maxDelayMs);
  }
}
