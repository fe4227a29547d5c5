import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { generatedRoot } from '../../bench/startup.ts';
import { formatProblem, loadCatalogue } from '../../server/config/index.ts';
import type { Catalogue } from '../../server/engine/catalogue.ts';

// The shipped partnerships and one copy of each (`<id>-copy-1`): every form and process is written
// alike in two folders, which start-up parses and compiles once, and must still treat as two.
const root = generatedRoot(6);
afterAll(() => rmSync(root, { recursive: true, force: true }));

function catalogue(): Catalogue {
  const result = loadCatalogue(root);
  if (!result.ok) throw new Error(result.problems.map(formatProblem).join('\n'));
  return result.catalogue;
}

/** The configuration's problems with some files changed in memory, as `file:line: message`. */
function problems(replace: Record<string, string>): string[] {
  const result = loadCatalogue(root, { replace: new Map(Object.entries(replace)) });
  expect(result.ok, 'the change should have been refused').toBe(false);
  return result.ok ? [] : result.problems.map(formatProblem);
}

describe('partnerships whose folders are written alike', () => {
  test("a copied partnership's forms answer exactly as the original's, and fill in defaults in each one's own data", () => {
    const { partnerships } = catalogue();
    for (const original of ['leicester', 'merton', 'rotherham']) {
      const forms = partnerships.get(original)!.forms;
      const copies = partnerships.get(`${original}-copy-1`)!.forms;
      expect([...copies.keys()].sort()).toEqual([...forms.keys()].sort());
      for (const [id, form] of forms) {
        const copy = copies.get(id)!;
        for (const input of [{}, { notAField: 'x' }]) {
          const [mine, theirs] = [structuredClone(input), structuredClone(input)];
          expect(copy.validate(theirs), `${original}-copy-1's form ${id}`).toEqual(form.validate(mine));
          expect(theirs).toEqual(mine);
        }
        expect(copy.browserModule()).toBe(form.browserModule());
      }
    }
  });

  test('a schema Ajv refuses is reported for every folder that has it, each at its own file', () => {
    const file = 'forms/leicester/final-decision.schema.json';
    const schema = JSON.parse(readFileSync(join(root, file), 'utf8')) as { properties: Record<string, Record<string, unknown>> };
    schema.properties.decision!.maximumLenght = 10; // strict mode refuses a keyword it does not know
    const broken = JSON.stringify(schema, null, 2);
    const found = problems({ [file]: broken, 'forms/leicester-copy-1/final-decision.schema.json': broken });
    for (const partnership of ['leicester', 'leicester-copy-1']) {
      expect(found).toContainEqual(expect.stringMatching(new RegExp(`^forms/${partnership}/final-decision\\.schema\\.json:1: not a valid JSON Schema: .*maximumLenght`)));
    }
  });

  test("a mistake in a second partnership's copy of a form is reported there, while the original still loads", () => {
    const file = 'forms/merton-copy-1/withdrawal.schema.json';
    const schema = JSON.parse(readFileSync(join(root, file), 'utf8')) as Record<string, unknown>;
    const found = problems({ [file]: JSON.stringify({ ...schema, type: 'objekt' }, null, 2) });
    expect(found.some((p) => p.startsWith(`${file}:1: not a valid JSON Schema`))).toBe(true);
    expect(found.some((p) => p.startsWith('forms/merton/'))).toBe(false);
  });

  test('a process file written alike in two folders has its problem reported in each, at its line', () => {
    const text = readFileSync(join(root, 'workflows/leicester/yearly-report.yaml'), 'utf8');
    const misspelt = text.replace(/^access:/m, 'acess:');
    const line = misspelt.split('\n').findIndex((l) => l.startsWith('acess:')) + 1;
    const found = problems({ 'workflows/leicester/yearly-report.yaml': misspelt, 'workflows/leicester-copy-1/yearly-report.yaml': misspelt });
    for (const partnership of ['leicester', 'leicester-copy-1']) {
      expect(found).toContainEqual(expect.stringMatching(new RegExp(`^workflows/${partnership}/yearly-report\\.yaml:${line}: .*unknown key "acess"`)));
    }
  });
});
