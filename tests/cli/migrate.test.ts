/**
 * `npx workflows migrate PARTNERSHIP/PROCESS --to VERSION [--apply]`, the real bin against the SQLite
 * file of a real server: its output and exit codes, 0 previewed or applied, 1 refused or not found,
 * 2 a usage error. A preview changes nothing; a refused migration changes nothing.
 */
import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { runScript } from '../security/support.ts';
import { MIGRATION_FILE, PARTNERSHIP, PROCESS, RENAMED, versionedCases, type VersionedCases } from '../support/versioned-cases.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const REF = `${PARTNERSHIP}/${PROCESS}`;
let fixture: VersionedCases;

function migrate(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const options = { cwd: ROOT, env: { ...process.env, DATABASE_URL: `sqlite:${fixture.file}`, ...env } };
    execFile('npx', ['workflows', 'migrate', ...args], options, (error, stdout, stderr) => {
      done({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : -1, stdout, stderr });
    });
  });
}

const lineOf = (path: string, needle: string) => readFileSync(path, 'utf8').split('\n').findIndex((l) => l.includes(needle)) + 1;

const MAPPING = `# yaml-language-server: $schema=../../migration.schema.json
process: ${PROCESS}
from: 1
to: 2
reason: Stage 2 is now mediation
states:
  ${RENAMED.from}: ${RENAMED.to}
`;

beforeAll(async () => {
  fixture = await versionedCases();
}, 60_000);
afterAll(() => fixture.close());

