import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, test } from 'vitest';
import { copyConfigurationInto, editFile } from '../support/configuration.ts';
import { loadCatalogue } from '../../server/config/index.ts';

/** The configuration checks of lists (action plans) and of places held for a time (groups, partners' names). */
const copies: string[] = [];
function copyConfig(): string {
  const dir = copyConfigurationInto(mkdtempSync(join(tmpdir(), 'config-')));
  copies.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of copies.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const problemsOf = (root: string) => {
  const result = loadCatalogue(root);
  return result.ok ? [] : result.problems.map((p) => p.message);
};

test('a deadline per item names a list and a field of its items; a group value names a duty some group holds', () => {
  const root = copyConfig();
  editFile(join(root, 'workflows/templates/cspr.yaml'), (t) =>
    t.replace('each: actions', 'each: action').replace('monitoredBy: { group: monitor-action-plans }', 'monitoredBy: { group: monitor-plans }'),
  );
  const problems = problemsOf(root);
  expect(problems.some((m) => m.startsWith('unknown list "action"; define it under `lists`'))).toBe(true);
  expect(problems.some((m) => m.startsWith('no group of leicester has the duty "monitor-plans"'))).toBe(true);

  const other = copyConfig();
  editFile(join(other, 'workflows/templates/cspr.yaml'), (t) => t.replace('satisfiedBy: actionCompletedOn', 'satisfiedBy: completedOn'));
  expect(problemsOf(other).some((m) => m.startsWith('"completedOn" is not one of the fields of the list "actions"'))).toBe(true);
});

test('a place held until before it began, and a group replacing one not listed, are reported', () => {
  const root = copyConfig();
  editFile(join(root, 'workflows/rotherham/partnership.yaml'), (t) =>
    t.replace("{ label: NHS Rotherham Clinical Commissioning Group, until: '2022-06-30' }", "{ label: NHS Rotherham Clinical Commissioning Group, from: '2022-07-01', until: '2022-06-30' }").replace('replaces: [performance-and-quality, learning-and-improvement]', 'replaces: [performance-and-quality, learning]'),
  );
  const problems = problemsOf(root);
  expect(problems).toContain('held until 2022-06-30, before it began on 2022-07-01');
  expect(problems.some((m) => m.startsWith('unknown group "learning"'))).toBe(true);
});

test('a task label naming a duty no group holds is reported', () => {
  const root = copyConfig();
  editFile(join(root, 'workflows/rotherham/veto-review.yaml'), (t) => t.replace('{group:receive-practice-standards-findings}', '{group:receive-findings}'));
  expect(problemsOf(root).some((m) => m.startsWith('no group of rotherham has the duty "receive-findings"'))).toBe(true);
});
