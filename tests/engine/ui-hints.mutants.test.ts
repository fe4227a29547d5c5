/**
 * A form's UI hints checked against its schema before anyone fills the form in: each kind of mistake
 * in `order`, `groups`, `choices` and `reveal` named, with its key first so the loader can point at it.
 */
import { describe, expect, test } from 'vitest';
import type { FormDef } from '../../server/engine/forms.ts';
import { uiHintProblems } from '../../server/engine/ui-hints.ts';

/** A referral form with a question of every kind a hint can name, some through `$ref`s. */
const schema = {
  type: 'object',
  required: ['child'],
  $defs: {
    yesNo: { type: 'boolean' },
    'yes/no': { type: 'boolean' },
    'name~text': { type: 'string' },
    trial: { const: 'trial' },
    retrial: { const: 'retrial' },
    person: { type: 'object', properties: { name: { type: 'string' }, age: { type: 'integer' } } },
    // A reference loop: a mistake in a schema, which must not hang the check.
    loopA: { $ref: '#/$defs/loopB' },
    loopB: { $ref: '#/$defs/loopA' },
  },
  properties: {
    child: { type: 'string' },
    criteria: { type: 'object', properties: { conflict: { $ref: '#/$defs/yesNo' }, harmed: { $ref: '#/$defs/yes~1no' } } },
    agency: { $ref: '#/$defs/name~0text' },
    hearing: { type: 'string', oneOf: [{ const: 'trial' }, { const: 'inquest' }] },
    appeal: { type: 'string', oneOf: [{ $ref: '#/$defs/trial' }, { $ref: '#/$defs/retrial' }] },
    // `false` is the schema no answer fits: an alternative never taken.
    ruling: { type: 'string', oneOf: [{ const: 'upheld' }, { const: 'quashed' }, false] },
    venue: { type: 'string', anyOf: [{ const: 'court' }, { type: 'string', maxLength: 80 }] },
    areas: { type: 'array', items: { enum: ['north', 'south'] } },
    siblings: { type: 'integer' },
    age: { type: ['integer', 'null'] },
    scope: { const: 'local' },
    anything: { description: 'Any answer at all' },
    contact: { $ref: '#/$defs/person' },
    loop: { $ref: '#/$defs/loopA' },
    mitigation: { type: 'string' },
    agencies: {
      type: 'array',
      items: { type: 'object', properties: { partner: { type: 'string' }, share: { type: 'number' }, kind: { type: 'string', enum: ['health', 'police'] }, only: { type: 'string', const: 'council' } } },
    },
  },
};
const form = (ui: Record<string, unknown>, of: Record<string, unknown> = schema): FormDef => ({ id: 'referral', schema: of, ui });
const problems = (ui: Record<string, unknown>, of?: Record<string, unknown>) => uiHintProblems(form(ui, of));
const reveal = (when: unknown, name = 'mitigation') => problems({ reveal: { [name]: when } });

describe('hints that fit', () => {
  test('a form without hints, and one whose every hint fits, has no problems', () => {
    expect(uiHintProblems({ id: 'referral', schema, ui: null })).toEqual([]);
    expect(problems({
      order: ['child', 'criteria', 'agencies'],
      groups: [{ title: 'The child', questions: ['child', 'age'] }, { title: 'The agencies', questions: ['agencies'] }],
      choices: { 'agencies.partner': { from: 'statutoryPartners', other: 'Another agency' }, agency: { from: 'statutoryPartners' } },
      // A nested yes/no, an alternative, a checkbox, any answer.
      reveal: { mitigation: { field: 'criteria.conflict', equals: true }, siblings: { field: 'hearing', equals: 'inquest' }, venue: { field: 'areas', equals: 'south' }, anything: { field: 'mitigation', answered: true } },
    })).toEqual([]);
  });

  test('the problems of every hint together, in the order order, groups, choices, reveal', () => {
    expect(problems({
      order: ['child', 'nobody'],
      groups: [{ title: 'The child', questions: ['nobody'] }],
      choices: { siblings: { from: 'statutoryPartners' } },
      reveal: { child: { field: 'mitigation', answered: true } },
    })).toEqual([
      'order names "nobody", which is not a question of the form',
      'groups.0.questions names "nobody", which is not a question of the form',
      'choices.siblings: "siblings" must be a text question, so that any agency\'s name is accepted',
      'reveal.child: "child" is required, so it cannot be hidden; reveal only optional questions',
    ]);
  });
});