describe('npx workflows migrate', { timeout: 120_000 }, () => {
  test('--help (0); usage errors (2)', async () => {
    const [help, none, noTo, badTo, atVersion, option] = await Promise.all([
      migrate(['--help']),
      migrate([]),
      migrate([REF]),
      migrate([REF, '--to', 'two']),
      migrate([`${REF}@2`, '--to', '2']),
      migrate([REF, '--to', '2', '--force']),
    ]);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: workflows migrate PARTNERSHIP\/PROCESS --to VERSION \[--apply\]/);
    expect(help.stdout).toContain('Example:');
    expect(help.stdout).toMatch(/npx workflows migrate [a-z-]+\/[a-z-]+ --to 2 --apply/);
    for (const r of [none, noTo, badTo, atVersion, option]) expect(r.code, r.stderr).toBe(2);
    expect(none.stderr).toContain('name one process: PARTNERSHIP/PROCESS');
    expect(noTo.stderr).toContain('say which version the cases move to: --to VERSION');
    expect(badTo.stderr).toContain('--to must be a whole number from 1, not "two"');
    expect(atVersion.stderr).toContain('say the version the cases move to with --to 2, not @2');
    expect(option.stderr).toContain('unknown option --force');
  });

  test('a process, a migration file or a database that does not exist (1)', async () => {
    const [process, file, database] = await Promise.all([
      migrate([`${PARTNERSHIP}/no-such-process`, '--to', '2', '--root', fixture.root]),
      migrate([REF, '--to', '2', '--root', fixture.root]),
      migrate([REF, '--to', '2', '--root', fixture.root, '--file', join(fixture.root, MIGRATION_FILE)], { DATABASE_URL: `sqlite:${join(fixture.root, 'none.sqlite')}` }),
    ]);
    for (const r of [process, file, database]) expect(r.code, r.stderr).toBe(1);
    expect(process.stderr).toContain(`${PARTNERSHIP} has no process "no-such-process"`);
    expect(file.stderr).toContain(`there is no migration of ${REF} to version 2: write ${join('workflows', PARTNERSHIP, 'migrations', `${PROCESS}.FROM-to-2.yaml`)}`);
    expect(database.stderr).toContain('there is no file');
  });

  test('refused, every problem at its file and line, and nothing changed, with or without --apply (1)', async () => {
    const before = await fixture.snapshot();
    const path = fixture.writeMigration(`process: ${PROCESS}\nfrom: 1\nto: 2\nstates: {}\n`);
    for (const args of [[], ['--apply']]) {
      const stranding = await migrate([REF, '--to', '2', '--root', fixture.root, ...args]);
      expect(stranding.code, stranding.stdout + stranding.stderr).toBe(1);
      expect(stranding.stderr).toContain(`${MIGRATION_FILE}:${lineOf(path, 'states:')}: 2 running case(s) are in "${RENAMED.from}"`);
      expect(stranding.stderr).toContain('1 problem(s) found; the migration is refused and nothing was changed.');
      expect(stranding.stdout).toBe('');
    }

    fixture.writeMigration(`process: ${PROCESS}\nfrom: 1\nto: 3\nstate: { ${RENAMED.from}: ${RENAMED.to} }\n`);
    const malformed = await migrate([REF, '--to', '2', '--root', fixture.root, '--file', path]);
    expect(malformed.code).toBe(1);
    // The format's problems come first, each at its file and line (schema-check.ts decides which line).
    expect(malformed.stderr).toMatch(new RegExp(`^${path}:\\d+: the file has an unknown key "state"`));
    expect(malformed.stderr).toContain('1 problem(s) found');

    fixture.writeMigration(`process: ${PROCESS}\nfrom: 1\nto: 3\nstates:\n  ${RENAMED.from}: ${RENAMED.to}\n`);
    const misnamed = await migrate([REF, '--to', '2', '--root', fixture.root, '--file', path]);
    expect(misnamed.code).toBe(1);
    expect(misnamed.stderr).toContain(`${path}:${lineOf(path, 'to: 3')}: "to" is 3 but the file's name says 2`);

    // A case whose row is not what its history decides stops the transaction after the cases before it were written: none moves.
    fixture.writeMigration(MAPPING);
    const last = fixture.ids.stage2[1]!;
    await fixture.setColumn(last, 'state', fixture.stage1State);
    const aborted = await migrate([REF, '--to', '2', '--root', fixture.root, '--apply']);
    await fixture.setColumn(last, 'state', RENAMED.from);
    expect(aborted.code).toBe(1);
    expect(aborted.stderr).toContain(`workflows migrate: case ${fixture.references.get(last)} is in`);
    expect(aborted.stderr).toContain(`but its history decides "${RENAMED.from}": run npm run verify-audit. Nothing was changed.`);
    expect(await fixture.snapshot()).toEqual(before);
  });

  test('the preview: which cases would move from where to where; nothing changed (0)', async () => {
    const before = await fixture.snapshot();
    // A file anywhere, named as anything, with --file.
    const elsewhere = join(fixture.root, 'renamed-stage-2.yaml');
    writeFileSync(elsewhere, MAPPING);
    const { code, stdout, stderr } = await migrate([REF, '--to', '2', '--root', fixture.root, '--file', elsewhere]);
    expect(code, stderr).toBe(0);
    expect(stdout).toContain(`${REF}: version 1 to version 2, as ${elsewhere} says ("Stage 2 is now mediation")`);
    expect(stdout).toMatch(/reference\s+from\s+to/);
    for (const id of fixture.ids.stage2) expect(stdout).toMatch(new RegExp(`${fixture.references.get(id)}\\s+${RENAMED.from}@1\\s+${RENAMED.to}@2`));
    expect(stdout).toMatch(new RegExp(`${fixture.references.get(fixture.ids.stage1)}\\s+(\\S+)@1\\s+\\1@2`));
    expect(stdout).not.toContain(fixture.references.get(fixture.ids.resolved));
    expect(stdout).toContain('3 case(s) would move from version 1 to version 2; 1 closed case(s) stay on version 1.');
    expect(stdout).toContain('Nothing was changed. Run again with --apply to move these 3 case(s).');
    expect(await fixture.snapshot()).toEqual(before);
  });

  test('--apply: the cases move, in one transaction; verify-audit still passes; run again, nothing is left to move (0)', async () => {
    fixture.writeMigration(MAPPING);
    const applied = await migrate([REF, '--to', '2', '--root', fixture.root, '--apply'], { WORKFLOW_NOW: '2020-10-02' });
    expect(applied.code, applied.stderr).toBe(0);
    expect(applied.stdout).toContain(`${REF}: version 1 to version 2, as ${MIGRATION_FILE} says`);
    expect(applied.stdout).toContain('3 case(s) moved from version 1 to version 2; 1 closed case(s) stay on version 1.');
    expect(applied.stdout).toContain('Applied in one transaction: 3 case(s) now on version 2, each with a history entry by system naming both versions.');

    const audit = await runScript('scripts/verify-audit.ts', [fixture.file]);
    expect(audit.code, audit.stderr).toBe(0);
    expect(audit.stdout).toContain('4 case(s) match what their history decides');

    const again = await migrate([REF, '--to', '2', '--root', fixture.root]);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain('No running case is on version 1; 1 closed case(s) stay on version 1.');
    expect(again.stdout).toContain('Nothing was changed: there is nothing to move.');
  });
});
