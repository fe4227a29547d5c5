/**
 * Every form's UI hints fit the schema beside them, and each kind of mistake
 * in a `reveal` hint is named.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { uiHintProblems } from '../../server/engine/ui-hints.ts';

const FORMS = fileURLToPath(new URL('../../forms', import.meta.url));

const schema = {
  type: 'object',
  required: ['name'],
  $defs: { yesNo: { type: 'boolean' } },
  properties: {
    name: { type: 'string' },
    criteria: { type: 'object', properties: { conflict: { $ref: '#/$defs/yesNo' } } },
    kind: { type: 'string', oneOf: [{ const: 'trial' }, { const: 'inquest' }] },
    areas: { type: 'array', items: { enum: ['north', 'south'] } },
    mitigation: { type: 'string' },
    notifiedOn: { type: 'string', format: 'date' },
  },
};
const problems = (ui: Record<string, unknown>) => uiHintProblems({ id: 'example', schema, ui });

describe('UI hints', () => {
  test('every .ui.json under forms/ fits the schema beside it', () => {
    const files = readdirSync(FORMS, { recursive: true, encoding: 'utf8' }).filter((file) => file.endsWith('.ui.json'));
    expect(files).toContain(join('templates', 'cspr-commissioning.ui.json'));
    const found = files.flatMap((file) => {
      const read = (name: string) => JSON.parse(readFileSync(join(FORMS, name), 'utf8')) as Record<string, unknown>;
      const form = { id: file, schema: read(file.replace(/\.ui\.json$/, '.schema.json')), ui: read(file) };
      return uiHintProblems(form).map((problem) => `forms/${file}: ${problem}`);
    });
    expect(found).toEqual([]);
  });

  test('reveal hints that fit: a nested yes/no, a choice, a checkbox, any answer', () => {
    expect(problems({
      order: ['name', 'criteria'],
      reveal: {
        mitigation: { field: 'criteria.conflict', equals: true },
        notifiedOn: { field: 'kind', equals: 'inquest' },
        kind: { field: 'areas', equals: 'north' },
        areas: { field: 'mitigation', answered: true },
      },
    })).toEqual([]);
  });

  test.each([
    [{ order: ['nobody'] }, 'order names "nobody", which is not a question of the form'],
    [{ reveal: { nobody: { field: 'kind', answered: true } } }, 'reveal.nobody: "nobody" is not a question of the form'],
    [{ reveal: { name: { field: 'kind', answered: true } } }, 'reveal.name: "name" is required, so it cannot be hidden; reveal only optional questions'],
    [{ reveal: { mitigation: { field: 'criteria.nothing', equals: true } } }, 'reveal.mitigation.field: "criteria.nothing" is not a question of the form'],
    [{ reveal: { mitigation: { field: 'kind', equals: 'appeal' } } }, 'reveal.mitigation.equals: "appeal" is not an answer "kind" can have'],
    [{ reveal: { mitigation: { field: 'criteria.conflict', equals: 'yes' } } }, 'reveal.mitigation.equals: "yes" is not an answer "criteria.conflict" can have'],
    [{ reveal: { mitigation: { field: 'mitigation', answered: true } } }, 'reveal.mitigation.field: a question cannot reveal itself'],
    [{ reveal: { mitigation: { field: 'kind' } } }, 'reveal.mitigation must be {field, equals: an answer} or {field, answered: true}'],
    [{ reveal: { mitigation: { field: 'kind', equals: ['trial'] } } }, 'reveal.mitigation.equals must be a text, number or true/false answer'],
  ])('%j: %s', (ui, problem) => {
    expect(problems(ui)).toEqual([problem]);
  });
});
