import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { hashPassword, verifyPassword } from '../../server/auth/passwords.ts';
import { PASSWORD_POLICY } from '../../server/auth/password-policy.ts';
import {
  DEMO_PASSWORD,
  demoUsers,
  emailProblem,
  readUsersFile,
  userDirectory,
  userFingerprint,
  usernameProblem,
  usersWithPassword,
  type UserRecord,
} from '../../server/auth/users.ts';
import { shippedCatalogue } from '../support/catalogue.ts';

let dir: string;
let hash: string;
let otherHash: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'auth-users-'));
  [hash, otherHash] = await Promise.all([hashPassword('tulip kettle orbit'), hashPassword('another long one')]);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const ann: UserRecord = { username: 'ann', partnership: 'merton', roles: ['practitioner', 'business-unit'], passwordHash: 'scrypt$1$2$3$salt$key' };

test("a user's fingerprint is a hash of their partnership, roles in any order, and password hash", () => {
  const expected = createHash('sha256').update(JSON.stringify(['merton', ['business-unit', 'practitioner'], 'scrypt$1$2$3$salt$key'])).digest('base64url');
  expect(userFingerprint(ann)).toBe(expected);
  const reordered = { ...ann, roles: ['business-unit', 'practitioner'] };
  expect(userFingerprint(reordered)).toBe(expected);
  // The user's own list is left as it was.
  expect(ann.roles).toEqual(['practitioner', 'business-unit']);
  expect(userFingerprint({ ...ann, email: 'ann@example.org' })).toBe(expected);
  expect(userFingerprint({ ...ann, partnership: 'leicester' })).not.toBe(expected);
  expect(userFingerprint({ ...ann, roles: ['practitioner'] })).not.toBe(expected);
  expect(userFingerprint({ ...ann, passwordHash: 'scrypt$1$2$3$salt$other' })).not.toBe(expected);
});

test('a username is 1 to 100 letters, digits, dots, underscores, at signs or hyphens', () => {
  const rule = 'A username is 1 to 100 letters, digits, ".", "_", "@" or "-"';
  for (const good of ['a', 'merton.statutory-partner', 'J_Smith@council', 'x'.repeat(100), 'Z9']) expect(usernameProblem(good)).toBeUndefined();
  for (const bad of ['', 'x'.repeat(101), 'j smith', 'ann!', 'anné', ' ann', 'ann\n']) expect(usernameProblem(bad)).toBe(rule);
});

test('"system" and "raiser", in any case, are reserved for the engine', () => {
  expect(usernameProblem('system')).toBe('"system" is reserved: the server uses it for itself; choose another username');
  expect(usernameProblem('Raiser')).toBe('"Raiser" is reserved: the server uses it for itself; choose another username');
  expect(usernameProblem('systems')).toBeUndefined();
});

test('an email address needs a local part and a dotted domain, and at most 254 characters', () => {
  for (const good of ['j.smith@council.gov.uk', 'a@b.co', `${'l'.repeat(64)}@example.org`, `a@${'d'.repeat(248)}.org`]) expect(emailProblem(good)).toBeUndefined();
  const bad = ['j.smith', 'j.smith@council', '@council.gov.uk', 'j smith@council.gov.uk', 'j.smith@council.gov.uk ', ' j.smith@council.gov.uk', 'a@b@c.org', '<a>@b.org', `${'l'.repeat(65)}@example.org`, `a@${'d'.repeat(249)}.org`, 'a@b..org', 'a@b.org.', 'a@b_c.org'];
  for (const address of bad) expect(emailProblem(address)).toBe(`"${address}" is not an email address like j.smith@council.gov.uk`);
});

test('the directory finds users by name and lets in only the right password for a user who exists', async () => {
  const users = userDirectory([{ ...ann, passwordHash: hash }, { ...ann, username: 'bob', passwordHash: otherHash }], otherHash);
  const found = users.find('ann');
  expect(found).toEqual({ ...ann, passwordHash: hash, fingerprint: userFingerprint({ ...ann, passwordHash: hash }) });
  expect(users.find('nobody')).toBeUndefined();
  expect(await users.authenticate('ann', 'tulip kettle orbit')).toEqual(found);
  expect(await users.authenticate('ann', 'another long one')).toBeUndefined();
  expect(await users.authenticate('bob', 'another long one')).toMatchObject({ username: 'bob' });
  // An unknown name is checked against the decoy; even its password does not let anyone in.
  expect(await users.authenticate('nobody', 'another long one')).toBeUndefined();
  expect(await users.authenticate('nobody', 'tulip kettle orbit')).toBeUndefined();
});

test('demo mode has one user per role of each partnership, all with the demo password and the same hash after every restart', async () => {
  const catalogue = shippedCatalogue();
  const users = await demoUsers(catalogue);
  const expected = [...catalogue.partnerships.values()].flatMap((p) => p.def.roles.map((r) => `${p.def.id}.${r.id}`));
  expect(users.map((u) => u.username)).toEqual(expected);
  expect(users.find((u) => u.username === 'merton.statutory-partner')).toEqual({
    username: 'merton.statutory-partner',
    partnership: 'merton',
    roles: ['statutory-partner'],
    passwordHash: users[0]!.passwordHash,
    email: 'merton.statutory-partner@example.org',
  });
  expect(new Set(users.map((u) => u.passwordHash)).size).toBe(1);
  expect(DEMO_PASSWORD).toBe('demo');
  expect(await verifyPassword('demo', users[0]!.passwordHash)).toBe(true);
  expect(users[0]!.passwordHash).toBe(await hashPassword('demo', Buffer.from('demo-mode-salt-0')));
  expect((await demoUsers(catalogue))[0]!.passwordHash).toBe(users[0]!.passwordHash);
});

