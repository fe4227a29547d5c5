/**
 * Questions that apply only on some answer: which the hints and `if`/`then` reveal, when they are
 * asked, that a hidden answer is never sent, and where a guard's refusal is put, its date in words.
 */
import { describe, expect, test } from 'vitest';
import type { FormUi, JsonSchema } from '../../client/src/apiTypes.ts';
import { describeFields } from '../../client/src/forms/fields.ts';
import { placeRefusals } from '../../client/src/forms/refusals.ts';
import { conditionalsOf, isShown, placedUnderChoices, revealsOf, withoutHidden } from '../../client/src/forms/reveal.ts';

const schema: JsonSchema = {
  type: 'object',
  required: ['criteria', 'publishedOn'],
  properties: {
    criteria: { type: 'object', properties: { conflict: { type: 'boolean', title: 'Is there a conflict of interest?' } } },
    mitigation: { type: 'string', title: 'How will it be managed?' },
    otherAreas: { type: 'string', title: 'Other areas' },
    otherAreasNotifiedOn: { type: 'string', format: 'date', title: 'Date the other areas were told' },
    deferred: { type: 'string', oneOf: [{ const: 'trial' }, { const: 'other' }] },
    details: { type: 'string', title: 'Details' },
    sentOn: { type: 'string', format: 'date', title: 'Date the report was sent to the National Panel and Ofsted' },
    publishedOn: { type: 'string', format: 'date', title: "Date published on the partnership's website" },
  },
  allOf: [{ if: { properties: { deferred: { const: 'other' } }, required: ['deferred'] }, then: { required: ['details'] } }],
};
const ui: FormUi = {
  reveal: {
    mitigation: { field: 'criteria.conflict', equals: true },
    otherAreasNotifiedOn: { field: 'otherAreas', answered: true },
  },
};
const fields = describeFields(schema, schema, ui);
const reveals = revealsOf(schema, ui);

describe('conditional questions', () => {
  test('come from the UI hints and from an if/then that requires a question on one answer', () => {
    expect(Object.fromEntries(reveals)).toEqual({
      mitigation: { field: 'criteria.conflict', equals: true },
      otherAreasNotifiedOn: { field: 'otherAreas', answered: true },
      details: { field: 'deferred', equals: 'other' },
    });
  });

  test('an if that would also hold with the answer missing, or that the schema requires anyway, reveals nothing', () => {
    const loose: JsonSchema = { ...schema, allOf: [{ if: { properties: { deferred: { const: 'other' } } }, then: { required: ['details'] } }] };
    expect(revealsOf(loose, null).size).toBe(0);
    const always: JsonSchema = { ...schema, required: ['details'] };
    expect(revealsOf(always, null).has('details')).toBe(false);
  });

  test('are asked only on the answer that reveals them, and their answers are not sent otherwise', () => {
    const answers = { criteria: { conflict: false }, mitigation: 'Kept apart', otherAreas: 'Sutton', otherAreasNotifiedOn: '2023-01-02', deferred: 'trial', details: 'x' };
    expect(isShown(reveals, 'mitigation', answers)).toBe(false);
    expect(isShown(reveals, 'otherAreasNotifiedOn', answers)).toBe(true);
    expect(withoutHidden(reveals, answers)).toEqual({ criteria: { conflict: false }, otherAreas: 'Sutton', otherAreasNotifiedOn: '2023-01-02', deferred: 'trial' });
    expect(withoutHidden(reveals, { ...answers, criteria: { conflict: true }, deferred: 'other' })).toEqual({ ...answers, criteria: { conflict: true }, deferred: 'other' });
  });

  test('a hidden answer hides what it would reveal in turn', () => {
    const chained = new Map([...reveals, ['otherAreas', { field: 'deferred', equals: 'other' }] as const]);
    expect(withoutHidden(chained, { deferred: 'trial', otherAreas: 'Sutton', otherAreasNotifiedOn: '2023-01-02' })).toEqual({ deferred: 'trial' });
  });

  test('a radio or checkbox answer shows them beneath its choice; any other answer in their own place', () => {
    const conditionals = conditionalsOf(reveals, fields);
    expect(new Set(conditionals.keys())).toEqual(new Set(['criteria.conflict', 'deferred']));
    expect(conditionals.get('criteria.conflict')!.get('true')!.map((field) => field.name)).toEqual(['mitigation']);
    expect(placedUnderChoices(conditionals)).toEqual(new Set(['mitigation', 'details']));
  });
});

describe("a guard's refusal", () => {
  const shown = (path: string) => isShown(reveals, path.split('.')[0]!, {});
  const dateRule = {
    guard: 'sent-in-time',
    message: 'Send the report 7 working days before publishing.',
    paths: ['/sentOn', '/publishedOn'],
    dates: [{ path: '/sentOn', must: 'onOrBefore' as const, date: '2026-11-27', from: [{ path: '/publishedOn', date: '2026-12-08' }] }],
  };

  test('stands beside the first question it reads that the page asks, with the date worked out in words', () => {
    expect(placeRefusals([dateRule], fields, shown)).toEqual([
      {
        path: 'sentOn',
        message:
          "Send the report 7 working days before publishing. With the date published on the partnership's website as 8 December 2026, the date the report was sent to the National Panel and Ofsted must be 27 November 2026 or earlier.",
      },
    ]);
  });

  test('skips a question that is hidden or not on the page, and stays in the summary when none is left', () => {
    const issues = [
      { guard: 'mitigated', message: 'Say how.', paths: ['/mitigation', '/otherAreas'], dates: [] },
      { guard: 'earlier-step', message: 'Record the notification first.', paths: ['/panelNotifiedOn'], dates: [] },
      { guard: 'older-server', message: 'No paths.' },
    ];
    expect(placeRefusals(issues, fields, shown)).toEqual([
      { path: 'otherAreas', message: 'Say how.' },
      { path: undefined, message: 'Record the notification first.' },
      { path: undefined, message: 'No paths.' },
    ]);
  });

  test("a limit from a partnership's date alone, and one on a question, are said plainly", () => {
    const limits = [
      { guard: 'before-start', message: 'Too late.', paths: ['/publishedOn'], dates: [{ path: '/publishedOn', must: 'before' as const, date: '2019-09-29', from: [] }] },
      { guard: 'after', message: 'Too soon.', paths: ['/criteria/conflict'], dates: [{ path: '/criteria/conflict', must: 'onOrAfter' as const, date: '2020-01-01', from: [] }] },
    ];
    expect(placeRefusals(limits, fields, shown).map((refusal) => refusal.message)).toEqual([
      "Too late. The date published on the partnership's website must be before 29 September 2019.",
      'Too soon. The answer to “Is there a conflict of interest?” must be 1 January 2020 or later.',
    ]);
  });
});
