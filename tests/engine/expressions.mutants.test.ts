/**
 * Value expressions and conditions that tests/engine/conditions.cases.json does not reach, found by
 * mutation testing (`npm run mutate`): each test here failed against a surviving mutant of
 * server/engine/expressions.ts.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { describe, expect, test } from 'vitest';
import { createCalendar, type CalendarData } from '../../server/engine/dates/index.ts';
import type { Condition, IsoDate, ValueExpr } from '../../server/engine/definition.ts';
import { evaluateCondition, evaluateValue, isPresent, readPath, type EvalEnv } from '../../server/engine/expressions.ts';

const calendar = createCalendar(parse(readFileSync(new URL('../../workflows/calendars/england-and-wales.yaml', import.meta.url), 'utf8')) as CalendarData);

function env(data: Record<string, unknown>): EvalEnv {
  return {
    data,
    dates: { arrangementsStart: '2019-09-29' },
    statutoryPartners: ['p1', 'p2'],
    groups: [{ id: 'audit', label: 'Audit Group', duties: ['monitor-plans'] }],
    today: '2020-10-01' as IsoDate,
    deadlines: { latest: '2020-09-29' as IsoDate },
    calendar,
    conditions: {},
  };
}

const value = (expr: ValueExpr, data: Record<string, unknown> = {}) => evaluateValue(expr, env(data));
const holds = (condition: Condition, data: Record<string, unknown> = {}) => evaluateCondition(condition, env(data));

describe('value expressions', () => {
  test('today, a group holding a duty, and a deadline are read from the case environment', () => {
    expect(value({ today: true })).toBe('2020-10-01');
    expect(value({ group: 'monitor-plans' })).toBe('Audit Group');
    expect(value({ group: 'nobody-holds-this' })).toBeUndefined();
    expect(evaluateValue({ group: 'monitor-plans' }, { ...env({}), groups: undefined })).toBeUndefined();
    expect(value({ deadline: 'latest' })).toBe('2020-09-29');
  });

  test('working and calendar days after a date, over the bank-holiday calendar', () => {
    // Thursday 24 December 2020: Christmas Day and the Boxing Day substitute (Monday 28th) are skipped.
    expect(value({ workingDaysAfter: [{ field: 'd' }, 2] }, { d: '2020-12-24' })).toBe('2020-12-30');
    expect(value({ workingDaysBefore: [{ field: 'd' }, 1] }, { d: '2020-12-29' })).toBe('2020-12-24');
    expect(value({ calendarDaysAfter: [{ field: 'd' }, 10] }, { d: '2020-12-24' })).toBe('2021-01-03');
    expect(value({ calendarDaysAfter: [{ field: 'd' }, 10] }, {})).toBeUndefined();
  });

  test('sum without a key adds the numbers themselves and ignores what is not a number', () => {
    expect(value({ sum: { from: { field: 'xs' } } }, { xs: [40, '20', 60, null] })).toBe(100);
    expect(value({ sum: { from: { field: 'xs' } } }, { xs: 'not a list' })).toBe(0);
  });

  test('pluck and without over a field that is not a list give an empty list', () => {
    expect(value({ pluck: { from: { field: 'xs' }, key: 'id' } }, { xs: 'nope' })).toEqual([]);
    expect(value({ pluck: { from: { field: 'xs' }, key: 'id' } }, { xs: [{ id: 'a' }, { id: 'b' }] })).toEqual(['a', 'b']);
    expect(value({ without: [{ field: 'xs' }, { field: 'ys' }] }, { xs: 'nope', ys: [] })).toEqual([]);
    expect(value({ without: [{ field: 'xs' }, { field: 'ys' }] }, { xs: ['a', 'b'] })).toEqual(['a', 'b']);
  });

  test('earliest skips missing dates and is undefined when none is given', () => {
    expect(value({ earliest: [{ field: 'a' }, { field: 'b' }] }, { b: '2021-05-01' })).toBe('2021-05-01');
    expect(value({ earliest: [{ field: 'a' }, { field: 'b' }] }, { a: '2021-06-01', b: '2021-05-01' })).toBe('2021-05-01');
    expect(value({ earliest: [{ field: 'a' }] }, {})).toBeUndefined();
    expect(value({ firstPresent: [{ field: 'a' }, { field: 'b' }] }, { a: ' ', b: [] })).toBeUndefined();
  });

  test('a path through something that is not an object is absent, not an error', () => {
    expect(readPath({ a: 'text' }, 'a.b')).toBeUndefined();
    expect(readPath({ a: null }, 'a.b')).toBeUndefined();
    expect(readPath({ a: { b: 0 } }, 'a.b')).toBe(0);
    // Not the text's own length: a field named like a property of text is still absent.
    expect(readPath({ a: 'text' }, 'a.length')).toBeUndefined();
    expect(isPresent(null)).toBe(false);
    expect(isPresent('  x ')).toBe(true);
    expect(isPresent({})).toBe(true);
    expect(isPresent(['x'])).toBe(true);
  });
});

describe('conditions', () => {
  test('an unknown named condition is an error naming it', () => {
    expect(() => holds({ ref: 'nowhere' })).toThrow('Unknown condition "nowhere"');
  });

  test('a field compared with null: an absent field is not null, a null one is', () => {
    expect(holds({ equals: [{ field: 'a' }, null] }, {})).toBe(false);
    expect(holds({ equals: [{ field: 'a' }, null] }, { a: null })).toBe(true);
  });

  test('any fails when no part holds; implies holds when both parts hold', () => {
    expect(holds({ any: [{ isTrue: { field: 'a' } }, { isTrue: { field: 'b' } }] }, {})).toBe(false);
    expect(holds({ implies: [{ isTrue: { field: 'a' } }, { isTrue: { field: 'b' } }] }, { a: true, b: true })).toBe(true);
  });

  test('before and on-or-before differ only on the same day, and fail when a date is missing', () => {
    const sameDay = { a: '2020-01-01', b: '2020-01-01' };
    expect(holds({ before: [{ field: 'a' }, { field: 'b' }] }, sameDay)).toBe(false);
    expect(holds({ onOrBefore: [{ field: 'a' }, { field: 'b' }] }, sameDay)).toBe(true);
    expect(holds({ onOrBefore: [{ field: 'a' }, { field: 'b' }] }, { a: '2020-01-02', b: '2020-01-01' })).toBe(false);
    expect(holds({ before: [{ field: 'a' }, { field: 'b' }] }, { b: '2020-01-01' })).toBe(false);
    expect(holds({ before: [{ field: 'a' }, { field: 'b' }] }, { a: '2020-01-01' })).toBe(false);
  });

  test('includes on something that is not a list fails rather than matching a substring', () => {
    expect(holds({ includes: [{ field: 'text' }, 'p1'] }, { text: 'p1 and p2' })).toBe(false);
    expect(holds({ includesAll: [{ field: 'text' }, { field: 'xs' }] }, { text: 'p1', xs: ['p1'] })).toBe(false);
    expect(holds({ includesAll: [{ field: 'xs' }, { field: 'text' }] }, { text: 'p1', xs: ['p1'] })).toBe(false);
  });
});

describe('a variant the engine does not know', () => {
  // Only reachable past the schema and the compiler, as from a newer configuration: it must stop, naming it.
  test('is an error naming it, for a value and for a condition', () => {
    expect(() => value({ someday: true } as unknown as ValueExpr)).toThrow('Unexpected variant: {"someday":true}');
    expect(() => holds({ someday: true } as unknown as Condition)).toThrow('Unexpected variant: {"someday":true}');
  });
});
