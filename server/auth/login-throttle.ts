/**
 * Limits failed sign-ins per address, and only failed ones.
 *
 * A general rate limiter counts each attempt as it arrives and forgives it when it succeeds; then
 * twenty colleagues signing in at once from one office address are refused before any of them has
 * failed. Here an attempt only *reserves* a place while its password is checked: attempts wait
 * (never fail) when the reservations and the failures together reach the limit, so at most
 * `maxFailures` guesses are ever checked per window, however many arrive at once, and a correct
 * password is refused only once `maxFailures` real failures have been recorded.
 */
interface Entry {
  failures: number;
  /** When the failures are forgotten: `windowMs` after the first of them. */
  resetAt: number;
  inFlight: number;
  waiters: (() => void)[];
}

export class LoginThrottle {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly maxFailures: number,
    readonly windowMs = 15 * 60_000,
    private readonly nowMs: () => number = Date.now,
  ) {}

  /** Waits for a place to check a password from `key`; false when `key` has failed too often. */
  async acquire(key: string): Promise<boolean> {
    for (;;) {
      const entry = this.entry(key);
      if (entry.failures >= this.maxFailures) return false;
      if (entry.failures + entry.inFlight < this.maxFailures) {
        entry.inFlight++;
        return true;
      }
      await new Promise<void>((wake) => entry.waiters.push(wake));
    }
  }

  /** Ends an attempt begun with `acquire`, recording whether the password was wrong. */
  release(key: string, failed: boolean): void {
    const entry = this.entry(key);
    entry.inFlight--;
    if (failed) {
      if (entry.failures === 0) entry.resetAt = this.nowMs() + this.windowMs;
      entry.failures++;
    }
    const waiters = entry.waiters.splice(0);
    for (const wake of waiters) wake();
    if (entry.failures === 0 && entry.inFlight === 0 && entry.waiters.length === 0) this.entries.delete(key);
  }

  /** Seconds until `key` may try again. */
  retryAfterSeconds(key: string): number {
    const entry = this.entries.get(key);
    return entry === undefined ? 0 : Math.max(1, Math.ceil((entry.resetAt - this.nowMs()) / 1000));
  }

  private entry(key: string): Entry {
    const now = this.nowMs();
    let entry = this.entries.get(key);
    if (entry !== undefined && entry.failures > 0 && now >= entry.resetAt) {
      entry.failures = 0;
    }
    if (entry === undefined) {
      // Forget addresses whose window is over, so a scan from many addresses cannot fill memory.
      if (this.entries.size >= 10_000) this.sweep(now);
      entry = { failures: 0, resetAt: now + this.windowMs, inFlight: 0, waiters: [] };
      this.entries.set(key, entry);
    }
    return entry;
  }

  private sweep(now: number): void {
    for (const [key, entry] of this.entries) {
      if (entry.inFlight === 0 && entry.waiters.length === 0 && (entry.failures === 0 || now >= entry.resetAt)) this.entries.delete(key);
    }
  }
}
