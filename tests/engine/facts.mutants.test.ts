/**
 * Which answers are facts (server/engine/facts.ts): the fields a rule reads beyond the step that gives
 * them, derived from the configuration. Found by mutation testing (`npm run mutate`).
 */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { describe, expect, test } from 'vitest';
import { compileProcess, type CompiledPartnership } from '../../server/engine/catalogue.ts';
import { createCalendar, type CalendarData } from '../../server/engine/dates/index.ts';
import type { Condition, ProcessDef, TransitionDef, ValueExpr } from '../../server/engine/definition.ts';
import { countedFrom, factsOf, fieldsOfCondition, fieldsOfValue, fieldsReadBy, formFields } from '../../server/engine/facts.ts';
import { createFormCompiler } from '../../server/engine/forms.ts';

const calendar = createCalendar(parse(readFileSync(new URL('../../workflows/calendars/england-and-wales.yaml', import.meta.url), 'utf8')) as CalendarData);
const compileForm = createFormCompiler();
const date = { type: 'string', format: 'date' };
const forms = [
  { id: 'start', schema: { type: 'object', properties: { awareOn: date, title: { type: 'string' }, kind: { type: 'string' } } }, ui: null },
  { id: 'decide', schema: { type: 'object', properties: { decidedOn: date, outcome: { type: 'string' } } }, ui: null },
  { id: 'empty', schema: { type: 'object' }, ui: null },
];

function partnershipWith(...defs: ProcessDef[]): CompiledPartnership {
  return {
    def: { id: 'test', name: 'Test', calendar: 'england-and-wales', timeZone: 'Europe/London', statutoryPartners: [], roles: [] },
    calendar,
    processes: new Map(defs.map((d) => [d.id, compileProcess(d)])),
    forms: new Map(forms.map((f) => [f.id, compileForm(f)])),
  };
}

const sorted = (fields: ReadonlySet<string>) => [...fields].sort();
const readByValue = (expr: ValueExpr) => sorted(fieldsOfValue(expr, {}));
const readByCondition = (condition: Condition, conditions?: Record<string, Condition>) => sorted(fieldsOfCondition(condition, conditions));

describe('the fields an expression reads', () => {
  test('a field path reads its first segment; literals, dates of the partnership, today, deadlines, partners and groups read none', () => {
    expect(readByValue({ field: 'reviewerCriteria.met' })).toEqual(['reviewerCriteria']);
    for (const expr of [5, 'text', null, true, { date: 'cutoff' }, { today: true }, { deadline: 'reply' }, { statutoryPartners: true }, { group: 'monitor-plans' }] as ValueExpr[]) {
      expect(readByValue(expr)).toEqual([]);
    }
  });

  test('lists, sums, date arithmetic and choices read the fields inside them', () => {
    expect(readByValue({ pluck: { from: { field: 'partners' }, key: 'id' } })).toEqual(['partners']);
    expect(readByValue({ sum: { from: { field: 'costs' } } })).toEqual(['costs']);
    expect(readByValue({ without: [{ field: 'asked' }, { field: 'heard' }] })).toEqual(['asked', 'heard']);
    expect(readByValue({ workingDaysAfter: [{ field: 'a' }, 5] })).toEqual(['a']);
    expect(readByValue({ workingDaysBefore: [{ field: 'b' }, 5] })).toEqual(['b']);
    expect(readByValue({ calendarDaysAfter: [{ field: 'c' }, 5] })).toEqual(['c']);
    expect(readByValue({ monthsAfter: [{ field: 'd' }, 6] })).toEqual(['d']);
    expect(readByValue({ earliest: [{ field: 'e' }, { field: 'f' }] })).toEqual(['e', 'f']);
    expect(readByValue({ firstPresent: [{ field: 'g' }, { today: true }, { field: 'h' }] })).toEqual(['g', 'h']);
  });

  test('an expression of a kind it does not know stops, naming it', () => {
    expect(() => fieldsOfValue({ nextTuesday: true } as unknown as ValueExpr, {})).toThrow(new Error('Unexpected variant: {"nextTuesday":true}'));
  });
});

describe('the fields a condition reads', () => {
  test('each kind of condition reads the fields of its operands', () => {
    expect(readByCondition({ all: [{ present: { field: 'a' } }, { isTrue: { field: 'b' } }] })).toEqual(['a', 'b']);
    expect(readByCondition({ any: [{ present: { field: 'a' } }, { present: { field: 'c' } }] })).toEqual(['a', 'c']);
    expect(readByCondition({ not: { present: { field: 'd' } } })).toEqual(['d']);
    expect(readByCondition({ implies: [{ present: { field: 'e' } }, { present: { field: 'f' } }] })).toEqual(['e', 'f']);
    expect(readByCondition({ equals: [{ field: 'kind' }, 'fast'] })).toEqual(['kind']);
    expect(readByCondition({ before: [{ field: 'g' }, { date: 'cutoff' }] })).toEqual(['g']);
    expect(readByCondition({ onOrBefore: [{ field: 'h' }, { field: 'i' }] })).toEqual(['h', 'i']);
    expect(readByCondition({ includes: [{ field: 'j' }, 'x'] })).toEqual(['j']);
    expect(readByCondition({ includesAll: [{ field: 'k' }, { statutoryPartners: true }] })).toEqual(['k']);
  });

  test('a named condition reads what its definition reads, once, even when names refer to each other', () => {
    const conditions: Record<string, Condition> = {
      late: { any: [{ ref: 'late' }, { ref: 'chased' }, { before: [{ field: 'dueOn' }, { today: true }] }] },
      chased: { all: [{ ref: 'late' }, { present: { field: 'chasedOn' } }] },
    };
    expect(readByCondition({ ref: 'late' }, conditions)).toEqual(['chasedOn', 'dueOn']);
  });

  test('a name that is not defined reads nothing (the configuration check reports it)', () => {
    expect(readByCondition({ ref: 'missing' }, { other: { present: { field: 'x' } } })).toEqual([]);
    expect(readByCondition({ ref: 'missing' })).toEqual([]);
  });
});

