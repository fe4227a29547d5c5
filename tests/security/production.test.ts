import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { hashPassword } from '../../server/auth/passwords.ts';
import { PASSWORD_POLICY } from '../../server/auth/password-policy.ts';
import { startServer, StartupError } from '../../server/main.ts';
import { ApiClient } from '../support/server.ts';
import { expectError, PROJECT_ROOT, runScript } from './support.ts';

/**
 * Production (NODE_ENV=production) has no demo users and no default password: it refuses to start
 * without a users file, or with demo users, or when anyone's password is still "demo" or one of the
 * commonest. Users are added with `npm run add-user`, which takes the password on stdin only, checks
 * it against the password policy and records that it did; start-up refuses entries without that record.
 */
let dir: string;
const PASSWORD = 'correct horse battery staple';

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'production-test-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const database = (name: string) => `sqlite:${join(dir, `${name}.sqlite`)}`;

function addUser(file: string, args: string[], password = PASSWORD) {
  return runScript('scripts/add-user.ts', ['--file', file, ...args, '--password-stdin'], { input: `${password}\n` });
}

/** An entry as add-user writes it, for a password it would never have accepted. */
async function entry(username: string, password: string, roles = ['business-unit']) {
  return { username, partnership: 'merton', roles, passwordHash: await hashPassword(password), passwordPolicy: PASSWORD_POLICY };
}

describe('start-up in production', () => {
  test('refuses to start without a users file', async () => {
    await expect(startServer({ port: 0, production: true, databaseUrl: database('a') })).rejects.toThrow(StartupError);
    await expect(startServer({ port: 0, production: true, databaseUrl: database('a') })).rejects.toThrow(/USERS_FILE/);
  });

  test('refuses demo users', async () => {
    const file = join(dir, 'any-users.json');
    writeFileSync(file, '[]');
    await expect(startServer({ port: 0, production: true, demo: true, usersFile: file, databaseUrl: database('b') })).rejects.toThrow(/[Dd]emo users are refused/);
  });

  test('`NODE_ENV=production npm start` without USERS_FILE exits with the reason', async () => {
    const env: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: 'production', PORT: '0', DATABASE_URL: database('c') };
    delete env.USERS_FILE;
    const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], { cwd: PROJECT_ROOT, env });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    const code = await new Promise<number | null>((done) => child.once('exit', done));
    expect(code).toBe(1);
    expect(output).toMatch(/USERS_FILE must name the users file/);
    expect(output).not.toMatch(/serving/);
  });

  test('refuses a users file in which anyone still has the password "demo"', async () => {
    const file = join(dir, 'demo-password.json');
    writeFileSync(file, JSON.stringify([await entry('alice', PASSWORD), await entry('bob', 'demo', ['statutory-partner'])]));
    await expect(startServer({ port: 0, production: true, usersFile: file, databaseUrl: database('d') })).rejects.toThrow(/bob/);
    await expect(startServer({ port: 0, production: true, usersFile: file, databaseUrl: database('d') })).rejects.toThrow(/demo password/);
  });

  test('refuses a users file in which anyone has one of the commonest long passwords', async () => {
    const file = join(dir, 'common-password.json');
    writeFileSync(file, JSON.stringify([await entry('alice', PASSWORD), await entry('carol', 'password1234')]));
    await expect(startServer({ port: 0, production: true, usersFile: file, databaseUrl: database('f') })).rejects.toThrow(
      /commonest passwords \("password1234"\): carol\. Set a new one with npm run add-user -- --replace/,
    );
  });

  test('refuses a users file entry whose password was not checked against the password policy', async () => {
    const file = join(dir, 'unchecked.json');
    const { passwordPolicy: _, ...unchecked } = await entry('dave', PASSWORD);
    writeFileSync(file, JSON.stringify([await entry('alice', PASSWORD), unchecked]));
    // In demo mode too: the check is of the file, not of the environment.
    for (const production of [true, false]) {
      await expect(startServer({ port: 0, production, usersFile: file, databaseUrl: database('g') })).rejects.toThrow(
        /"dave" has a password that was not checked against the password policy .*npm run add-user -- --replace/,
      );
    }
  });

  test('refuses the usernames "system" and "raiser" in the users file', async () => {
    for (const username of ['system', 'raiser', 'System']) {
      const file = join(dir, `reserved-${username}.json`);
      writeFileSync(file, JSON.stringify([await entry(username, PASSWORD)]));
      await expect(startServer({ port: 0, production: true, usersFile: file, databaseUrl: database('h') })).rejects.toThrow(/is reserved/);
    }
  });
});