describe('order', () => {
  test.each([
    ['not a list', 'child', ['order must be a list of the form\'s question names']],
    ['a question the form does not have', ['child', 'nobody'], ['order names "nobody", which is not a question of the form']],
    ['something that is not a name', [3], ['order names "3", which is not a question of the form']],
  ])('%s is named', (_what, order, expected) => {
    expect(problems({ order })).toEqual(expected);
  });
});

describe('groups', () => {
  test.each([
    ['not a list', { title: 'The child' }, 'groups must be a list of {title, questions}: the pages a long form is asked on'],
    ['a group that is a list', [['child']], 'groups.0 must be {title: a page title, questions: the names of the questions it asks}'],
    ['a group without a title', [{ questions: ['child'] }], 'groups.0 must be {title: a page title, questions: the names of the questions it asks}'],
    ['a group with a blank title', [{ title: '  ', questions: ['child'] }], 'groups.0 must be {title: a page title, questions: the names of the questions it asks}'],
    ['a group whose questions are not a list', [{ title: 'The child', questions: 'child' }], 'groups.0 must be {title: a page title, questions: the names of the questions it asks}'],
    ['a group without questions', [{ title: 'The child', questions: [] }], 'groups.0 must be {title: a page title, questions: the names of the questions it asks}'],
    ['a question the form does not have', [{ title: 'The child', questions: ['nobody'] }], 'groups.0.questions names "nobody", which is not a question of the form'],
    ['something that is not a name', [{ title: 'The child', questions: [7] }], 'groups.0.questions names "7", which is not a question of the form'],
    ['a question on two pages', [{ title: 'The child', questions: ['child'] }, { title: 'Again', questions: ['child'] }], 'groups.1.questions: "child" is already in groups.0'],
    ['two pages with one title', [{ title: 'The child', questions: ['child'] }, { title: 'The child', questions: ['age'] }], 'groups.1.title: "The child" is the title of an earlier group'],
  ])('%s is named', (_what, groups, message) => {
    expect(problems({ groups })).toEqual([message]);
  });

  test('a page after a malformed one is still checked, and named by its own place', () => {
    expect(problems({ groups: ['nothing', { title: 'The child', questions: ['child', 'child'] }] })).toEqual([
      'groups.0 must be {title: a page title, questions: the names of the questions it asks}',
      'groups.1.questions: "child" is already in groups.1',
    ]);
  });
});

describe('choices', () => {
  const shape = 'must be {from: statutoryPartners, other?: the label of an answer written in}';

  test.each([
    ['not a map', ['agency'], ['choices must map each question to where its choices come from']],
    ['a hint that is not an object', { agency: 'statutoryPartners' }, [`choices.agency ${shape}`]],
    ['an unknown source', { agency: { from: 'everyone' } }, [`choices.agency ${shape}`]],
    ['a key besides from and other', { agency: { from: 'statutoryPartners', label: 'Agency' } }, [`choices.agency ${shape}`]],
    ['an other that is not a label', { agency: { from: 'statutoryPartners', other: true } }, [`choices.agency ${shape}`]],
    ['a question the form does not have', { nobody: { from: 'statutoryPartners' } }, ['choices.nobody: "nobody" is not a question of the form']],
    ['a question under one the form does not have', { 'nobody.partner': { from: 'statutoryPartners' } }, ['choices.nobody.partner: "nobody.partner" is not a question of the form']],
    ['a question of a list the form does not have', { 'agencies.nobody': { from: 'statutoryPartners' } }, ['choices.agencies.nobody: "agencies.nobody" is not a question of the form']],
    ['a number question', { 'agencies.share': { from: 'statutoryPartners' } }, ['choices.agencies.share: "agencies.share" must be a text question, so that any agency\'s name is accepted']],
    ['a text question with listed answers', { 'agencies.kind': { from: 'statutoryPartners' } }, ['choices.agencies.kind: "agencies.kind" must be a text question, so that any agency\'s name is accepted']],
    ['a text question with one answer', { 'agencies.only': { from: 'statutoryPartners' } }, ['choices.agencies.only: "agencies.only" must be a text question, so that any agency\'s name is accepted']],
    ['a text question with alternatives', { hearing: { from: 'statutoryPartners' } }, ['choices.hearing: "hearing" must be a text question, so that any agency\'s name is accepted']],
  ])('%s is named', (_what, choices, expected) => {
    expect(problems({ choices })).toEqual(expected);
  });

  test('a malformed hint on a question the form does not have is named twice', () => {
    expect(problems({ choices: { nobody: { from: 'everyone' } } })).toEqual([`choices.nobody ${shape}`, 'choices.nobody: "nobody" is not a question of the form']);
  });
});

