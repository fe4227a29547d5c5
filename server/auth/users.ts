import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Catalogue } from '../engine/catalogue.ts';
import { PSEUDO_ROLES } from '../engine/definition.ts';
import { hashPassword, verifyPassword } from './passwords.ts';
import { PASSWORD_POLICY } from './password-policy.ts';

export interface UserRecord {
  username: string;
  partnership: string;
  roles: string[];
  passwordHash: string;
  /** The password policy add-user checked the password against (see password-policy.ts); absent for demo users. */
  passwordPolicy?: string;
  /** Where their notifications are emailed (when SMTP_URL is set); demo users have `<username>@example.org`. */
  email?: string;
}

/** A user as the server knows them, with the fingerprint their sessions are bound to. */
export interface KnownUser extends UserRecord {
  fingerprint: string;
}

export interface UserDirectory {
  find(username: string): KnownUser | undefined;
  /** The user when the password is right; the same work is done for an unknown name, so timing tells nothing. */
  authenticate(username: string, password: string): Promise<KnownUser | undefined>;
}

export const DEMO_PASSWORD = 'demo';

/**
 * What a session is bound to: the user's partnership, roles and password hash. A new password or a
 * change of roles in the users file changes it, and the sessions started before end (see
 * loadSession). The hash is salted, so the fingerprint tells nothing about the password.
 */
export function userFingerprint(user: UserRecord): string {
  return createHash('sha256').update(JSON.stringify([user.partnership, [...user.roles].sort(), user.passwordHash])).digest('base64url');
}

/**
 * The engine's pseudo-roles, `system` (which sends timer events) and `raiser` (whoever raised a
 * case), are not usernames: a person called "system" or "raiser" would read, in history and in the
 * configuration's role lists, like the engine or like every case's raiser.
 */
const RESERVED_USERNAMES = new Set<string>(Object.values(PSEUDO_ROLES));

/** Why `username` cannot be used, or undefined. */
export function usernameProblem(username: string): string | undefined {
  if (!/^[A-Za-z0-9._@-]{1,100}$/.test(username)) return 'A username is 1 to 100 letters, digits, ".", "_", "@" or "-"';
  if (RESERVED_USERNAMES.has(username.toLowerCase())) return `"${username}" is reserved: the server uses it for itself; choose another username`;
  return undefined;
}

/** Why `email` is not an address notifications can go to, or undefined. */
export function emailProblem(email: string): string | undefined {
  if (!/^[^\s@<>(),;:"\\]{1,64}@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$/.test(email) || email.length > 254) return `"${email}" is not an email address like j.smith@council.gov.uk`;
  return undefined;
}

export function userDirectory(users: UserRecord[], decoyHash: string): UserDirectory {
  const byName = new Map(users.map((u): [string, KnownUser] => [u.username, { ...u, fingerprint: userFingerprint(u) }]));
  return {
    find: (username) => byName.get(username),
    async authenticate(username, password) {
      const user = byName.get(username);
      const ok = await verifyPassword(password, user?.passwordHash ?? decoyHash);
      return ok && user !== undefined ? user : undefined;
    },
  };
}

/**
 * One user per role per partnership, `<partnership>.<role>`, password `demo`. They share one hash
 * of the shared password: demo mode is for trying the product, never for real data. The salt is
 * fixed, so the hash, and with it every session's fingerprint, is the same after a restart; the
 * password is public anyway.
 */
const DEMO_SALT = Buffer.from('demo-mode-salt-0');

export async function demoUsers(catalogue: Catalogue): Promise<UserRecord[]> {
  const passwordHash = await hashPassword(DEMO_PASSWORD, DEMO_SALT);
  return [...catalogue.partnerships.values()].flatMap((p) =>
    p.def.roles.map((role) => ({ username: `${p.def.id}.${role.id}`, partnership: p.def.id, roles: [role.id], passwordHash, email: `${p.def.id}.${role.id}@example.org` })),
  );
}

/**
 * Production users: a JSON file of `{username, partnership, roles, passwordHash, passwordPolicy}`
 * written by `npm run add-user`. Every partnership and role must exist, so a typo cannot lock someone
 * out silently, and every password must have been checked against the current policy.
 */
export function readUsersFile(path: string, catalogue: Catalogue): UserRecord[] {
  const users = JSON.parse(readFileSync(path, 'utf8')) as UserRecord[];
  if (!Array.isArray(users)) throw new Error(`${path}: expected a JSON array of users`);
  const seen = new Set<string>();
  for (const user of users) {
    if (typeof user?.username !== 'string' || user.username === '') throw new Error(`${path}: every user needs a username`);
    const badName = usernameProblem(user.username);
    if (badName !== undefined) throw new Error(`${path}: user "${user.username}": ${badName}`);
    if (seen.has(user.username)) throw new Error(`${path}: user "${user.username}" appears twice`);
    seen.add(user.username);
    if (!Array.isArray(user.roles) || user.roles.length === 0) throw new Error(`${path}: user "${user.username}" needs a list of roles`);
    const partnership = catalogue.partnerships.get(user.partnership);
    if (partnership === undefined) throw new Error(`${path}: user "${user.username}" names an unknown partnership "${user.partnership}"`);
    const known = new Set(partnership.def.roles.map((r) => r.id));
    const unknown = user.roles.filter((r) => !known.has(r));
    if (unknown.length > 0) throw new Error(`${path}: user "${user.username}" has unknown roles ${unknown.join(', ')}`);
    if (user.email !== undefined && (typeof user.email !== 'string' || emailProblem(user.email) !== undefined)) throw new Error(`${path}: user "${user.username}" has an email that is not an address`);
    if (!user.passwordHash?.startsWith('scrypt$')) throw new Error(`${path}: user "${user.username}" has no scrypt password hash`);
    if (user.passwordPolicy !== PASSWORD_POLICY) {
      throw new Error(
        `${path}: user "${user.username}" has a password that was not checked against the password policy (${PASSWORD_POLICY}: at least 12 characters, not a common password); set it with npm run add-user -- --replace`,
      );
    }
  }
  return users;
}

/**
 * The users whose password is `password`. Production refuses to start when any user still has the
 * demo password (the one secret a stranger could guess from the README) or one of the commonest.
 */
export async function usersWithPassword(users: UserRecord[], password: string): Promise<string[]> {
  const matches = await Promise.all(users.map((u) => verifyPassword(password, u.passwordHash)));
  return users.filter((_, i) => matches[i]).map((u) => u.username);
}
