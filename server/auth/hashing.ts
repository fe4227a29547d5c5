import { availableParallelism } from 'node:os';

/**
 * Bounds the password hashing in progress. scrypt runs on libuv's threadpool (4 threads unless
 * UV_THREADPOOL_SIZE says otherwise), which sqlite3 also uses for every query, and each hash keeps a
 * core busy for tens of milliseconds: a flood of sign-ins hashing on all four threads would leave
 * every other request's queries waiting behind it. By default at most two hashes run at once, and
 * never on every core (one on a 2-core machine), so the database and the event loop keep threads
 * and a core; at most `maxQueued` more wait their turn, and beyond that a check is refused at once
 * rather than queued without end. `npm run bench` measures the difference.
 */
const DEFAULT_CONCURRENCY = Math.max(1, Math.min(2, availableParallelism() - 1));

export class HashingBusyError extends Error {
  constructor() {
    super('The server is busy checking other sign-ins; try again in a few seconds');
  }
}

export class HashingLimit {
  private running = 0;
  private readonly queue: (() => void)[] = [];

  constructor(
    readonly concurrency = DEFAULT_CONCURRENCY,
    readonly maxQueued = 32,
  ) {}

  /** Runs `work` when a place is free; throws HashingBusyError when the queue is full. */
  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.running < this.concurrency) {
      this.running++;
    } else {
      if (this.queue.length >= this.maxQueued) throw new HashingBusyError();
      // The place is handed over by the work that ends, so `running` stays counted meanwhile.
      await new Promise<void>((go) => this.queue.push(go));
    }
    try {
      return await work();
    } finally {
      const next = this.queue.shift();
      if (next === undefined) this.running--;
      else next();
    }
  }
}
