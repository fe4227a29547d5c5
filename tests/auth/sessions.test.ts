import { createHash } from 'node:crypto';
import { afterEach, beforeEach, expect, test } from 'vitest';
import { DEFAULT_SESSION_POLICY, SessionStore, sameToken, type SessionPolicy } from '../../server/auth/sessions.ts';
import { migratedDatabase, type TestDatabase } from './database.ts';

/** Sessions on a real SQLite file, with the store's clock stepped by the test. */
const START = Date.UTC(2026, 10, 23, 9);
let database: TestDatabase;
let now: number;

beforeEach(async () => {
  database = await migratedDatabase();
  now = START;
});
afterEach(() => database.close());

/** Ten minutes idle, an hour in all: the touch interval is a minute (the lesser of 60 s and a quarter of the idle time). */
const POLICY: SessionPolicy = { idleMs: 10 * 60_000, absoluteMs: 3_600_000 };

function store(policy: SessionPolicy = POLICY): SessionStore {
  return new SessionStore(database.db, policy, () => now);
}

async function rows() {
  return database.db.reader.all<{ token_hash: string; username: string; csrf_token: string; user_fingerprint: string; created_at: number; last_seen_at: number }>(
    'SELECT token_hash, username, csrf_token, user_fingerprint, created_at, last_seen_at FROM sessions ORDER BY created_at',
  );
}

