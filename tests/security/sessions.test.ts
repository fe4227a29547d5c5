import { createHash } from 'node:crypto';
import { afterEach, describe, expect, test } from 'vitest';
import { verifyPassword } from '../../server/auth/passwords.ts';
import { demoUsers } from '../../server/auth/users.ts';
import { loadCatalogue } from '../../server/config/index.ts';
import { sqlitePath } from '../../server/main.ts';
import { openConnection } from '../../server/store/sqlite.ts';
import { ApiClient, startTestServer, type TestServer } from '../support/server.ts';
import { expectError, PROJECT_ROOT, sleep, storedCounts } from './support.ts';

/** Passwords at rest, and sessions: how they end, and that a new sign-in replaces the old token. */
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
    const [other] = await demoUsers(loaded.catalogue);
    expect(other!.passwordHash).not.toBe(user!.passwordHash);
    expect(await verifyPassword('demo', other!.passwordHash)).toBe(true);
  });

  test('the database holds only a hash of each session token, so a copy of it signs nobody in', async () => {
    server = await startTestServer();
    const client = await ApiClient.signIn(server, 'merton.statutory-partner');
    const token = client.cookie.replace(/^sid=/, '');
    expect(token.length).toBeGreaterThanOrEqual(43); // 32 random bytes
    const db = await openConnection(sqlitePath(server.databaseUrl), { readOnly: true });
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

describe('session lifetime', () => {
  test('a session unused for longer than the idle time ends; one in use does not', async () => {
    server = await startTestServer({ sessionPolicy: { idleMs: 1_000, absoluteMs: 60_000 } });
    const idle = await ApiClient.signIn(server, 'merton.statutory-partner');
    expect((await idle.get('/api/session')).status).toBe(200);
    const busy = await ApiClient.signIn(server, 'merton.statutory-partner');
    // The busy session is used every 100 ms for more than two idle periods; the idle one waits.
    for (let i = 0; i < 22; i++) {
      await sleep(100);
      expect((await busy.get('/api/cases')).status).toBe(200);
    }
    expectError(await idle.get('/api/session'), 401, 'unauthenticated');
    expect((await busy.get('/api/session')).status).toBe(200);
  });

  test('a session ends at the absolute limit however busy, and its writes are refused', async () => {
    server = await startTestServer({ now: '2020-10-01', sessionPolicy: { idleMs: 60_000, absoluteMs: 1_000 } });
    const signedIn = Date.now();
    const client = await ApiClient.signIn(server, 'merton.statutory-partner');
    const created = await client.createCase('merton', 'dispute-resolution', { summary: 'Before the session ended' });
    expect(created.status).toBe(201);
    // Busy for the first half of its life (well inside it, however slow the machine)...
    while (Date.now() < signedIn + 500) {
      expect((await client.get('/api/session')).status).toBe(200);
      await sleep(100);
    }
    // ...and over once it is older than the limit.
    await sleep(signedIn + 1_300 - Date.now());
    const before = await storedCounts(server.databaseUrl);
    expectError(await client.get('/api/session'), 401, 'unauthenticated');
    // The expired cookie with its (once valid) CSRF token writes nothing.
    expectError(await client.sendEvent(created.body.id, 'UNRESOLVED', { attendees: ['lb-merton'] }, 1), 401, 'unauthenticated');
    expectError(await client.createCase('merton', 'dispute-resolution', { summary: 'After' }), 401, 'unauthenticated');
    expect(await storedCounts(server.databaseUrl)).toEqual(before);
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