describe('reveal', () => {
  const shape = 'reveal.mitigation must be {field, equals: an answer} or {field, answered: true}';

  test.each([
    ['not a map', ['mitigation'], ['reveal must map each conditional question to the answer that reveals it']],
    ['nothing', null, ['reveal must map each conditional question to the answer that reveals it']],
    ['text', 'mitigation', ['reveal must map each conditional question to the answer that reveals it']],
  ])('a reveal that is %s is named', (_what, hint, expected) => {
    expect(problems({ reveal: hint })).toEqual(expected);
  });

  test('a malformed reveal is named after the problems of the other hints', () => {
    expect(problems({ order: ['nobody'], reveal: 'mitigation' })).toEqual([
      'order names "nobody", which is not a question of the form',
      'reveal must map each conditional question to the answer that reveals it',
    ]);
  });

  test('the question revealed must be an optional question of the form', () => {
    expect(reveal({ field: 'hearing', answered: true }, 'nobody')).toEqual(['reveal.nobody: "nobody" is not a question of the form']);
    expect(reveal({ field: 'hearing', answered: true }, 'child')).toEqual(['reveal.child: "child" is required, so it cannot be hidden; reveal only optional questions']);
    // A form that requires nothing can hide any of its questions.
    expect(problems({ reveal: { child: { field: 'mitigation', answered: true } } }, { type: 'object', properties: schema.properties })).toEqual([]);
  });

  test.each([
    ['not an object', 'hearing'],
    ['a list', [{ field: 'hearing' }]],
    ['without an answer', { field: 'hearing' }],
    ['with a field that is not a name', { field: 3, equals: 'trial' }],
    ['with both an answer and answered', { field: 'hearing', equals: 'trial', answered: true }],
    ['with answered false', { field: 'hearing', answered: false }],
    ['with something else', { field: 'hearing', value: 'trial' }],
  ])('a reveal %s is named', (_what, when) => {
    expect(reveal(when)).toEqual([shape]);
  });

  test('the revealing question must be another question of the form', () => {
    expect(reveal({ field: 'nobody', answered: true })).toEqual(['reveal.mitigation.field: "nobody" is not a question of the form']);
    expect(reveal({ field: 'criteria.nothing', equals: true })).toEqual(['reveal.mitigation.field: "criteria.nothing" is not a question of the form']);
    expect(reveal({ field: 'nobody.deeper', answered: true })).toEqual(['reveal.mitigation.field: "nobody.deeper" is not a question of the form']);
    expect(reveal({ field: 'mitigation', answered: true })).toEqual(['reveal.mitigation.field: a question cannot reveal itself']);
    expect(reveal({ field: 'criteria.conflict', answered: true }, 'criteria')).toEqual(['reveal.criteria.field: a question cannot reveal itself']);
  });

  test('the answer that reveals must be a text, a number or true/false', () => {
    expect(reveal({ field: 'hearing', equals: ['trial'] })).toEqual(['reveal.mitigation.equals must be a text, number or true/false answer']);
    expect(reveal({ field: 'hearing', equals: null })).toEqual(['reveal.mitigation.equals must be a text, number or true/false answer']);
  });
});

