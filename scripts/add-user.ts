/**
 * `npm run add-user -- --file data/users.json --username NAME --partnership merton --roles statutory-partner[,…] [--email ADDRESS]`
 *
 * Adds a user to the production users file (USERS_FILE). The password is read from standard input
 * (`--password-stdin`, or typed at a hidden prompt), never from the command line, where it would
 * stay in the shell history and be visible to every user of the machine in the process list.
 * `--replace` changes the roles and password of an existing user. The password must meet the policy
 * in server/auth/password-policy.ts, whose name is recorded with the hash: the server refuses entries
 * without it, since a hash alone cannot show what the password was.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { hashPassword } from '../server/auth/passwords.ts';
import { PASSWORD_POLICY, passwordProblem } from '../server/auth/password-policy.ts';
import { parse } from 'yaml';
import { emailProblem, usernameProblem, type UserRecord } from '../server/auth/users.ts';

const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

function fail(message: string): never {
  console.error(message);
  process.exit(1);
}

if (process.argv.slice(2).some((arg) => arg === '--password' || arg.startsWith('--password='))) {
  fail('Passwords are never taken as arguments (they would stay in the shell history and the process list). Pipe it in with --password-stdin, or type it when asked.');
}

let args;
try {
  args = parseArgs({
    options: {
      file: { type: 'string', default: process.env.USERS_FILE ?? join(PROJECT_ROOT, 'data', 'users.json') },
      username: { type: 'string' },
      partnership: { type: 'string' },
      roles: { type: 'string' },
      email: { type: 'string' },
      'password-stdin': { type: 'boolean', default: false },
      replace: { type: 'boolean', default: false },
    },
    strict: true,
  }).values;
} catch (error) {
  fail((error as Error).message);
}

const { username, partnership: partnershipId } = args;
if (!username) fail('Give --username: letters, digits, ".", "_", "@" or "-"');
const badName = usernameProblem(username);
if (badName !== undefined) fail(badName);
if (!partnershipId) fail('Give --partnership, e.g. --partnership merton');
const roles = (args.roles ?? '').split(',').map((r) => r.trim()).filter((r) => r !== '');
if (roles.length === 0) fail('Give --roles, e.g. --roles statutory-partner,business-unit');
const email = args.email?.trim();
if (email !== undefined && emailProblem(email) !== undefined) fail(emailProblem(email)!);

// Only the partnership files are read (not the whole catalogue with its forms): enough to check
// names and roles, and fast. The server checks the users file against the full configuration at start-up.
const partnerships = readPartnerships();
const knownRoles = partnerships.get(partnershipId);
if (knownRoles === undefined) fail(`There is no partnership "${partnershipId}"; known: ${[...partnerships.keys()].join(', ')}`);
const unknownRoles = roles.filter((r) => !knownRoles.includes(r));
if (unknownRoles.length > 0) fail(`${partnershipId} has no role ${unknownRoles.join(', ')}; its roles: ${knownRoles.join(', ')}`);

const file = resolve(args.file);
const users: UserRecord[] = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as UserRecord[]) : [];
if (!Array.isArray(users)) fail(`${file} is not a users file (a JSON array)`);
const existing = users.findIndex((u) => u.username === username);
if (existing >= 0 && !args.replace) fail(`${username} is already in ${file}; add --replace to change their roles and password`);

const password = args['password-stdin'] || !process.stdin.isTTY ? await readStdin() : await promptTwice();
const weak = passwordProblem(password, username);
if (weak !== undefined) fail(`${weak}; nothing was changed`);

const record: UserRecord = { username, partnership: partnershipId, roles, passwordHash: await hashPassword(password), passwordPolicy: PASSWORD_POLICY, ...(email ? { email } : {}) };
if (existing >= 0) users[existing] = record;
else users.push(record);
// Written beside the file and renamed, so a crash never leaves half a users file; readable by the owner only.
mkdirSync(dirname(file), { recursive: true });
const partial = `${file}.partial-${process.pid}`;
writeFileSync(partial, `${JSON.stringify(users, null, 2)}\n`, { mode: 0o600 });
renameSync(partial, file);
console.log(`${existing >= 0 ? 'Updated' : 'Added'} ${username} (${partnershipId}: ${roles.join(', ')}) in ${file}; ${users.length} user(s) in the file.`);

/** Partnership id → its role ids, from workflows/<id>/partnership.yaml. */
function readPartnerships(): Map<string, string[]> {
  const workflows = join(PROJECT_ROOT, 'workflows');
  const found = new Map<string, string[]>();
  for (const entry of readdirSync(workflows, { withFileTypes: true })) {
    const file = join(workflows, entry.name, 'partnership.yaml');
    if (!entry.isDirectory() || !existsSync(file)) continue;
    const def = parse(readFileSync(file, 'utf8')) as { id?: string; roles?: { id: string }[] };
    found.set(def.id ?? entry.name, (def.roles ?? []).map((r) => r.id));
  }
  return found;
}

/** The whole of standard input, without the one line break `echo` or a here-string adds. */
async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}

async function promptTwice(): Promise<string> {
  const first = await promptHidden('Password: ');
  const second = await promptHidden('Same password again: ');
  if (first !== second) fail('The two passwords differ; nothing was changed');
  return first;
}

/** Reads a line from the terminal without echoing it. */
function promptHidden(question: string): Promise<string> {
  return new Promise((resolvePrompt) => {
    const stdin = process.stdin;
    process.stdout.write(question);
    stdin.setRawMode(true);
    stdin.resume();
    let typed = '';
    const onData = (chunk: Buffer) => {
      for (const char of chunk.toString('utf8')) {
        if (char === '\u0003') {
          process.stdout.write('\n');
          process.exit(130);
        } else if (char === '\r' || char === '\n') {
          stdin.setRawMode(false);
          stdin.pause();
          stdin.off('data', onData);
          process.stdout.write('\n');
          resolvePrompt(typed);
          return;
        } else if (char === '\u007f' || char === '\b') {
          typed = typed.slice(0, -1);
        } else {
          typed += char;
        }
      }
    };
    stdin.on('data', onData);
  });
}