let fileCount = 0;
function usersFile(content: unknown): string {
  const path = join(dir, `users-${fileCount++}.json`);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

const good = (over: Record<string, unknown> = {}) => ({
  username: 'j.smith',
  partnership: 'merton',
  roles: ['practitioner'],
  passwordHash: 'scrypt$32768$8$1$salt$key',
  passwordPolicy: PASSWORD_POLICY,
  ...over,
});

test('a users file written by add-user is read as it is', () => {
  const users = [good(), good({ username: 'k.jones', roles: ['business-unit', 'local-authority'], email: 'k.jones@merton.gov.uk' })];
  expect(readUsersFile(usersFile(users), shippedCatalogue())).toEqual(users);
  expect(readUsersFile(usersFile([]), shippedCatalogue())).toEqual([]);
});

test('a users file with a mistake is refused, saying which user and what is wrong', () => {
  const catalogue = shippedCatalogue();
  const refused = (content: unknown) => {
    const path = usersFile(content);
    try {
      readUsersFile(path, catalogue);
    } catch (error) {
      const message = (error as Error).message;
      expect(message.startsWith(`${path}: `)).toBe(true);
      return message.slice(path.length + 2);
    }
    throw new Error('accepted');
  };
  expect(refused({ username: 'j.smith' })).toBe('expected a JSON array of users');
  expect(refused([good({ username: undefined })])).toBe('every user needs a username');
  expect(refused([good({ username: '' })])).toBe('every user needs a username');
  expect(refused([good({ username: 7 })])).toBe('every user needs a username');
  expect(refused([null])).toBe('every user needs a username');
  expect(refused([good({ username: 'j smith' })])).toBe('user "j smith": A username is 1 to 100 letters, digits, ".", "_", "@" or "-"');
  expect(refused([good({ username: 'System' })])).toBe('user "System": "System" is reserved: the server uses it for itself; choose another username');
  expect(refused([good(), good({ roles: ['business-unit'] })])).toBe('user "j.smith" appears twice');
  expect(refused([good({ roles: [] })])).toBe('user "j.smith" needs a list of roles');
  expect(refused([good({ roles: 'practitioner' })])).toBe('user "j.smith" needs a list of roles');
  expect(refused([good({ partnership: 'mertonn' })])).toBe('user "j.smith" names an unknown partnership "mertonn"');
  expect(refused([good({ roles: ['practitioner', 'lscb', 'chair'] })])).toBe('user "j.smith" has unknown roles lscb, chair');
  expect(refused([good({ email: 'j.smith' })])).toBe('user "j.smith" has an email that is not an address');
  expect(refused([good({ email: 42 })])).toBe('user "j.smith" has an email that is not an address');
  // A list holding one address reads as that address when made a string: still not an address.
  expect(refused([good({ email: ['j.smith@example.org'] })])).toBe('user "j.smith" has an email that is not an address');
  expect(refused([good({ passwordHash: undefined })])).toBe('user "j.smith" has no scrypt password hash');
  expect(refused([good({ passwordHash: 'bcrypt$2b$10$abc' })])).toBe('user "j.smith" has no scrypt password hash');
  expect(refused([good({ passwordHash: 'xscrypt$1' })])).toBe('user "j.smith" has no scrypt password hash');
  const unchecked = `user "j.smith" has a password that was not checked against the password policy (${PASSWORD_POLICY}: at least 12 characters, not a common password); set it with npm run add-user -- --replace`;
  expect(refused([good({ passwordPolicy: undefined })])).toBe(unchecked);
  expect(refused([good({ passwordPolicy: 'min-8-v0' })])).toBe(unchecked);
  // The first mistake is the one told, and only after every earlier user was accepted.
  expect(refused([good({ username: 'a.first' }), good({ username: 'b.second', roles: [] }), good({ username: 'c third' })])).toBe('user "b.second" needs a list of roles');
});

test('a users file that is not JSON is refused', () => {
  expect(() => readUsersFile(usersFile('[{"username": '), shippedCatalogue())).toThrow(SyntaxError);
});

test('start-up finds the users whose password is a given one', async () => {
  const users = [
    { ...ann, passwordHash: hash },
    { ...ann, username: 'bob', passwordHash: otherHash },
    { ...ann, username: 'cal', passwordHash: hash },
  ];
  expect(await usersWithPassword(users, 'tulip kettle orbit')).toEqual(['ann', 'cal']);
  expect(await usersWithPassword(users, 'another long one')).toEqual(['bob']);
  expect(await usersWithPassword(users, 'demo')).toEqual([]);
  expect(await usersWithPassword([], 'demo')).toEqual([]);
});
