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
 */

/** The throttle's time: the real clock in service; tests step their own, so no test sleeps. */
export interface ThrottleClock {
  now(): number;
  /** Resolves once `now()` has reached `atMs`. */
  sleepUntil(atMs: number): Promise<void>;
}

export const systemThrottleClock: ThrottleClock = {
  now: () => Date.now(),
  sleepUntil: (atMs) => new Promise((wake) => setTimeout(wake, Math.max(0, atMs - Date.now()))),
};

export interface ThrottleOptions {
  /** Failures per address, and per username, in a window before attempts are slowed. */
  maxFailures: number;
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
      /** Ends the attempt; exactly once. */
      settle(outcome: Outcome): void;
      /** Seconds until the slowing that applies to this attempt is over. */
      retryAfterSeconds(): number;
    };

interface Counter {
  failures: number;
  /** When the failures are forgotten: `windowMs` after the first of them. */
  resetAt: number;
  /** Attempts holding a place in the allowance. */
  inFlight: number;
  /** Attempts waiting for a place in the allowance. */
  waiters: (() => void)[];
  /** Attempts past the allowance, being slowed or checked. */
  slowed: number;
}

/** How an attempt holds its place in one counter. */
type Place = 'allowance' | 'slowed';

/** Failures per key within a window, with the attempts in flight for each. */
class Counters {
  private readonly entries = new Map<string, Counter>();

  constructor(
    private readonly windowMs: number,
    private readonly clock: ThrottleClock,
  ) {}

  get(key: string): Counter {
    const now = this.clock.now();
    let counter = this.entries.get(key);
    if (counter !== undefined && counter.failures > 0 && now >= counter.resetAt) counter.failures = 0;
    if (counter === undefined) {
      // Forget keys whose window is over, so a scan from many addresses or names cannot fill memory.
      if (this.entries.size >= 10_000) this.sweep(now);
      counter = { failures: 0, resetAt: now + this.windowMs, inFlight: 0, waiters: [], slowed: 0 };
      this.entries.set(key, counter);
    }
    return counter;
  }

  /** Ends an attempt's hold on `key`, recording a failure, and lets the waiting attempts look again. */
  release(key: string, place: Place, failed: boolean): void {
    const counter = this.get(key);
    if (place === 'allowance') counter.inFlight--;
    else counter.slowed--;
    if (failed) {
      if (counter.failures === 0) counter.resetAt = this.clock.now() + this.windowMs;
      counter.failures++;
    }
    for (const wake of counter.waiters.splice(0)) wake();
    if (idle(counter) && counter.failures === 0) this.entries.delete(key);
  }

  /** Seconds until the failures of `key` are forgotten. */
  retryAfterSeconds(key: string): number {
    return Math.max(1, Math.ceil((this.get(key).resetAt - this.clock.now()) / 1000));
  }

  private sweep(now: number): void {
    for (const [key, counter] of this.entries) {
      if (idle(counter) && (counter.failures === 0 || now >= counter.resetAt)) this.entries.delete(key);
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
  private readonly addresses: Counters;
  private readonly usernames: Counters;

  constructor(options: ThrottleOptions) {
    this.maxFailures = options.maxFailures;
    this.firstDelayMs = options.firstDelayMs ?? 1_000;
    this.maxDelayMs = options.maxDelayMs ?? 30_000;
    this.clock = options.clock ?? systemThrottleClock;
    this.windowMs = options.windowMs ?? 15 * 60_000;
    this.addresses = new Counters(this.windowMs, this.clock);
    this.usernames = new Counters(this.windowMs, this.clock);
  }

  /** Waits until a password for `username` from `address` may be checked, or refuses the attempt. */
  async admit(address: string, claimed: string): Promise<Admission> {
    // No real username is this long; a 256 kB one should not sit in memory as a key.
    const username = claimed.slice(0, 200);
    const byAddress = await this.addressPlace(address);
    if (byAddress === undefined) {
      return { admitted: false, retryAfterSeconds: this.addresses.retryAfterSeconds(address) };
    }
    const byUsername = await this.usernamePlace(username);
    // Both counts slow at once, so the longer delay is the one waited.
    const delayMs = Math.max(this.delayFor(this.addresses.get(address), byAddress), this.delayFor(this.usernames.get(username), byUsername));
    if (delayMs > 0) await this.clock.sleepUntil(this.clock.now() + delayMs);

    let settled = false;
    return {
      admitted: true,
      slowedBy: byAddress === 'slowed' ? 'address' : byUsername === 'slowed' ? 'username' : undefined,
      settle: (outcome) => {
        if (settled) return;
        settled = true;
        this.addresses.release(address, byAddress, outcome === 'wrong');
        this.usernames.release(username, byUsername, outcome === 'wrong');
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
      if (counter.failures >= this.maxFailures) {
        // The rest of a burst that used up the allowance, or a second attempt while one is slowed.
        if (waited || counter.slowed > 0) return undefined;
        counter.slowed++;
        return 'slowed';
      }
      if (counter.failures + counter.inFlight < this.maxFailures) {
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
      if (counter.failures >= this.maxFailures) {
        counter.slowed++;
        return 'slowed';
      }
      if (counter.failures + counter.inFlight < this.maxFailures) {
        counter.inFlight++;
        return 'allowance';
      }
      await new Promise<void>((wake) => counter.waiters.push(wake));
    }
  }

  private delayFor(counter: Counter, place: Place): number {
    if (place === 'allowance') return 0;
    const beyond = Math.min(counter.failures - this.maxFailures, 30);
    return Math.min(this.firstDelayMs * 2 ** beyond, this.maxDelayMs);
  }
}
