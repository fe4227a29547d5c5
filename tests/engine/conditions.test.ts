import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { describe, expect, test } from 'vitest';
import { createCalendar, type CalendarData } from '../../server/engine/dates/index.ts';
import type { Condition, IsoDate } from '../../server/engine/definition.ts';
import { evaluateCondition, type EvalEnv } from '../../server/engine/expressions.ts';

const calendar = createCalendar(parse(readFileSync(new URL('../../workflows/calendars/england-and-wales.yaml', import.meta.url), 'utf8')) as CalendarData);
const cases = JSON.parse(readFileSync(new URL('./conditions.cases.json', import.meta.url), 'utf8')) as {
  description: string;
  condition: Condition;
  data: Record<string, unknown>;
  holds: boolean;
}[];

function env(data: Record<string, unknown>): EvalEnv {
  return {
    data,
    dates: { arrangementsStart: '2019-09-29', graceEnd: '2020-09-29' },
    statutoryPartners: ['p1', 'p2', 'p3'],
    today: '2020-10-01' as IsoDate,
    deadlines: { latest: '2020-09-29' as IsoDate },
    calendar,
    conditions: { notifiable: { all: [{ isTrue: { field: 'abuse' } }, { isTrue: { field: 'harmed' } }] } },
  };
}

describe('declarative conditions', () => {
  test.each(cases)('$description', ({ condition, data, holds }) => {
    expect(evaluateCondition(condition, env(data))).toBe(holds);
  });
});
