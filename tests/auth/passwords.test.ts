import { randomBytes, scryptSync } from 'node:crypto';
import { expect, test } from 'vitest';
import { hashPassword, verifyPassword } from '../../server/auth/passwords.ts';

test('a password is stored as scrypt with its parameters, a 16-byte salt and a 32-byte key, and checks against its hash', async () => {
  const stored = await hashPassword('correct horse battery staple');
  expect(stored).toMatch(/^scrypt\$32768\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
  expect(await verifyPassword('correct horse battery staple', stored)).toBe(true);
  expect(await verifyPassword('correct horse battery stapl', stored)).toBe(false);
  expect(await verifyPassword('', stored)).toBe(false);
});

test('the same password hashes differently each time unless the salt is given, and the key is scrypt of it', async () => {
  const salt = Buffer.from('demo-mode-salt-0');
  const fixed = await hashPassword('demo', salt);
  expect(await hashPassword('demo', salt)).toBe(fixed);
  const key = scryptSync('demo', salt, 32, { N: 2 ** 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 }).toString('base64url');
  expect(fixed).toBe(`scrypt$32768$8$1$${salt.toString('base64url')}$${key}`);
  expect(await hashPassword('demo')).not.toBe(await hashPassword('demo'));
});

test('a hash made with other stored parameters and key length still checks, so the cost can rise later', async () => {
  const salt = randomBytes(16);
  const key = scryptSync('a long passphrase', salt, 24, { N: 2 ** 12, r: 4, p: 2 });
  const stored = ['scrypt', 4096, 4, 2, salt.toString('base64url'), key.toString('base64url')].join('$');
  expect(await verifyPassword('a long passphrase', stored)).toBe(true);
  expect(await verifyPassword('a long passphrasE', stored)).toBe(false);
});

test('a stored value that is not a whole scrypt hash matches no password', async () => {
  const stored = await hashPassword('secret');
  const [, n, r, p, salt, key] = stored.split('$');
  expect(await verifyPassword('secret', ['bcrypt', n, r, p, salt, key].join('$'))).toBe(false);
  expect(await verifyPassword('secret', ['scrypt', n, r, p, '', key].join('$'))).toBe(false);
  expect(await verifyPassword('secret', ['scrypt', n, r, p, salt, ''].join('$'))).toBe(false);
  expect(await verifyPassword('secret', ['scrypt', n, r, p, salt].join('$'))).toBe(false);
  expect(await verifyPassword('secret', '')).toBe(false);
});
