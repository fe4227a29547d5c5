import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { describe, expect, test } from 'vitest';
import { createCalendar, type CalendarData } from '../../server/engine/dates/index.ts';
import type { Condition, IsoDate } from '../../server/engine/definition.ts';
import { explainFailure, fieldPointer } from '../../server/engine/explain.ts';
import { evaluateCondition, type EvalEnv } from '../../server/engine/expressions.ts';

const calendar = createCalendar(parse(readFileSync(new URL('../../workflows/calendars/england-and-wales.yaml', import.meta.url), 'utf8')) as CalendarData);

function env(data: Record<string, unknown>): EvalEnv {
  return {
    data,
    dates: { arrangementsStart: '2019-09-29' },
    statutoryPartners: ['p1', 'p2', 'p3'],
    today: '2023-06-01' as IsoDate,
    deadlines: {},
    calendar,
    conditions: {
      notifiable: { all: [{ isTrue: { field: 'abuse' } }, { any: [{ isTrue: { field: 'died' } }, { isTrue: { field: 'harmed' } }] }] },
      conflicted: { isTrue: { field: 'criteria.conflict' } },
    },
  };
}

const cases: { description: string; condition: Condition; data: Record<string, unknown>; paths: string[]; dates?: unknown[] }[] = [
  {
    description: 'an implication blames its consequence, the answer still to give',
    condition: { implies: [{ ref: 'conflicted' }, { present: { field: 'mitigation' } }] },
    data: { criteria: { conflict: true } },
    paths: ['/mitigation'],
  },
  {
    description: 'a consequence about the case alone leaves the premise to change',
    condition: { implies: [{ isTrue: { field: 'urgent' } }, { present: { deadline: 'none' } }] },
    data: { urgent: true },
    paths: ['/urgent'],
  },
  {
    description: 'of all its parts, only those that failed, through named conditions',
    condition: { all: [{ isTrue: { field: 'inArea' } }, { ref: 'notifiable' }] },
    data: { inArea: true, abuse: true, died: false, harmed: false },
    paths: ['/died', '/harmed'],
  },
  {
    description: 'every alternative of an any, in the order written',
    condition: { any: [{ ref: 'notifiable' }, { isTrue: { field: 'referred' } }] },
    data: { abuse: false, died: true },
    paths: ['/abuse', '/referred'],
  },
  {
    description: 'a negation blames everything it reads',
    condition: { not: { equals: [{ field: 'a' }, { field: 'b' }] } },
    data: { a: 1, b: 1 },
    paths: ['/a', '/b'],
  },
  {
    description: 'an answer on or before a worked-out date: the date, and the answer it was worked out from',
    condition: { onOrBefore: [{ field: 'sentOn' }, { workingDaysBefore: [{ field: 'publishedOn' }, 7] }] },
    data: { sentOn: '2026-11-30', publishedOn: '2026-12-08' },
    paths: ['/sentOn', '/publishedOn'],
    dates: [{ path: '/sentOn', must: 'onOrBefore', date: '2026-11-27', from: [{ path: '/publishedOn', date: '2026-12-08' }] }],
  },
  {
    description: "an answer before a partnership's date, with no answer to work it from",
    condition: { before: [{ field: 'decidedOn' }, { date: 'arrangementsStart' }] },
    data: { decidedOn: '2019-10-01' },
    paths: ['/decidedOn'],
    dates: [{ path: '/decidedOn', must: 'before', date: '2019-09-29', from: [] }],
  },
  {
    description: 'a worked-out date first limits the answer from below',
    condition: { before: [{ calendarDaysAfter: [{ field: 'openedOn' }, 10] }, { field: 'closedOn' }] },
    data: { openedOn: '2023-01-01', closedOn: '2023-01-05' },
    paths: ['/openedOn', '/closedOn'],
    dates: [{ path: '/closedOn', must: 'after', date: '2023-01-11', from: [{ path: '/openedOn', date: '2023-01-01' }] }],
  },
  {
    description: 'two answers compared work out no date',
    condition: { before: [{ field: 'periodStart' }, { field: 'periodEnd' }] },
    data: { periodStart: '2023-04-01', periodEnd: '2023-03-31' },
    paths: ['/periodStart', '/periodEnd'],
  },
  {
    description: 'a date that cannot be worked out (its answer missing) is not given',
    condition: { onOrBefore: [{ field: 'sentOn' }, { workingDaysBefore: [{ field: 'publishedOn' }, 7] }] },
    data: { sentOn: '2026-11-30' },
    paths: ['/sentOn', '/publishedOn'],
  },
];

describe('explaining a failed rule', () => {
  test.each(cases)('$description', ({ condition, data, paths, dates = [] }) => {
    const environment = env(data);
    expect(evaluateCondition(condition, environment)).toBe(false);
    expect(explainFailure(condition, environment)).toEqual({ paths, dates });
  });

  test('field paths become JSON Pointers, nested and escaped', () => {
    expect(fieldPointer('criteria.conflict')).toBe('/criteria/conflict');
    expect(fieldPointer('a/b~c')).toBe('/a~1b~0c');
  });
});
