import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, test } from 'vitest';
import { copyConfigurationInto, editFile } from '../support/configuration.ts';
import { loadCatalogue } from '../../server/config/index.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const run = promisify(execFile);
const copies: string[] = [];

/** A copy of the real configuration to break on purpose. */
function copyConfig(): string {
  const dir = copyConfigurationInto(mkdtempSync(join(tmpdir(), 'config-')));
  copies.push(dir);
  return dir;
}

const edit = editFile;

async function validate(root: string): Promise<{ code: number; output: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', join(ROOT, 'scripts/validate.ts'), root], { cwd: ROOT });
    return { code: 0, output: stdout + stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, output: e.stdout + e.stderr };
  }
}

afterEach(() => {
  for (const dir of copies.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const DISPUTE = 'workflows/merton/dispute-resolution.yaml';

function lineOf(root: string, file: string, needle: string): number {
  return readFileSync(join(root, file), 'utf8').split('\n').findIndex((l) => l.includes(needle)) + 1;
}

describe('npm run validate', () => {
  test('the shipped configuration is valid: every file fits its schema, every reference resolves, every state is reachable', async () => {
    const result = loadCatalogue(ROOT);
    expect(result.ok ? [] : result.problems).toEqual([]);
    const { code, output } = await validate(ROOT);
    expect(code).toBe(0);
    expect(output).toContain('Configuration is valid.');
  });

  test('an unknown target state is reported with its file and line', async () => {
    const root = copyConfig();
    edit(join(root, DISPUTE), (t) => t.replace('to: stage-3-determination', 'to: stage-3-determinaton'));
    const { code, output } = await validate(root);
    expect(code).not.toBe(0);
    expect(output).toContain(`${DISPUTE}:${lineOf(root, DISPUTE, 'to: stage-3-determinaton')}: unknown state "stage-3-determinaton"`);
  });

  test('a form that does not exist is reported with what to add', async () => {
    const root = copyConfig();
    edit(join(root, DISPUTE), (t) => t.replace('form: determination', 'form: determination-v2'));
    const { code, output } = await validate(root);
    expect(code).not.toBe(0);
    expect(output).toContain(`${DISPUTE}:${lineOf(root, DISPUTE, 'form: determination-v2')}: form "determination-v2" does not exist; add forms/merton/determination-v2.schema.json`);
  });

  test('bad YAML is reported at its line', async () => {
    const root = copyConfig();
    edit(join(root, DISPUTE), (t) => t.replace('    label: Record agreement at the partners\' meeting', '    label: [unclosed'));
    const { code, output } = await validate(root);
    expect(code).not.toBe(0);
    expect(output).toMatch(new RegExp(`${DISPUTE}:\\d+: YAML syntax error`));
  });

  test('bad JSON in a form is reported at its line', async () => {
    const root = copyConfig();
    const form = 'forms/merton/withdrawal.schema.json';
    edit(join(root, form), (t) => t.replace('"required": [', '"required": [,'));
    const { code, output } = await validate(root);
    expect(code).not.toBe(0);
    expect(output).toContain(`${form}:${lineOf(root, form, '"required": [,')}: JSON syntax error`);
  });

  test('unknown roles, fields, misspelt keys and unreachable states are all reported at once', async () => {
    const root = copyConfig();
    edit(join(root, DISPUTE), (t) =>
      t
        .replace('roles: [independent-scrutineer]', 'roles: [independent-scrutiner]')
        .replace('satisfiedBy', 'satisfiedBy')
        .replace('{ includesAll: [{ field: attendees }', '{ includesAll: [{ field: attendants }')
        .replace('    description: The dispute was withdrawn', '    descripton: The dispute was withdrawn')
        .replace('  closed:\n    label: Closed', '  archived:\n    label: Archived\n    final: true\n  closed:\n    label: Closed'),
    );
    const { code, output } = await validate(root);
    expect(code).not.toBe(0);
    expect(output).toContain('unknown role "independent-scrutiner"');
    expect(output).toContain('unknown field "attendants"');
    expect(output).toContain('unknown key "descripton"');
    expect(output).toContain('state "archived" cannot be reached from the start');
    expect(output).toMatch(/(\d+) problem\(s\) found/);
  });
});

describe('correction events', () => {
  // The statutory process and its correction form are written once, in the templates every partnership extends.
  const CSPR = 'workflows/templates/cspr.yaml';
  const FORM = 'forms/templates/cspr-correct-dates.schema.json';

  test('a correction that moves the case, is misnamed, or corrects a field its form lacks is reported at its line', async () => {
    const root = copyConfig();
    edit(join(root, CSPR), (t) =>
      t
        .replace('  - type: CORRECT_DATES\n', '  - type: AMEND_DATES\n')
        .replace('    corrects: [awareOn,', '    to: closed\n    corrects: [awareOnn, awareOn,'),
    );
    const { code, output } = await validate(root);
    expect(code).toBe(1);
    expect(output).toContain(`${CSPR}:${lineOf(root, CSPR, 'type: AMEND_DATES')}: a correction's type starts with CORRECT`);
    expect(output).toContain(`${CSPR}:${lineOf(root, CSPR, 'corrects: [awareOnn') - 1}: a correction never moves the case`);
    expect(output).toMatch(/"awareOnn" is not a field of the form "cspr-correct-dates"/);
  });

  test('a correction form that does not require a non-empty reason is reported', async () => {
    const root = copyConfig();
    edit(join(root, FORM), (t) => t.replace('"required": [\n    "reason"\n  ]', '"required": []'));
    const { code, output } = await validate(root);
    expect(code).toBe(1);
    expect(output).toContain('the form "cspr-correct-dates" must require a non-empty `reason`');
  });

  test("an event named like the engine's own steps is reported", async () => {
    const root = copyConfig();
    edit(join(root, CSPR), (t) => t.replace('  - type: PROGRESS_CHECKED\n', '  - type: CALENDAR_CHANGED\n'));
    const { code, output } = await validate(root);
    expect(code).toBe(1);
    expect(output).toContain(`${CSPR}:${lineOf(root, CSPR, 'type: CALENDAR_CHANGED')}: "CALENDAR_CHANGED" is the engine's own step`);
  });
});

test('a final state has only corrections and follow-ups: an event that moves the case from it is reported at its line', () => {
  const file = 'workflows/merton/dispute-resolution.yaml';
  const text = readFileSync(join(ROOT, file), 'utf8');
  // The letter to an absent partner is a follow-up: no `to`, effects that only complete tasks. Giving it a target is not.
  const changed = text.replace("      - completeTask: write-to-accountable-officer\n        key: { field: partner }\n", "      - completeTask: write-to-accountable-officer\n        key: { field: partner }\n    to: stage-3-determination\n");
  expect(changed).not.toBe(text);
  const result = loadCatalogue(ROOT, { replace: new Map([[file, changed]]) });
  expect(result.ok).toBe(false);
  const line = changed.split('\n').findIndex((l) => l.includes('from: [stage-2-arbitration, stage-3-determination, stage-4-secretary-of-state, resolved, closed]')) + 1;
  expect(result.ok ? [] : result.problems.map((p) => `${p.file}:${p.line}: ${p.message}`)).toContain(
    `${file}:${line}: "LETTER_SENT" leaves "resolved", which is final; a final state has only corrections and follow-ups, events with no \`to\` whose effects only complete tasks`,
  );
});

test("a form's hints that name a question it lacks are reported at the hints' line, and the server would not start", () => {
  const file = 'forms/templates/cspr-commissioning.ui.json';
  const text = readFileSync(join(ROOT, file), 'utf8');
  const changed = text.replace('"conflictOfInterestMitigation": {', '"conflictOfInterestMitigations": {');
  expect(changed).not.toBe(text);
  const result = loadCatalogue(ROOT, { replace: new Map([[file, changed]]) });
  expect(result.ok).toBe(false);
  const found = result.ok ? [] : result.problems.filter((p) => p.file === file);
  expect(found.length).toBeGreaterThan(0);
  expect(found[0]!.line).toBe(changed.split('\n').findIndex((l) => l.includes('"conflictOfInterestMitigations": {')) + 1);
  expect(found.map((p) => p.message).join('\n')).toContain('conflictOfInterestMitigations');
});
