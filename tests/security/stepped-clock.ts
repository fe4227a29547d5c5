import type { ThrottleClock } from '../../server/auth/login-throttle.ts';

/**
 * The sign-in throttle's clock under a test's control: time moves only when the test says, so a
 * slowed sign-in waits exactly until the test steps past its delay, and no test sleeps.
 */
export class SteppedClock implements ThrottleClock {
  private nowMs = Date.UTC(2026, 10, 23, 9);
  private sleepers: { atMs: number; wake: () => void }[] = [];
  private watchers: (() => void)[] = [];

  now(): number {
    return this.nowMs;
  }

  sleepUntil(atMs: number): Promise<void> {
    if (atMs <= this.nowMs) return Promise.resolve();
    return new Promise((wake) => {
      this.sleepers.push({ atMs, wake });
      for (const watch of this.watchers.splice(0)) watch();
    });
  }

  /** Sign-ins being slowed now. */
  get slowed(): number {
    return this.sleepers.length;
  }

  /** Resolves once `count` sign-ins are being slowed: the condition a test waits for before stepping. */
  async whenSlowed(count = 1): Promise<void> {
    while (this.sleepers.length < count) await new Promise<void>((watch) => this.watchers.push(watch));
  }

  /** Moves time on, waking every sign-in whose delay is over. */
  advance(ms: number): void {
    this.nowMs += ms;
    const due = this.sleepers.filter((s) => s.atMs <= this.nowMs);
    this.sleepers = this.sleepers.filter((s) => s.atMs > this.nowMs);
    for (const sleeper of due) sleeper.wake();
  }
}
