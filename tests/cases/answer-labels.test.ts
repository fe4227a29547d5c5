import { describe, expect, test } from 'vitest';
import { answerOptions } from '../../server/cases/answer-labels.ts';
import type { CompiledPartnership, CompiledProcess } from '../../server/engine/catalogue.ts';

/**
 * What a report's rows call an answer: the label its form gives the value. The forms here are small
 * and made for each rule; the shipped forms' labels are checked through the annual report's tables.
 */
type Schema = Record<string, unknown>;

function setting(forms: Record<string, Schema>, start: string | null, events: [type: string, form: string | null][]) {
  const partnership = { forms: new Map(Object.entries(forms).map(([id, schema]) => [id, { schema }])) } as unknown as CompiledPartnership;
  const process = { def: { start: { form: start }, events: events.map(([type, form]) => ({ type, form })) } } as unknown as CompiledProcess;
  return (field: string, counted: string[] = []) => answerOptions(partnership, process, field, counted);
}

const outcome = {
  type: 'string',
  oneOf: [
    { const: 'agrees', title: 'The group agrees' },
    { const: 'disagrees', title: 'The group disagrees' },
    { const: 'undecided' },
  ],
};

describe('answer labels', () => {
  test("oneOf or anyOf of constants: each value with its title, or the value where it has none, in the form's order", () => {
    const options = setting({ f: { properties: { outcome, kind: { anyOf: [{ const: 1, title: 'One' }, { const: 2, title: 'Two' }] } } } }, 'f', []);
    expect(options('outcome')).toEqual([
      { value: 'agrees', label: 'The group agrees' },
      { value: 'disagrees', label: 'The group disagrees' },
      { value: 'undecided', label: 'undecided' },
    ]);
    expect(options('kind')).toEqual([{ value: '1', label: 'One' }, { value: '2', label: 'Two' }]);
  });

  test('an enum is its values; a yes-or-no question reads Yes and No; a free text has no options', () => {
    const options = setting({ f: { properties: { colour: { enum: ['red', 'green'] }, agreed: { type: 'boolean' }, notes: { type: 'string' } } } }, 'f', []);
    expect(options('colour')).toEqual([{ value: 'red', label: 'red' }, { value: 'green', label: 'green' }]);
    expect(options('agreed')).toEqual([{ value: 'true', label: 'Yes' }, { value: 'false', label: 'No' }]);
    expect(options('notes')).toEqual([]);
    expect(options('absent')).toEqual([]);
  });

  test('a oneOf that is not all constants is not a list of options', () => {
    const options = setting({ f: { properties: { mixed: { oneOf: [{ const: 'a', title: 'A' }, { type: 'string' }] } } } }, 'f', []);
    expect(options('mixed')).toEqual([]);
  });

  test('references within the form are followed, escapes and all, and so are lists on the way to an item field', () => {
    const form = {
      $defs: { 'kind/of~output': { oneOf: [{ const: 'briefing', title: '7-minute briefing' }] }, output: { type: 'object', properties: { kind: { $ref: '#/$defs/kind~1of~0output' } } } },
      properties: { learningOutputs: { type: 'array', items: { $ref: '#/$defs/output' } }, themes: { type: 'array', items: { enum: ['a', 'b'] } } },
    };
    const options = setting({ f: form }, 'f', []);
    expect(options('learningOutputs.kind')).toEqual([{ value: 'briefing', label: '7-minute briefing' }]);
    // A list of plain values is read through to its items.
    expect(options('themes')).toEqual([{ value: 'a', label: 'a' }, { value: 'b', label: 'b' }]);
    // A reference outside the form is not followed.
    expect(setting({ f: { properties: { x: { $ref: 'other.json#/x' } } } }, 'f', [])('x')).toEqual([]);
    expect(setting({ f: { properties: { x: { $ref: '#/$defs/missing' } } } }, 'f', [])('x')).toEqual([]);
  });

  test('a field asked only in a branch: allOf, then and else all count', () => {
    const form = {
      properties: { ground: { type: 'string' } },
      allOf: [{ if: {}, then: { properties: { decision: { oneOf: [{ const: 'local', title: 'Local review' }] } } } }],
      if: {},
      else: { properties: { reason: { enum: ['r'] } } },
    };
    const options = setting({ f: form }, 'f', []);
    expect(options('decision')).toEqual([{ value: 'local', label: 'Local review' }]);
    expect(options('reason')).toEqual([{ value: 'r', label: 'r' }]);
  });

  test("the counted steps' forms speak first, then the start form, then the other steps' in order; a missing form is passed over", () => {
    const forms = {
      start: { properties: { outcome: { enum: ['from-start'] } } },
      review: { properties: { outcome } },
      other: { properties: { outcome: { enum: ['from-other'] } } },
    };
    const options = setting(forms, 'start', [['OTHER', 'other'], ['GONE', 'gone'], ['NONE', null], ['REVIEW', 'review']]);
    expect(options('outcome', ['REVIEW']).map((o) => o.label)).toEqual(['The group agrees', 'The group disagrees', 'undecided']);
    expect(options('outcome').map((o) => o.value)).toEqual(['from-start']);
    expect(setting(forms, null, [['GONE', 'gone'], ['OTHER', 'other'], ['REVIEW', 'review']])('outcome').map((o) => o.value)).toEqual(['from-other']);
  });
});