test('signing in gives a long random token and CSRF token, and the session is found again by its token', async () => {
  const sessions = store();
  const { token, session } = await sessions.create('merton.practitioner', 'fp-1');
  expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
  expect(session.csrfToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
  expect(session.csrfToken).not.toBe(token);
  expect(session).toEqual({ username: 'merton.practitioner', csrfToken: session.csrfToken, fingerprint: 'fp-1', createdAt: START });
  now += 1_000;
  expect(await sessions.find(token)).toEqual(session);
  const other = await sessions.create('merton.practitioner', 'fp-1');
  expect(other.token).not.toBe(token);
  expect(other.session.csrfToken).not.toBe(session.csrfToken);
  expect(await sessions.find('not-a-token')).toBeUndefined();
});

test('the database holds only a hash of the token, so a copy of it signs nobody in', async () => {
  const { token, session } = await store().create('ann', 'fp');
  expect(await rows()).toEqual([
    { token_hash: createHash('sha256').update(token).digest('hex'), username: 'ann', csrf_token: session.csrfToken, user_fingerprint: 'fp', created_at: START, last_seen_at: START },
  ]);
  expect(await store().find(createHash('sha256').update(token).digest('hex'))).toBeUndefined();
});

test('a session unused for exactly the idle time still works; a millisecond more and it is over, and deleted', async () => {
  const sessions = store();
  const kept = await sessions.create('ann', 'fp');
  const lost = await sessions.create('bob', 'fp');
  now += POLICY.idleMs;
  expect(await sessions.find(kept.token)).toEqual(kept.session);
  now += 1;
  expect(await sessions.find(lost.token)).toBeUndefined();
  expect((await rows()).map((r) => r.username)).toEqual(['ann']);
  // Gone for good, even if the clock were set back.
  now = START;
  expect(await sessions.find(lost.token)).toBeUndefined();
});

test('a session in use is written down at most once a minute, and never idles out between two requests', async () => {
  const sessions = store();
  const { token } = await sessions.create('ann', 'fp');
  now += 60_000;
  await sessions.find(token);
  expect((await rows())[0]!.last_seen_at).toBe(START);
  now += 1;
  await sessions.find(token);
  expect((await rows())[0]!.last_seen_at).toBe(START + 60_001);
  now += 30_000;
  await sessions.find(token);
  expect((await rows())[0]!.last_seen_at).toBe(START + 60_001);
  // Ten minutes after the last touch (not the last request) it is still there.
  now = START + 60_001 + POLICY.idleMs;
  expect(await sessions.find(token)).toBeDefined();
});

test('with a short idle time the session is touched every quarter of it', async () => {
  const sessions = store({ idleMs: 100_000, absoluteMs: 3_600_000 });
  const { token } = await sessions.create('ann', 'fp');
  now += 25_000;
  await sessions.find(token);
  expect((await rows())[0]!.last_seen_at).toBe(START);
  now += 1;
  await sessions.find(token);
  expect((await rows())[0]!.last_seen_at).toBe(START + 25_001);
});

test('a session ends at its absolute lifetime however busy it is', async () => {
  const sessions = store();
  const { token, session } = await sessions.create('ann', 'fp');
  for (now = START; now <= START + POLICY.absoluteMs; now += 5 * 60_000) expect(await sessions.find(token)).toEqual(session);
  now = START + POLICY.absoluteMs + 1;
  expect(await sessions.find(token)).toBeUndefined();
  expect(await rows()).toEqual([]);
});

test('the page is told how long the session lasts: the idle time less the touch interval, and the time to its absolute end', async () => {
  const sessions = store();
  const { session } = await sessions.create('ann', 'fp');
  expect(sessions.lifetime(session)).toEqual({ idleSeconds: 540, endsInSeconds: 3_600 });
  now += 1_500;
  expect(sessions.lifetime(session)).toEqual({ idleSeconds: 540, endsInSeconds: 3_598 });
  now = START + POLICY.absoluteMs + 10_000;
  expect(sessions.lifetime(session)).toEqual({ idleSeconds: 540, endsInSeconds: 0 });
  expect(store({ idleMs: 100_000, absoluteMs: 3_600_000 }).lifetime(session).idleSeconds).toBe(75);
  expect(store({ idleMs: 100_500, absoluteMs: 3_600_000 }).lifetime(session).idleSeconds).toBe(75);
});

test('signing out ends only that session', async () => {
  const sessions = store();
  const one = await sessions.create('ann', 'fp');
  const two = await sessions.create('ann', 'fp');
  await sessions.destroy(one.token);
  expect(await sessions.find(one.token)).toBeUndefined();
  expect(await sessions.find(two.token)).toEqual(two.session);
});

test('the sweep deletes expired sessions and those of users removed or changed, and says how many went', async () => {
  const sessions = store();
  const old = await sessions.create('old', 'fp-old');
  // `old` stays in use until past its absolute end; `idle` begins half-way and is never used again.
  for (now = START + 9 * 60_000; now < START + POLICY.absoluteMs; now += 9 * 60_000) await sessions.find(old.token);
  now = START + 30 * 60_000;
  const idle = await sessions.create('idle', 'fp-idle');
  now = START + 55 * 60_000;
  const changed = await sessions.create('changed', 'fp-before');
  const changedToo = await sessions.create('changed', 'fp-before');
  const gone = await sessions.create('gone', 'fp-gone');
  await sessions.create('kept', 'fp-kept');
  now = START + POLICY.absoluteMs + 1;
  const current: Record<string, string> = { idle: 'fp-idle', old: 'fp-old', changed: 'fp-after', kept: 'fp-kept' };
  expect(await sessions.purge((username) => current[username])).toBe(5);
  expect((await rows()).map((r) => r.username)).toEqual(['kept']);
  expect(await sessions.purge((username) => current[username])).toBe(0);
  for (const s of [idle, old, changed, changedToo, gone]) expect(await sessions.find(s.token)).toBeUndefined();
});

test('the sweep keeps a session unused for exactly the idle time, or exactly as old as the absolute lifetime', async () => {
  const sessions = store({ idleMs: 10 * 60_000, absoluteMs: 10 * 60_000 });
  const a = await sessions.create('ann', 'fp');
  now += 10 * 60_000;
  expect(await sessions.purge(() => 'fp')).toBe(0);
  now += 1;
  expect(await sessions.purge(() => 'fp')).toBe(1);
  expect(await sessions.find(a.token)).toBeUndefined();
});

test('by default a session idles out after 30 minutes and ends after 12 hours', async () => {
  expect(DEFAULT_SESSION_POLICY).toEqual({ idleMs: 1_800_000, absoluteMs: 43_200_000 });
  const sessions = new SessionStore(database.db, undefined, () => now);
  const { token, session } = await sessions.create('ann', 'fp');
  expect(sessions.lifetime(session)).toEqual({ idleSeconds: 1_740, endsInSeconds: 43_200 });
  now += 1_800_000;
  expect(await sessions.find(token)).toEqual(session);
  now += 1_800_001;
  expect(await sessions.find(token)).toBeUndefined();
});

test('without a clock, sessions use the real time', async () => {
  const sessions = new SessionStore(database.db);
  const before = Date.now();
  const { token, session } = await sessions.create('ann', 'fp');
  expect(session.createdAt).toBeGreaterThanOrEqual(before);
  expect(session.createdAt).toBeLessThanOrEqual(Date.now());
  expect(await sessions.find(token)).toEqual(session);
});

test('tokens are compared whole: the same token matches, a different one or one of another length does not', () => {
  expect(sameToken('abc123', 'abc123')).toBe(true);
  expect(sameToken('abc123', 'abc124')).toBe(false);
  expect(sameToken('abc123', 'abc1234')).toBe(false);
  expect(sameToken('', '')).toBe(true);
  expect(sameToken('', 'a')).toBe(false);
});
