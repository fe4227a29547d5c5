import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { formatProblem, loadCatalogue } from '../../server/config/index.ts';

/** The annual report's tables are checked with the rest of a process file: a mistake is refused at its file and line. */
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const VETO = 'workflows/rotherham/veto-review.yaml';

function problemsWith(change: (text: string) => string): string[] {
  const text = readFileSync(join(ROOT, VETO), 'utf8');
  const changed = change(text);
  expect(changed).not.toBe(text);
  const result = loadCatalogue(ROOT, { replace: new Map([[VETO, changed]]) });
  return result.ok ? [] : result.problems.map(formatProblem);
}

const lineOf = (text: string, needle: string) => text.split('\n').findIndex((line) => line.includes(needle)) + 1;

test('an unknown kind of count is refused at its line, naming the kinds there are', () => {
  const text = readFileSync(join(ROOT, VETO), 'utf8');
  const problems = problemsWith((t) => t.replace('      count: openAtYearEnd', '      count: openAtYearend'));
  expect(problems).toContain(`${VETO}:${lineOf(text, 'count: openAtYearEnd')}: "reports.tables.4.count" must be one of: cases, events, deadlines, openAtYearEnd, items`);
});

test('a key another kind of table takes is refused at its own line', () => {
  const problems = problemsWith((t) => t.replace('      by: { field: vetoEffect }', '      by: { field: vetoEffect }\n      deadlines: [notify-national-panel]'));
  const text = readFileSync(join(ROOT, VETO), 'utf8');
  expect(problems.some((p) => p.startsWith(`${VETO}:${lineOf(text, 'by: { field: vetoEffect }') + 1}: "reports.tables.1.deadlines"`))).toBe(true);
});

test('a table that counts cases must say how its rows are found', () => {
  const problems = problemsWith((t) => t.replace('      by: { field: vetoEffect }\n', ''));
  expect(problems.some((p) => p.startsWith(`${VETO}:`) && p.includes('"reports.tables.1"'))).toBe(true);
});

test('a misspelt event or state, which would count nothing, is refused at its line', () => {
  const text = readFileSync(join(ROOT, VETO), 'utf8');
  const problems = problemsWith((t) => t.replace('      events: [REVIEW]\n      date: meetingDate', '      events: [REVEIW]\n      date: meetingDate'));
  expect(problems).toContain(`${VETO}:${lineOf(text, 'events: [REVIEW]')}: unknown event "REVEIW"`);
});
