import { readFileSync } from 'node:fs';
import type { Catalogue } from '../engine/catalogue.ts';
import { hashPassword, verifyPassword } from './passwords.ts';

export interface UserRecord {
  username: string;
  partnership: string;
  roles: string[];
  passwordHash: string;
}

export interface UserDirectory {
  find(username: string): UserRecord | undefined;
  /** The user when the password is right; the same work is done for an unknown name, so timing tells nothing. */
  authenticate(username: string, password: string): Promise<UserRecord | undefined>;
}

export const DEMO_PASSWORD = 'demo';

export function userDirectory(users: UserRecord[], decoyHash: string): UserDirectory {
  const byName = new Map(users.map((u) => [u.username, u]));
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
 * of the shared password: demo mode is for trying the product, never for real data.
 */
export async function demoUsers(catalogue: Catalogue): Promise<UserRecord[]> {
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  return [...catalogue.partnerships.values()].flatMap((p) =>
    p.def.roles.map((role) => ({ username: `${p.def.id}.${role.id}`, partnership: p.def.id, roles: [role.id], passwordHash })),
  );
}

/**
 * Production users: a JSON file of `{username, partnership, roles, passwordHash}` written by
 * `npm run add-user`. Every partnership and role must exist, so a typo cannot lock someone out silently.
 */
export function readUsersFile(path: string, catalogue: Catalogue): UserRecord[] {
  const users = JSON.parse(readFileSync(path, 'utf8')) as UserRecord[];
  if (!Array.isArray(users)) throw new Error(`${path}: expected a JSON array of users`);
  const seen = new Set<string>();
  for (const user of users) {
    if (typeof user?.username !== 'string' || user.username === '') throw new Error(`${path}: every user needs a username`);
    if (seen.has(user.username)) throw new Error(`${path}: user "${user.username}" appears twice`);
    seen.add(user.username);
    if (!Array.isArray(user.roles) || user.roles.length === 0) throw new Error(`${path}: user "${user.username}" needs a list of roles`);
    const partnership = catalogue.partnerships.get(user.partnership);
    if (partnership === undefined) throw new Error(`${path}: user "${user.username}" names an unknown partnership "${user.partnership}"`);
    const known = new Set(partnership.def.roles.map((r) => r.id));
    const unknown = user.roles.filter((r) => !known.has(r));
    if (unknown.length > 0) throw new Error(`${path}: user "${user.username}" has unknown roles ${unknown.join(', ')}`);
    if (!user.passwordHash?.startsWith('scrypt$')) throw new Error(`${path}: user "${user.username}" has no scrypt password hash`);
  }
  return users;
}

/**
 * The users whose password is `password`. Production refuses to start when any user still has the
 * demo password: the one secret a stranger could guess from this README.
 */
export async function usersWithPassword(users: UserRecord[], password: string): Promise<string[]> {
  const matches = await Promise.all(users.map((u) => verifyPassword(password, u.passwordHash)));
  return users.filter((_, i) => matches[i]).map((u) => u.username);
}