describe('npm run add-user', () => {
  test('adds a user who can then sign in to production, where the demo users cannot', async () => {
    const file = join(dir, 'users.json');
    const added = await addUser(file, ['--username', 'a.partner', '--partnership', 'merton', '--roles', 'statutory-partner,business-unit']);
    expect(added.code, added.stderr).toBe(0);
    expect(added.stdout).toMatch(/Added a\.partner \(merton: statutory-partner, business-unit\)/);
    const stored = readFileSync(file, 'utf8');
    expect(stored).not.toContain(PASSWORD);
    expect(JSON.parse(stored)[0].passwordHash).toMatch(/^scrypt\$/);
    // It records the policy the password was checked against, which start-up requires.
    expect(JSON.parse(stored)[0].passwordPolicy).toBe(PASSWORD_POLICY);
    // The file holds password hashes: only its owner may read it.
    expect(statSync(file).mode & 0o077).toBe(0);

    const server = await startServer({ port: 0, production: true, usersFile: file, databaseUrl: database('e'), now: '2020-10-01' });
    try {
      const signIn = await new ApiClient(server).request('POST', '/api/session', { username: 'a.partner', password: PASSWORD });
      expect(signIn.status).toBe(200);
      expect(signIn.body.user).toEqual({ username: 'a.partner', partnership: 'merton', roles: ['statutory-partner', 'business-unit'] });
      // Production cookies are Secure: they travel over HTTPS only.
      expect(signIn.headers.get('set-cookie')).toMatch(/;\s*Secure/i);
      // Behind TLS, browsers are told to stay on HTTPS.
      expect(signIn.headers.get('strict-transport-security')).toMatch(/max-age=\d{7,}/);
      expect(signIn.headers.get('content-security-policy')).toContain('upgrade-insecure-requests');
      expectError(await new ApiClient(server).request('POST', '/api/session', { username: 'merton.statutory-partner', password: 'demo' }), 401, 'unauthenticated');
      expectError(await new ApiClient(server).request('POST', '/api/session', { username: 'a.partner', password: 'demo' }), 401, 'unauthenticated');
    } finally {
      await server.close();
    }
  });

  test('never takes the password as an argument', async () => {
    const file = join(dir, 'argument.json');
    const result = await runScript('scripts/add-user.ts', ['--file', file, '--username', 'x', '--partnership', 'merton', '--roles', 'practitioner', '--password', PASSWORD]);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/never taken as arguments/);
    const inline = await runScript('scripts/add-user.ts', ['--file', file, '--username', 'x', '--partnership', 'merton', '--roles', 'practitioner', `--password=${PASSWORD}`]);
    expect(inline.code).not.toBe(0);
    expect(existsSync(file)).toBe(false);
  });

  test('refuses a weak password, an unknown partnership or role, and a duplicate without --replace', async () => {
    const file = join(dir, 'refusals.json');
    const weak = await addUser(file, ['--username', 'x', '--partnership', 'merton', '--roles', 'practitioner'], 'short-pass');
    expect(weak.code).not.toBe(0);
    expect(weak.stderr).toMatch(/at least 12 characters/);
    // Long enough, but among the first guesses of anyone guessing: a common password or word with digits added.
    for (const common of ['Password1234!', 'qwerty123456', '123456789012', 'Safeguarding2026']) {
      const refused = await addUser(file, ['--username', 'x', '--partnership', 'merton', '--roles', 'practitioner'], common);
      expect(refused.code, common).not.toBe(0);
      expect(refused.stderr).toMatch(/too common/);
    }
    for (const username of ['system', 'raiser']) {
      const reserved = await addUser(file, ['--username', username, '--partnership', 'merton', '--roles', 'practitioner']);
      expect(reserved.code).not.toBe(0);
      expect(reserved.stderr).toMatch(new RegExp(`"${username}" is reserved`));
    }
    const partnership = await addUser(file, ['--username', 'x', '--partnership', 'narnia', '--roles', 'practitioner']);
    expect(partnership.code).not.toBe(0);
    expect(partnership.stderr).toMatch(/no partnership "narnia"/);
    const role = await addUser(file, ['--username', 'x', '--partnership', 'merton', '--roles', 'practitioner,wizard']);
    expect(role.code).not.toBe(0);
    expect(role.stderr).toMatch(/no role wizard/);
    expect(existsSync(file)).toBe(false);

    expect((await addUser(file, ['--username', 'x', '--partnership', 'merton', '--roles', 'practitioner'])).code).toBe(0);
    const duplicate = await addUser(file, ['--username', 'x', '--partnership', 'merton', '--roles', 'business-unit']);
    expect(duplicate.code).not.toBe(0);
    expect(duplicate.stderr).toMatch(/already in/);
    const replaced = await runScript('scripts/add-user.ts', ['--file', file, '--username', 'x', '--partnership', 'merton', '--roles', 'business-unit', '--replace'], { input: 'another long password' });
    expect(replaced.code, replaced.stderr).toBe(0);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual([expect.objectContaining({ username: 'x', roles: ['business-unit'] })]);
  });
});
