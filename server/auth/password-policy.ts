/**
 * The password policy: at least 12 characters, not a common password, not the username. `npm run
 * add-user` checks it and records `PASSWORD_POLICY` with the hash it writes.
 *
 * The users file holds only scrypt hashes, so start-up cannot re-check a password, only trust the
 * tool that set it: `readUsersFile` refuses entries that do not carry the current policy's name
 * (written by hand, or by an older add-user), so everyone in the file had their password checked
 * in full. In production, start-up also tries `commonestLong` against every hash, in case an entry
 * was copied in with the marker but not through the tool; it is a short list, since each try costs
 * one scrypt per user. Raising the policy means a new name here, and everyone set again with
 * `npm run add-user -- --replace`.
 */
import { readFileSync } from 'node:fs';

/** The name recorded with each hash; change it whenever the rules below change. */
export const PASSWORD_POLICY = 'min-12-not-common-v1';
export const MIN_PASSWORD_LENGTH = 12;

const data = JSON.parse(readFileSync(new URL('./common-passwords.json', import.meta.url), 'utf8')) as {
  words: string[];
  commonestLong: string[];
};
const COMMON = new Set(data.words);
export const COMMONEST_LONG_PASSWORDS: readonly string[] = data.commonestLong;

/** Why `password` is refused for `username`, or undefined when it is acceptable. */
export function passwordProblem(password: string, username: string): string | undefined {
  if ([...password].length < MIN_PASSWORD_LENGTH) return `The password must have at least ${MIN_PASSWORD_LENGTH} characters`;
  const lower = password.toLowerCase();
  if (lower.includes(username.toLowerCase())) return 'The password must not contain the username';
  // What is left once digits, spaces and punctuation are taken off both ends: "Password1234!" is "password".
  const core = lower.replace(/^[\d\s\p{P}\p{S}]+|[\d\s\p{P}\p{S}]+$/gu, '');
  if (core === '' || COMMON.has(core) || COMMON.has(lower) || new Set(lower).size < 5) {
    return 'That password is too common to be safe: choose one that is not a well-known password or word with digits added, for example three or four unrelated words';
  }
  return undefined;
}