describe('the answers a revealing question can have', () => {
  const cannot = (field: string, value: unknown) => `reveal.mitigation.equals: ${JSON.stringify(value)} is not an answer "${field}" can have`;

  test.each<[string, string, unknown[], unknown[]]>([
    ['one of its alternatives, when each is a single answer', 'hearing', ['trial', 'inquest'], ['appeal']],
    ['one of its alternatives written as references', 'appeal', ['retrial'], ['inquest']],
    ['one of its alternatives, passing over one no answer fits', 'ruling', ['upheld', 'quashed'], ['remitted']],
    ['any answer of its type, when one alternative is open', 'venue', ['court', 'the town hall'], [3]],
    ['one of a checkbox list\'s options', 'areas', ['north'], ['east']],
    ['its one answer, when it has only one', 'scope', ['local'], ['national']],
    ['a whole number for a whole-number question', 'siblings', [2], [2.5, '2']],
    ['a whole number, whichever other types it allows', 'age', [4], ['four']],
    ['a text, and not a number, for a text question', 'child', ['Sam'], [3]],
    ['true or false for a yes/no question', 'criteria.conflict', [true, false], ['yes']],
    ['anything, for a question that says nothing of its answers', 'anything', ['yes', 3, false], []],
  ])('%s', (_what, field, accepted, refused) => {
    const check = (value: unknown) => reveal({ field, equals: value });
    expect([...accepted, ...refused].flatMap(check)).toEqual(refused.map((value) => cannot(field, value)));
  });
});

describe('names are texts', () => {
  // A form may name a question by digits; a number in a hint is still not its name.
  const byYear = { type: 'object', properties: { '2020': { type: 'string' } } };

  test('a number in order or in a group is not a name, even of a question named by those digits', () => {
    expect(problems({ order: ['2020'] }, byYear)).toEqual([]);
    expect(problems({ order: [2020] }, byYear)).toEqual(['order names "2020", which is not a question of the form']);
    expect(problems({ groups: [{ title: 'By year', questions: [2020] }] }, byYear)).toEqual(['groups.0.questions names "2020", which is not a question of the form']);
  });
});

describe('`items` counts only on a list', () => {
  // As in JSON Schema, `items` says nothing of an answer that is not a list.
  const stray = {
    type: 'object',
    properties: {
      code: { type: 'string', items: { enum: ['a'] } },
      address: { type: 'object', properties: { town: { type: 'string' } }, items: { type: 'object', properties: {} } },
    },
  };

  test('a text question with a stray items takes any text', () => {
    expect(problems({ reveal: { address: { field: 'code', equals: 'zz' } } }, stray)).toEqual([]);
  });

  test('the questions of an object with a stray items are its own', () => {
    expect(problems({ choices: { 'address.town': { from: 'statutoryPartners' } } }, stray)).toEqual([]);
  });
});

describe('questions written as references', () => {
  test('a reference is followed to the question it names, escapes decoded', () => {
    // `~1` stands for "/" and `~0` for "~" in a reference.
    expect(reveal({ field: 'criteria.harmed', equals: 'yes' })).toEqual(['reveal.mitigation.equals: "yes" is not an answer "criteria.harmed" can have']);
    expect(reveal({ field: 'agency', equals: 5 })).toEqual(['reveal.mitigation.equals: 5 is not an answer "agency" can have']);
    expect(reveal({ field: 'contact.age', equals: 40 })).toEqual([]);
    expect(reveal({ field: 'contact.age', equals: 'forty' })).toEqual(['reveal.mitigation.equals: "forty" is not an answer "contact.age" can have']);
    expect(problems({ choices: { 'contact.name': { from: 'statutoryPartners' } } })).toEqual([]);
  });

  test('`#` is the whole form', () => {
    const nested = { type: 'object', properties: { name: { type: 'string' }, again: { $ref: '#' } } };
    expect(problems({ choices: { 'again.name': { from: 'statutoryPartners' } } }, nested)).toEqual([]);
    expect(problems({ reveal: { name: { field: 'again.again.name', answered: true } } }, nested)).toEqual([]);
  });

  test('a reference loop ends, its questions unknown', () => {
    expect(reveal({ field: 'loop.name', answered: true })).toEqual(['reveal.mitigation.field: "loop.name" is not a question of the form']);
  });

  test('a chain of more than 32 references is given up on, as a loop is: the questions at its end are unknown', () => {
    /** A form that is a chain of `refs` references, each to the next, the last to an object with one question. */
    const chained = (refs: number) => ({
      $ref: '#/$defs/d1',
      $defs: Object.fromEntries(Array.from({ length: refs }, (_, i) => [`d${i + 1}`, i + 1 === refs ? { type: 'object', properties: { child: { type: 'string' } } } : { $ref: `#/$defs/d${i + 2}` }])),
    });
    expect(problems({ order: ['child'] }, chained(32))).toEqual([]);
    expect(problems({ order: ['child'] }, chained(33))).toEqual(['order names "child", which is not a question of the form']);
  });
});
