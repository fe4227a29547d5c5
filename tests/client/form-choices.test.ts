/**
 * A text question offered the partnership's choices (ui `choices`, resolved by the server for the day):
 * inside rows too, and the answer stays text, so a name written in is data like an id chosen.
 */
import { expect, test } from 'vitest';
import type { FormUi, JsonSchema } from '../../client/src/apiTypes.ts';
import { describeFields, fieldAt, type Field } from '../../client/src/forms/fields.ts';
import { toData } from '../../client/src/forms/formValues.ts';

const schema: JsonSchema = {
  type: 'object',
  properties: {
    costShares: {
      type: 'array',
      items: { type: 'object', required: ['partner'], properties: { partner: { type: 'string', title: 'Who pays this share?' }, percent: { type: 'integer' } } },
    },
  },
};
const choices = { options: [{ value: 'lb-merton', label: 'London Borough of Merton' }], other: 'Another relevant agency' };
const ui: FormUi = { choices: { 'costShares.partner': choices } };

test('a question in rows gets the choices its hint names, and others none', () => {
  const [shares] = describeFields(schema, schema, ui) as Extract<Field, { kind: 'rows' }>[];
  const [partner, percent] = fieldAt(shares!, 0).fields;
  expect(partner).toMatchObject({ kind: 'text', path: 'costShares.0.partner', choices });
  expect(percent).not.toHaveProperty('choices');
});

test('a chosen id and a written-in name are both sent as text', () => {
  const fields = describeFields(schema, schema, ui);
  const data = toData(fields, { costShares: [{ partner: 'lb-merton', percent: '60' }, { partner: ' Catch22 ', percent: '40' }] });
  expect(data).toEqual({ costShares: [{ partner: 'lb-merton', percent: 60 }, { partner: 'Catch22', percent: 40 }] });
});
