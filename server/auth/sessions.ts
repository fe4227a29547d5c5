import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Database } from '../store/database.ts';

export interface Session {
  username: string;
  csrfToken: string;
  /** The user's fingerprint when the session began (see userFingerprint). */
  fingerprint: string;
  /** When it began (ms): it ends `absoluteMs` after, however busy. */
  createdAt: number;
}

/** What the client is told of a session's end, so it can warn before it comes (seconds). */
export interface SessionLifetime {
  /** At least this long after any request the session still lasts: the idle time less the touch interval. */
  idleSeconds: number;
  /** The session ends this long from now however busy it is. */
  endsInSeconds: number;
}

export interface SessionPolicy {
  /** A session unused this long is over. */
  idleMs: number;
  /** A session this old is over, however busy. */
  absoluteMs: number;
}

export const DEFAULT_SESSION_POLICY: SessionPolicy = { idleMs: 30 * 60_000, absoluteMs: 12 * 3_600_000 };

/** Only a hash of the token is stored: a copy of the database does not let anyone sign in. */
function tokenHash(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** Sessions live in the database, so a restart signs nobody out; they use the real clock, never WORKFLOW_NOW. */
export class SessionStore {
  constructor(
    private readonly db: Database,
    private readonly policy: SessionPolicy = DEFAULT_SESSION_POLICY,
    private readonly nowMs: () => number = Date.now,
  ) {}

  async create(username: string, fingerprint: string): Promise<{ token: string; session: Session }> {
    const token = randomBytes(32).toString('base64url');
    const now = this.nowMs();
    const session = { username, csrfToken: randomBytes(32).toString('base64url'), fingerprint, createdAt: now };
    await this.db.transaction((tx) =>
      tx.run('INSERT INTO sessions (token_hash, username, csrf_token, user_fingerprint, created_at, last_seen_at) VALUES (?, ?, ?, ?, ?, ?)', [
        tokenHash(token),
        username,
        session.csrfToken,
        fingerprint,
        now,
        now,
      ]),
    );
    return { token, session };
  }

  /** The session of `token` while it lasts; an expired one is deleted when it is looked up. */
  async find(token: string): Promise<Session | undefined> {
    const row = await this.db.reader.get<{ username: string; csrf_token: string; user_fingerprint: string; created_at: number; last_seen_at: number }>(
      'SELECT username, csrf_token, user_fingerprint, created_at, last_seen_at FROM sessions WHERE token_hash = ?',
      [tokenHash(token)],
    );
    if (row === undefined) return undefined;
    const now = this.nowMs();
    if (now - row.last_seen_at > this.policy.idleMs || now - row.created_at > this.policy.absoluteMs) {
      await this.destroy(token);
      return undefined;
    }
    // Touch at most once a minute (a write per request would queue behind every transition), and
    // well within the idle time, so a session in use never idles out between two touches.
    if (now - row.last_seen_at > this.touchIntervalMs()) {
      await this.db.transaction((tx) => tx.run('UPDATE sessions SET last_seen_at = ? WHERE token_hash = ?', [now, tokenHash(token)]));
    }
    return { username: row.username, csrfToken: row.csrf_token, fingerprint: row.user_fingerprint, createdAt: row.created_at };
  }

  /** How stale `last_seen_at` may be: a request inside this interval is not written down. */
  private touchIntervalMs(): number {
    return Math.min(60_000, this.policy.idleMs / 4);
  }

  /** Conservative, so a page that warns from it never warns after the session has already ended. */
  lifetime(session: Session): SessionLifetime {
    return {
      idleSeconds: Math.floor((this.policy.idleMs - this.touchIntervalMs()) / 1000),
      endsInSeconds: Math.max(0, Math.floor((session.createdAt + this.policy.absoluteMs - this.nowMs()) / 1000)),
    };
  }

  async destroy(token: string): Promise<void> {
    await this.db.transaction((tx) => tx.run('DELETE FROM sessions WHERE token_hash = ?', [tokenHash(token)]));
  }

  /**
   * Deletes the sessions that are over: expired ones, and those whose user is gone from the users
   * or changed since (`current` gives a user's fingerprint now). Returns how many went.
   */
  async purge(current: (username: string) => string | undefined): Promise<number> {
    const now = this.nowMs();
    const owners = await this.db.reader.all<{ username: string; user_fingerprint: string }>(
      'SELECT DISTINCT username, user_fingerprint FROM sessions',
    );
    const stale = owners.filter((o) => current(o.username) !== o.user_fingerprint);
    return this.db.transaction(async (tx) => {
      const expired = await tx.run('DELETE FROM sessions WHERE last_seen_at < ? OR created_at < ?', [now - this.policy.idleMs, now - this.policy.absoluteMs]);
      let ended = expired.changes;
      for (const owner of stale) {
        ended += (await tx.run('DELETE FROM sessions WHERE username = ? AND user_fingerprint = ?', [owner.username, owner.user_fingerprint])).changes;
      }
      return ended;
    });
  }
}

export function sameToken(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
