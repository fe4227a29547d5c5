/**
 * How a form's answers are checked (server/engine/forms.ts): the problems a person is shown, each
 * pointing at the field to fix, and the validator as served to the browser. Found by mutation testing.
 */
import type { ErrorObject } from 'ajv/dist/2020.js';
import { describe, expect, test } from 'vitest';
import type { FieldProblem } from '../../server/engine/errors.ts';
import { createFormCompiler, toFieldProblem } from '../../server/engine/forms.ts';

/** Checks answers against a schema, with a compiler made inside the test (one per test: making one is slow). */
function validating(): (schema: Record<string, unknown>, data: unknown) => FieldProblem[] {
  const compile = createFormCompiler();
  return (schema, data) => compile({ id: 'test', schema, ui: null }).validate(data);
}

const form = (properties: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({ type: 'object', properties, ...extra });

describe('a missing answer', () => {
  test('is named by its title and points at the field, inside the object it belongs to', () => {
    const problemsOf = validating();
    const schema = form({ child: form({ name: { type: 'string', title: 'Name of the child' } }, { required: ['name'] }) }, { required: ['child'] });
    expect(problemsOf(schema, {})).toEqual([{ path: '/child', message: 'child is required' }]);
    expect(problemsOf(schema, { child: {} })).toEqual([{ path: '/child/name', message: 'Name of the child is required' }]);
  });

  test('a field with no title, or not declared at all, is named by its key; slashes and tildes in it are escaped', () => {
    const problemsOf = validating();
    const schema = form({ 'a/b~c': { type: 'string' } }, { required: ['a/b~c', 'undeclared'] });
    expect(problemsOf(schema, {})).toEqual([
      { path: '/a~1b~0c', message: 'a/b~c is required' },
      { path: '/undeclared', message: 'undeclared is required' },
    ]);
  });
});

describe('an answer the form does not have', () => {
  test('is named and the person told to remove it', () => {
    const problemsOf = validating();
    const schema = form({ title: { type: 'string' } }, { additionalProperties: false });
    expect(problemsOf(schema, { title: 'x', 'extra/one': 1 })).toEqual([{ path: '/extra~1one', message: '"extra/one" is not a field of this form; remove it' }]);
  });
});

describe('an answer of the wrong shape', () => {
  /** A kind of answer, one that is wrong for it, and what is said with the title "Answer" and with none. */
  const kinds: [Record<string, unknown>, unknown, string, string][] = [
    [{ type: 'string', format: 'date' }, '2023-02-30', 'Answer must be a real date written as YYYY-MM-DD', 'This must be a real date written as YYYY-MM-DD'],
    [{ type: 'string', format: 'email' }, 'nope', 'Answer must be a valid email', 'This must be a valid email'],
    [{ enum: ['agreed', 'refused'] }, 'maybe', 'Answer must be one of: agreed, refused', 'This must be one of: agreed, refused'],
    [{ type: 'string', minLength: 1 }, '', 'Answer must not be empty', 'This must not be empty'],
    [{ type: 'string', minLength: 3 }, 'ab', 'Answer must NOT have fewer than 3 characters', 'This must NOT have fewer than 3 characters'],
    [{ type: 'integer' }, 1.5, 'Answer must be integer', 'This field must be integer'],
  ];

  test('each problem says what is wrong with that answer, by its title or as "This"', () => {
    const problemsOf = validating();
    const properties = Object.fromEntries(kinds.flatMap(([schema], i) => [[`titled${i}`, { ...schema, title: 'Answer' }], [`plain${i}`, schema]]));
    const answers = Object.fromEntries(kinds.flatMap(([, answer], i) => [[`titled${i}`, answer], [`plain${i}`, answer]]));
    const said = kinds.flatMap(([, , titled, plain], i) => [{ path: `/titled${i}`, message: titled }, { path: `/plain${i}`, message: plain }]);
    expect(problemsOf(form(properties), answers)).toEqual(said);
  });

  test('valid answers give no problems, an answer may be of one of several types, and the defaults of the form are filled in', () => {
    const problemsOf = validating();
    const data: Record<string, unknown> = { name: 'Child T', count: 'unknown' };
    expect(problemsOf(form({ name: { type: 'string' }, status: { type: 'string', default: 'open' }, count: { type: ['string', 'integer'] } }), data)).toEqual([]);
    expect(data).toEqual({ name: 'Child T', count: 'unknown', status: 'open' });
  });
});

describe('conditional parts of a form', () => {
  test('a field a then makes required inside a list of objects is named by the title the list item gives it', () => {
    const problemsOf = validating();
    const item = form(
      { met: { type: 'boolean' }, 'why/not': { type: 'string', title: 'Why it was not met' } },
      { if: { properties: { met: { const: false } }, required: ['met'] }, then: { required: ['why/not', 'undeclared'] } },
    );
    const schema = form({ actions: { type: 'array', items: item } });
    expect(problemsOf(schema, { actions: [{ met: true }, { met: false }] })).toEqual([
      { path: '/actions/1/why~1not', message: 'Why it was not met is required' },
      { path: '/actions/1/undeclared', message: 'undeclared is required' },
    ]);
  });

  test('inside an object whose own name has a slash or a tilde, the title is still found', () => {
    const problemsOf = validating();
    const inner = form({ met: { type: 'boolean' }, why: { type: 'string', title: 'Why' } }, { if: { properties: { met: { const: false } }, required: ['met'] }, then: { required: ['why'] } });
    const schema = form({ 'a/b': inner, 'c~d': inner });
    expect(problemsOf(schema, { 'a/b': { met: false }, 'c~d': { met: false } })).toEqual([
      { path: '/a~1b/why', message: 'Why is required' },
      { path: '/c~0d/why', message: 'Why is required' },
    ]);
  });

  test('only the failures beneath an if, anyOf or oneOf are shown, not the combinator that restates them', () => {
    const problemsOf = validating();
    const conditional = form(
      { referred: { type: 'boolean' }, reason: { type: 'string', title: 'Reason' } },
      { if: { properties: { referred: { const: true } }, required: ['referred'] }, then: { required: ['reason'] } },
    );
    // The `then` declares no properties: the title is the form's own for that field.
    expect(problemsOf(conditional, { referred: true })).toEqual([{ path: '/reason', message: 'Reason is required' }]);
    const either = { anyOf: [{ type: 'string', title: 'Text' }, { type: 'integer', title: 'Number' }] };
    expect(problemsOf(either, true)).toEqual([
      { path: '', message: 'Text must be string' },
      { path: '', message: 'Number must be integer' },
    ]);
    const oneOf = { oneOf: [{ type: 'string', title: 'Text' }, { type: 'integer', title: 'Number' }] };
    expect(problemsOf(oneOf, true)).toEqual([
      { path: '', message: 'Text must be string' },
      { path: '', message: 'Number must be integer' },
    ]);
  });
});

describe('a problem as Ajv reports it', () => {
  const error = (fields: Partial<ErrorObject>): ErrorObject => ({ keyword: 'type', instancePath: '/age', schemaPath: '#/type', params: {}, ...fields });

  test('a title that is not text is not used, and a problem with no message is "not valid"', () => {
    expect(toFieldProblem(error({ message: 'must be integer', parentSchema: { title: 5 } }))).toEqual({ path: '/age', message: 'This field must be integer' });
    expect(toFieldProblem(error({ parentSchema: { title: 'Age' } }))).toEqual({ path: '/age', message: 'Age is not valid' });
    expect(toFieldProblem(error({ keyword: 'required', instancePath: '', params: { missingProperty: 'age' } }))).toEqual({ path: '/age', message: 'age is required' });
  });
});

describe('a schema Ajv cannot compile', () => {
  test('is refused for every form that has it, not only the first', () => {
    const compile = createFormCompiler();
    const bad = { type: 'object', colour: 'red' };
    expect(() => compile({ id: 'one', schema: bad, ui: null })).toThrow('strict mode: unknown keyword: "colour"');
    expect(() => compile({ id: 'two', schema: bad, ui: null })).toThrow('strict mode: unknown keyword: "colour"');
  });
});

describe('the validator served to the browser', () => {
  test('is an ES module whose caller supplies require, made once for every form written alike', () => {
    const compile = createFormCompiler();
    const schema = form({ on: { type: 'string', format: 'date' } });
    const first = compile({ id: 'one', schema, ui: { order: ['on'] } });
    const second = compile({ id: 'two', schema: form({ on: { type: 'string', format: 'date' } }), ui: null });
    expect([first.id, first.ui, second.id, second.ui]).toEqual(['one', { order: ['on'] }, 'two', null]);
    const module = first.browserModule();
    expect(module.startsWith('export default function createValidator(require) {\nconst module = { exports: {} };\nconst exports = module.exports;\n"use strict";')).toBe(true);
    expect(module.endsWith('\nreturn module.exports;\n}\n')).toBe(true);
    expect(module).toContain('require("ajv-formats/dist/formats").fullFormats');
    expect(second.browserModule()).toBe(module);
    expect(first.browserModule()).toBe(module);
  });
});
