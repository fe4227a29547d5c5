/**
 * The client's reading of form schemas: which input each field gets, how typed answers become data
 * (empty optional answers left out), and how Ajv's errors land on react-hook-form's fields.
 * Driven by fixtures/form-cases.json against one schema with every kind of field.
 */
import { get } from 'react-hook-form';
import { beforeAll, describe, expect, test } from 'vitest';
import type { JsonSchema } from '../../client/src/apiTypes.ts';
import { describeFields } from '../../client/src/forms/fields.ts';
import { toData, toFormValues, type FormValues } from '../../client/src/forms/formValues.ts';
import type { ValidateFunction } from 'ajv';
import { ajvErrorsToFieldErrors, listErrors, loadValidator, pointerToPath } from '../../client/src/forms/validation.ts';
import { createFormCompiler } from '../../server/engine/forms.ts';
import cases from './fixtures/form-cases.json' with { type: 'json' };
import schemaJson from './fixtures/every-kind.schema.json' with { type: 'json' };

const schema = schemaJson as JsonSchema;
/** The browser's validator exactly as the server sends it: the server's Ajv, as a standalone module. */
const browserModule = createFormCompiler()({ id: 'every-kind', schema: schemaJson as Record<string, unknown>, ui: null }).browserModule();
let validate: ValidateFunction;
beforeAll(async () => {
  validate = (await loadValidator(`data:text/javascript;base64,${Buffer.from(browserModule).toString('base64')}`))!;
});
const fields = describeFields(schema, schema, { order: ['summary'], widgets: { title: 'textarea' } });

describe('describeFields', () => {
  test('gives each schema construct its GOV.UK input', () => {
    expect(Object.fromEntries(fields.map((field) => [field.name, field.kind]))).toEqual({
      summary: 'text',
      title: 'text',
      decidedOn: 'date',
      percent: 'number',
      childDied: 'boolean',
      partner: 'choice',
      scope: 'choice',
      attendees: 'multi-choice',
      agencies: 'list',
      costShares: 'rows',
      criteria: 'group',
    });
  });

  test('long text and the textarea widget are multi-line; $ref options keep their titles', () => {
    const byName = new Map(fields.map((field) => [field.name, field]));
    expect(byName.get('summary')).toMatchObject({ kind: 'text', multiline: true, required: true });
    expect(byName.get('title')).toMatchObject({ kind: 'text', multiline: true, required: false });
    expect(byName.get('partner')).toMatchObject({
      label: 'Lead partner',
      options: [
        { value: 'council', label: 'The Council' },
        { value: 'police', label: 'The Police' },
      ],
    });
    expect(byName.get('scope')).toMatchObject({ options: [{ label: 'Individual child' }, { label: 'Systemic' }] });
  });

  test('starts with one row for a list that needs at least one', () => {
    expect(toFormValues(fields, undefined).agencies).toEqual([{ value: '' }]);
  });
});

describe.each(cases)('$description', ({ values, data, errors }) => {
  test('the data sent', () => {
    expect(toData(fields, values as FormValues)).toEqual(data);
  });

  test('the errors shown', () => {
    const valid = validate(data);
    const fieldErrors = valid ? {} : ajvErrorsToFieldErrors(validate.errors ?? [], fields);
    for (const [path, message] of Object.entries(errors)) expect((get(fieldErrors, path) as { message?: string })?.message, path).toBe(message);
    expect(listErrors(fieldErrors, fields).map((item) => item.path)).toEqual(Object.keys(errors));
  });
});

test('JSON Pointers become react-hook-form paths', () => {
  expect(pointerToPath('/costShares/0/percent')).toBe('costShares.0.percent');
  expect(pointerToPath('/a~1b/c~0d')).toBe('a/b.c~d');
  expect(pointerToPath('')).toBe('');
});
