import { createHash } from 'node:crypto';
import type { Database } from './database.ts';

/**
 * The sign-in throttle's failed sign-ins, per address and per username, in the database (migration
 * 012), so every server on it counts the same failures and a restart forgets none. Times are the
 * throttle's clock's (epoch ms), never the database's now(), so tests step them.
 */

export type FailureKind = 'address' | 'username';

/** How many failures a key has had in its window, and when they are forgotten. */
export interface FailureCount {
  failures: number;
  resetAt: number;
}

/** What one sign-in attempt is counted against. */
export interface AttemptKeys {
  address: string;
  username: string;
}

export type FailureCounts = Partial<Record<FailureKind, FailureCount>>;

interface Row {
  kind: FailureKind;
  failures: number;
  reset_at: number;
}

/**
 * Only a hash is stored: a username field often holds a password typed into the wrong box, and an
 * address is personal data. A fixed-length hash also keeps a 256 kB "username" out of the table.
 */
function keyHash(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

function countsOf(rows: Row[]): FailureCounts {
  return Object.fromEntries(rows.map((r) => [r.kind, { failures: r.failures, resetAt: r.reset_at }]));
}

export class SignInFailures {
  constructor(private readonly db: Database) {}

  /** The stored counts of the attempt's address and username, in one statement; a count may have run out. */
  async find(keys: AttemptKeys): Promise<FailureCounts> {
    const rows = await this.db.reader.all<Row>(
      "SELECT kind, failures, reset_at FROM sign_in_failures WHERE (kind = 'address' AND key_hash = ?) OR (kind = 'username' AND key_hash = ?)",
      [keyHash(keys.address), keyHash(keys.username)],
    );
    return countsOf(rows);
  }

  /**
   * Counts one failure against both keys, in one statement, and returns both counts after it. A count
   * whose window is over at `now` starts again at 1 with a new window; the row is one per key, so
   * servers counting at the same moment each add theirs (the row lock orders them).
   */
  async record(keys: AttemptKeys, now: number, windowMs: number): Promise<FailureCounts> {
    const resetAt = now + windowMs;
    const rows = await this.db.transaction((tx) =>
      tx.all<Row>(
        `INSERT INTO sign_in_failures (kind, key_hash, failures, reset_at) VALUES ('address', ?, 1, ?), ('username', ?, 1, ?)
         ON CONFLICT (kind, key_hash) DO UPDATE SET
           failures = CASE WHEN sign_in_failures.reset_at <= ? THEN 1 ELSE sign_in_failures.failures + 1 END,
           reset_at = CASE WHEN sign_in_failures.reset_at <= ? THEN excluded.reset_at ELSE sign_in_failures.reset_at END
         RETURNING kind, failures, reset_at`,
        [keyHash(keys.address), resetAt, keyHash(keys.username), resetAt, now, now],
      ),
    );
    return countsOf(rows);
  }

  /** Deletes the counts whose window is over at `now`, so a scan of many names cannot fill the table; returns how many went. */
  async prune(now: number): Promise<number> {
    return (await this.db.transaction((tx) => tx.run('DELETE FROM sign_in_failures WHERE reset_at <= ?', [now]))).changes;
  }
}