describe('the fields a transition’s rules read', () => {
  test('its guards, the conditions of its routes and everything its effects read', () => {
    const transition: TransitionDef = {
      roles: ['unit'],
      guards: [{ id: 'g', message: 'Not yet', check: { present: { field: 'guarded' } } }],
      routes: [{ when: { equals: [{ field: 'routed' }, 'yes'] }, to: 'a' }, { to: 'b' }],
      effects: [
        { startDeadline: 'reply', when: { present: { field: 'startWhen' } } },
        { createTasks: 'chase', forEach: { field: 'chaseEach' } },
        { createTasks: 'letter' },
        { completeTask: 'chase', key: { field: 'completeKey' } },
        { completeTask: 'letter' },
        { startCase: { process: 'other', state: 'open', relation: 'started', reverseRelation: 'started from', data: { title: { field: 'startTitle' }, on: { today: true } } } },
      ],
    };
    expect(sorted(fieldsReadBy(transition, {}))).toEqual(['chaseEach', 'completeKey', 'guarded', 'routed', 'startTitle', 'startWhen']);
    expect(sorted(fieldsReadBy({ roles: ['unit'] }, {}))).toEqual([]);
  });
});

describe('the facts of a process', () => {
  const def: ProcessDef = {
    id: 'facts',
    title: 'Facts',
    version: 1,
    start: {
      roles: ['unit'],
      form: 'start',
      guards: [{ id: 'known', message: 'Say when', check: { all: [{ present: { field: 'awareOn' } }, { present: { field: 'referredBy' } }] } }],
      to: 'open',
      effects: [{ startDeadline: 'reply' }],
    },
    states: {
      open: { label: 'Open', timers: [{ event: 'REMIND', at: { workingDaysBefore: [{ field: 'meetingOn' }, 2] } }] },
      quiet: { label: 'Quiet' },
    },
    deadlines: {
      reply: { label: 'Reply', due: { workingDaysAfter: [{ field: 'awareOn' }, 5] }, satisfiedBy: 'review.sentOn' },
      panel: { label: 'Panel', due: { monthsAfter: [{ field: 'panelFrom' }, 6] } },
      actionDue: { label: 'Action {item}', due: { field: 'due' }, satisfiedBy: 'doneOn', each: 'actions' },
    },
    lists: { actions: { label: 'Actions', key: 'actionId', fields: ['action', 'due', 'doneOn'] } },
    reports: { caseDate: 'referredOn' },
    events: [
      // Its own answers are read from its own form: not facts. What it reads from the case is.
      { type: 'DECIDE', label: 'Decide', from: ['open'], roles: ['unit'], form: 'decide', guards: [{ id: 'in-time', message: 'Too late', check: { onOrBefore: [{ field: 'decidedOn' }, { field: 'closesOn' }] } }] },
      { type: 'NOTE', label: 'Note', from: ['open'], roles: ['unit'], form: 'empty', routes: [{ when: { present: { field: 'outcome' } }, to: 'quiet' }, { to: 'open' }] },
    ],
  };

  test('what deadlines, timers, lists, reports and the rules of steps that do not ask for it read', () => {
    const partnership = partnershipWith(def);
    const process = partnership.processes.get('facts')!;
    expect(sorted(factsOf(partnership, process))).toEqual(['actions', 'awareOn', 'closesOn', 'meetingOn', 'outcome', 'panelFrom', 'referredBy', 'referredOn', 'review']);
    // Computed once per compiled process.
    expect(factsOf(partnership, process)).toBe(factsOf(partnership, process));
  });

  test('a process that reads nothing beyond its steps has no facts', () => {
    const bare: ProcessDef = { id: 'bare', title: 'Bare', version: 1, start: { roles: ['unit'], form: 'start', to: 'open' }, states: { open: { label: 'Open' } }, events: [] };
    const partnership = partnershipWith(bare);
    expect(sorted(factsOf(partnership, partnership.processes.get('bare')!))).toEqual([]);
  });

  test('the fields of a form are its top-level properties; no form, or one not defined, has none', () => {
    const partnership = partnershipWith(def);
    expect(sorted(formFields(partnership, 'start'))).toEqual(['awareOn', 'kind', 'title']);
    expect(sorted(formFields(partnership, 'empty'))).toEqual([]);
    expect(sorted(formFields(partnership, 'missing'))).toEqual([]);
    expect(sorted(formFields(partnership, null))).toEqual([]);
    expect(sorted(formFields(partnership, undefined))).toEqual([]);
  });
});

describe('the date a deadline counts from', () => {
  test('the date operand of days or months after it; nothing for a date in itself, days before, or a literal', () => {
    expect(countedFrom({ workingDaysAfter: [{ field: 'awareOn' }, 5] })).toEqual({ field: 'awareOn' });
    expect(countedFrom({ calendarDaysAfter: [{ date: 'start' }, 10] })).toEqual({ date: 'start' });
    expect(countedFrom({ monthsAfter: [{ field: 'decidedOn' }, 6] })).toEqual({ field: 'decidedOn' });
    for (const due of [{ field: 'nextMeetingOn' }, { workingDaysBefore: [{ field: 'meetingOn' }, 2] }, null, '2022-10-01', 5] as ValueExpr[]) {
      expect(countedFrom(due)).toBeUndefined();
    }
  });
});
