import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { hashPassword, verifyPassword } from '../../server/auth/passwords.ts';
import { PASSWORD_POLICY } from '../../server/auth/password-policy.ts';
import { demoUsers, type UserRecord } from '../../server/auth/users.ts';
import { loadCatalogue } from '../../server/config/index.ts';
import { ApiClient, startTestServer, type TestServer } from '../support/server.ts';
import { expectError, PROJECT_ROOT, storedCounts } from './support.ts';
import { openTestConnection } from '../support/database.ts';

/**
 * Passwords at rest, and sessions: how they end (idle, absolute limit, sign-out, a new sign-in, a
 * change to the user), and that ended ones leave the database. Sessions run on a clock the tests
 * step, so no test sleeps.
 */
let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('passwords and tokens at rest', () => {
  test('passwords are stored as salted scrypt hashes with their parameters, never as text', async () => {
    const loaded = loadCatalogue(PROJECT_ROOT);
    if (!loaded.ok) throw new Error('configuration');
    const [user] = await demoUsers(loaded.catalogue);
    // scrypt$N$r$p$salt$key: the cost is stored with each hash, so it can be raised later.
    expect(user!.passwordHash).toMatch(/^scrypt\$32768\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
    expect(user!.passwordHash).not.toContain('demo');
    expect(await verifyPassword('demo', user!.passwordHash)).toBe(true);
    expect(await verifyPassword('Demo', user!.passwordHash)).toBe(false);
    expect(await verifyPassword('demo ', user!.passwordHash)).toBe(false);
    // Two hashes of one password differ (random salt), and each verifies.
    const [one, two] = await Promise.all([hashPassword('correct horse battery staple'), hashPassword('correct horse battery staple')]);
    expect(one).not.toBe(two);
    expect(await verifyPassword('correct horse battery staple', two)).toBe(true);
  });

  test('the database holds only a hash of each session token, so a copy of it signs nobody in', async () => {
    server = await startTestServer();
    const client = await ApiClient.signIn(server, 'merton.statutory-partner');
    const token = client.cookie.replace(/^sid=/, '');
    expect(token.length).toBeGreaterThanOrEqual(43); // 32 random bytes
    const db = await openTestConnection(server.databaseUrl);
    try {
      const rows = await db.all<{ token_hash: string }>('SELECT token_hash FROM sessions');
      expect(rows.map((r) => r.token_hash)).toEqual([createHash('sha256').update(token).digest('hex')]);
      expect(JSON.stringify(rows)).not.toContain(token);
    } finally {
      await db.close();
    }
    // The hash itself, presented as a cookie, is worth nothing.
    const forged = new ApiClient(server);
    forged.cookie = `sid=${createHash('sha256').update(token).digest('hex')}`;
    expectError(await forged.get('/api/session'), 401, 'unauthenticated');
  });
});

/** The sessions' clock, stepped by the test. */
function sessionClock() {
  let now = Date.UTC(2026, 10, 23, 9);
  return { now: () => now, advance: (ms: number) => void (now += ms) };
}

async function sessionRows(databaseUrl: string): Promise<{ username: string }[]> {
  const db = await openTestConnection(databaseUrl);
  try {
    return await db.all<{ username: string }>('SELECT username FROM sessions ORDER BY username');
  } finally {
    await db.close();
  }
}

describe('session lifetime', () => {
  test('a session unused for longer than the idle time ends, and is deleted; one in use does not', async () => {
    const clock = sessionClock();
    server = await startTestServer({ sessionPolicy: { idleMs: 10 * 60_000, absoluteMs: 12 * 3_600_000 }, sessionClock: clock.now });
    const idle = await ApiClient.signIn(server, 'merton.statutory-partner');
    const busy = await ApiClient.signIn(server, 'merton.business-unit');
    // The busy session is used every 4 minutes for more than two idle periods; the idle one waits.
    for (let minutes = 4; minutes <= 24; minutes += 4) {
      clock.advance(4 * 60_000);
      expect((await busy.get('/api/cases')).status, `after ${minutes} minutes`).toBe(200);
    }
    expectError(await idle.get('/api/session'), 401, 'unauthenticated');
    expect((await busy.get('/api/session')).status).toBe(200);
    // Looking up the expired session deleted it.
    expect(await sessionRows(server.databaseUrl)).toEqual([{ username: 'merton.business-unit' }]);
  });

  test('a session ends at the absolute limit however busy, and its writes are refused', async () => {
    const clock = sessionClock();
    server = await startTestServer({ now: '2020-10-01', sessionPolicy: { idleMs: 60 * 60_000, absoluteMs: 12 * 3_600_000 }, sessionClock: clock.now });
    const client = await ApiClient.signIn(server, 'merton.statutory-partner');
    const created = await client.createCase('merton', 'dispute-resolution', { summary: 'Before the session ended' });
    expect(created.status).toBe(201);
    // Busy every half hour for the whole of its life...
    for (let hours = 0.5; hours <= 12; hours += 0.5) {
      clock.advance(30 * 60_000);
      expect((await client.get('/api/session')).status, `after ${hours} hours`).toBe(200);
    }
    // ...and over once it is older than the limit.
    clock.advance(60_000);
    const before = await storedCounts(server.databaseUrl);
    expectError(await client.get('/api/session'), 401, 'unauthenticated');
    // The expired cookie with its (once valid) CSRF token writes nothing.
    expectError(await client.sendEvent(created.body.id, 'UNRESOLVED', { attendees: ['lb-merton'] }, 1), 401, 'unauthenticated');
    expectError(await client.createCase('merton', 'dispute-resolution', { summary: 'After' }), 401, 'unauthenticated');
    expect(await storedCounts(server.databaseUrl)).toEqual(before);
  });

  test('expired sessions are deleted at start-up, though nobody uses them again', async () => {
    const clock = sessionClock();
    const policy = { idleMs: 30 * 60_000, absoluteMs: 12 * 3_600_000 };
    server = await startTestServer({ sessionPolicy: policy, sessionClock: clock.now });
    await ApiClient.signIn(server, 'merton.statutory-partner');
    clock.advance(20 * 60_000);
    const later = await ApiClient.signIn(server, 'merton.business-unit');
    clock.advance(20 * 60_000); // the first is now idle for 40 minutes, the second for 20
    await server.restart({ sessionPolicy: policy, sessionClock: clock.now });
    expect(await sessionRows(server.databaseUrl)).toEqual([{ username: 'merton.business-unit' }]);
    expect((await later.get('/api/session')).status).toBe(200);
  });

  test('signing in again from the same browser replaces the session: the old cookie stops working', async () => {
    server = await startTestServer();
    const browser = await ApiClient.signIn(server, 'merton.statutory-partner');
    const oldCookie = browser.cookie;
    const oldToken = browser.csrfToken;
    // The browser sends its current cookie with the new sign-in, as browsers do.
    const again = await browser.request('POST', '/api/session', { username: 'merton.business-unit', password: 'demo' });
    expect(again.status).toBe(200);
    expect(browser.cookie).not.toBe(oldCookie);
    expect(browser.csrfToken).not.toBe(oldToken);
    expect((await browser.get('/api/session')).body.user.username).toBe('merton.business-unit');

    const stale = new ApiClient(server);
    stale.cookie = oldCookie;
    stale.csrfToken = oldToken;
    expectError(await stale.get('/api/session'), 401, 'unauthenticated');
    expectError(await stale.createCase('merton', 'dispute-resolution', { summary: 'With the old cookie' }), 401, 'unauthenticated');
  });

  test('signing out ends the session on the server, not just in the browser', async () => {
    server = await startTestServer();
    const client = await ApiClient.signIn(server, 'merton.statutory-partner');
    const copy = new ApiClient(server);
    copy.cookie = client.cookie;
    const out = await client.request('DELETE', '/api/session');
    expect(out.status).toBe(204);
    expect(out.headers.get('set-cookie')).toMatch(/^sid=;/);
    expectError(await copy.get('/api/session'), 401, 'unauthenticated');
  });

  test('the session cookie is HttpOnly, SameSite=Strict and scoped to the whole site', async () => {
    server = await startTestServer();
    const res = await new ApiClient(server).request('POST', '/api/session', { username: 'merton.statutory-partner', password: 'demo' });
    const cookie = res.headers.get('set-cookie')!;
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Strict/i);
    expect(cookie).toMatch(/Path=\//);
    // The CSRF token is in the body, for the page's script; it is not a cookie another site could send.
    expect(cookie).not.toContain(res.body.csrfToken);
  });
});

describe("a change to the user ends the user's sessions", () => {
  async function user(username: string, roles: string[], password: string): Promise<UserRecord> {
    return { username, partnership: 'merton', roles, passwordHash: await hashPassword(password), passwordPolicy: PASSWORD_POLICY };
  }

  test('new roles or a new password in the users file end that user\'s sessions at start-up; other users stay signed in', async () => {
    const alicePassword = 'alice has a long passphrase';
    const bobPassword = 'bob keeps another passphrase';
    const alice = await user('alice', ['statutory-partner'], alicePassword);
    const bob = await user('bob', ['business-unit'], bobPassword);
    const carol = await user('carol', ['statutory-partner'], 'carol uses a third passphrase');
    const file = (name: string, users: UserRecord[]) => {
      const path = join(server!.dir, name);
      writeFileSync(path, JSON.stringify(users));
      return path;
    };
    server = await startTestServer({ demo: false });
    await server.restart({ usersFile: file('users-1.json', [alice, bob, carol]) });
    const [asAlice, asBob, asCarol] = await Promise.all([
      ApiClient.signIn(server, 'alice', alicePassword),
      ApiClient.signIn(server, 'bob', bobPassword),
      ApiClient.signIn(server, 'carol', 'carol uses a third passphrase'),
    ]);

    // Alice gains a role; Bob's password is set again (the same password, so a new salted hash); Carol is unchanged.
    await server.restart({
      usersFile: file('users-2.json', [{ ...alice, roles: ['statutory-partner', 'business-unit'] }, await user('bob', ['business-unit'], bobPassword), carol]),
    });
    // Ended at start-up: their rows are gone before anyone uses them.
    expect(await sessionRows(server.databaseUrl)).toEqual([{ username: 'carol' }]);
    expectError(await asAlice.get('/api/session'), 401, 'unauthenticated');
    expectError(await asBob.createCase('merton', 'dispute-resolution', { summary: 'With the old roles' }), 401, 'unauthenticated');
    expect((await asCarol.get('/api/session')).body.user.username).toBe('carol');
    // Signing in again gives the new roles.
    expect((await ApiClient.signIn(server, 'alice', alicePassword)).user!.roles).toEqual(['statutory-partner', 'business-unit']);

    // Carol leaves the users file: her session ends too.
    await server.restart({ usersFile: file('users-3.json', [alice, bob]) });
    expectError(await asCarol.get('/api/session'), 401, 'unauthenticated');
  });
});
