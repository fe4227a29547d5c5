import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { describe, expect, test } from 'vitest';
import { compileProcess, type CompiledPartnership } from '../../server/engine/catalogue.ts';
import { createCalendar, type CalendarData } from '../../server/engine/dates/index.ts';
import type { IsoDate, ProcessDef } from '../../server/engine/definition.ts';
import { EventNotAllowedError, ForbiddenError, GuardRejectedError, ValidationFailedError } from '../../server/engine/errors.ts';
import { createFormCompiler } from '../../server/engine/forms.ts';
import { decideCreate, decideEvent, type CaseState, type Decision } from '../../server/engine/step.ts';

const calendar = createCalendar(parse(readFileSync(new URL('../../workflows/calendars/england-and-wales.yaml', import.meta.url), 'utf8')) as CalendarData);
const compileForm = createFormCompiler();
const date = { type: 'string', format: 'date' };

/** A small process exercising every engine feature, independent of the shipped configuration. */
const def: ProcessDef = {
  id: 'toy',
  title: 'Toy',
  version: 1,
  start: {
    roles: ['starter'],
    form: 'start',
    guards: [{ id: 'before-cutoff', message: 'Must start before the cut-off', check: { before: [{ field: 'openedOn' }, { date: 'cutoff' }] } }],
    routes: [{ when: { equals: [{ field: 'kind' }, 'fast'] }, to: 'fast' }, { to: 'open' }],
    effects: [{ startDeadline: 'reply' }],
  },
  states: {
    open: { label: 'Open', timers: [{ event: 'EXPIRE', at: { calendarDaysAfter: [{ date: 'cutoff' }, 1] } }] },
    fast: { label: 'Fast' },
    expired: { label: 'Expired' },
    done: { label: 'Done', final: true },
  },
  deadlines: { reply: { label: 'Reply', due: { workingDaysAfter: [{ field: 'openedOn' }, 5] }, satisfiedBy: 'repliedOn' } },
  tasks: { chase: { label: 'Chase {itemLabel}' } },
  events: [
    { type: 'NOTE', label: 'Note', from: ['open', 'fast'], roles: ['starter'], form: 'reply', effects: [{ createTasks: 'chase', forEach: { without: [{ statutoryPartners: true }, { field: 'heard' }] } }] },
    { type: 'FINISH', label: 'Finish', from: '*', roles: ['closer', 'raiser'], form: null, to: 'done' },
    { type: 'EXPIRE', label: 'Expire', from: ['open'], roles: ['system'], form: null, to: 'expired' },
  ],
};
const forms = [
  { id: 'start', schema: { type: 'object', additionalProperties: false, required: ['openedOn'], properties: { openedOn: date, kind: { enum: ['fast', 'slow'] } } }, ui: null },
  { id: 'reply', schema: { type: 'object', additionalProperties: false, properties: { repliedOn: date, heard: { type: 'array', items: { type: 'string' } } } }, ui: null },
];
const process = compileProcess(def);
const partnership: CompiledPartnership = {
  def: {
    id: 'test',
    name: 'Test',
    calendar: 'england-and-wales',
    statutoryPartners: [
      { id: 'p1', label: 'Council', kind: 'local-authority' },
      { id: 'p2', label: 'Health', kind: 'health' },
      { id: 'p3', label: 'Police', kind: 'police' },
    ],
    roles: [],
    dates: { cutoff: '2022-12-31' },
  },
  calendar,
  processes: new Map([['toy', process]]),
  forms: new Map(forms.map((f) => [f.id, compileForm(f)])),
};
const starter = { username: 'ann', roles: ['starter'] };

function create(data: Record<string, unknown>, today = '2022-09-20') {
  return decideCreate(partnership, process, { data, actor: starter, today: today as IsoDate });
}

/** What the store keeps, after a round trip through JSON as SQLite would give it back. */
function stored(decision: Decision, createdBy = 'ann'): CaseState {
  return JSON.parse(JSON.stringify({ state: decision.state, createdBy, data: decision.data, deadlines: decision.deadlines, tasks: decision.tasks }));
}

describe('the engine decides', () => {
  test('creation routes by the data, starts deadlines on the calendar and sets timers', () => {
    const open = create({ openedOn: '2022-09-16' });
    expect(open.state).toBe('open');
    expect(open.steps).toEqual([{ type: 'CREATE', from: null, to: 'open', by: 'ann', data: { openedOn: '2022-09-16' } }]);
    expect(open.deadlines).toEqual([{ id: 'reply', label: 'Reply', due: '2022-09-26', satisfiedBy: 'repliedOn', met: null }]);
    expect(open.timers).toEqual([{ event: 'EXPIRE', at: '2023-01-01' }]);
    expect(create({ openedOn: '2022-09-16', kind: 'fast' }).state).toBe('fast');
  });

  test('refusals come in the contract order with what to fix', () => {
    expect(() => decideCreate(partnership, process, { data: {}, actor: { username: 'x', roles: ['closer'] }, today: '2022-09-20' as IsoDate })).toThrow(ForbiddenError);
    expect(() => create({ openedOn: '2022-02-30' })).toThrow(ValidationFailedError);
    expect(() => create({ openedOn: '2023-01-02' })).toThrow(GuardRejectedError);
    const open = stored(create({ openedOn: '2022-09-16' }));
    expect(() => decideEvent(partnership, process, open, { type: 'NOPE', data: {}, actor: starter, today: '2022-09-20' as IsoDate })).toThrow(EventNotAllowedError);
    expect(() => decideEvent(partnership, process, open, { type: 'EXPIRE', data: {}, actor: starter, today: '2022-09-20' as IsoDate })).toThrow(ForbiddenError);
  });

  test('a late date is recorded as missed, never refused; an early one as met', () => {
    const open = stored(create({ openedOn: '2022-09-16' }));
    const late = decideEvent(partnership, process, open, { type: 'NOTE', data: { repliedOn: '2022-09-27' }, actor: starter, today: '2022-09-30' as IsoDate });
    expect(late.deadlines[0]).toMatchObject({ due: '2022-09-26', met: false });
    const onTime = decideEvent(partnership, process, open, { type: 'NOTE', data: { repliedOn: '2022-09-26' }, actor: starter, today: '2022-09-30' as IsoDate });
    expect(onTime.deadlines[0]).toMatchObject({ met: true });
  });

  test('a self-transition keeps its timers and adds tasks per missing partner', () => {
    const open = stored(create({ openedOn: '2022-09-16' }));
    const noted = decideEvent(partnership, process, open, { type: 'NOTE', data: { heard: ['p2'] }, actor: starter, today: '2022-09-20' as IsoDate });
    expect(noted.state).toBe('open');
    expect(noted.timers).toBe('keep');
    expect(noted.tasks).toEqual([
      { id: 'chase-p1', label: 'Chase Council', done: false },
      { id: 'chase-p3', label: 'Chase Police', done: false },
    ]);
  });

  test('a case recorded after its timer date moves on in the same decision, by the system', () => {
    const late = create({ openedOn: '2022-09-16' }, '2023-03-01');
    expect(late.state).toBe('expired');
    expect(late.steps.map((s) => `${s.type}:${s.by}:${s.to}`)).toEqual(['CREATE:ann:open', 'EXPIRE:system:expired']);
    expect(late.timers).toEqual([]);
  });

  test('the pseudo-role raiser is the case creator only', () => {
    const open = stored(create({ openedOn: '2022-09-16' }));
    const byRaiser = decideEvent(partnership, process, open, { type: 'FINISH', data: {}, actor: { username: 'ann', roles: [] }, today: '2022-09-20' as IsoDate });
    expect(byRaiser.state).toBe('done');
    expect(() => decideEvent(partnership, process, open, { type: 'FINISH', data: {}, actor: { username: 'bob', roles: ['starter'] }, today: '2022-09-20' as IsoDate })).toThrow(ForbiddenError);
  });

  test('restored from storage, a case decides exactly as the one in memory', () => {
    const inMemory = create({ openedOn: '2022-09-16' });
    const live: CaseState = { state: inMemory.state, createdBy: 'ann', data: inMemory.data, deadlines: inMemory.deadlines, tasks: inMemory.tasks };
    const input = { type: 'NOTE', data: { repliedOn: '2022-09-21', heard: ['p1'] }, actor: starter, today: '2022-09-22' as IsoDate };
    expect(decideEvent(partnership, process, stored(inMemory), input)).toEqual(decideEvent(partnership, process, live, input));
  });

  test('a deadline outside the calendar years is a clear refusal, not a crash', () => {
    const later = { ...partnership, def: { ...partnership.def, dates: { cutoff: '2030-01-01' } } };
    const input = { data: { openedOn: '2027-12-30' }, actor: starter, today: '2027-12-30' as IsoDate };
    expect(() => decideCreate(later, process, input)).toThrow(GuardRejectedError);
    expect(() => decideCreate(later, process, input)).toThrow(/covers 2018 to 2027/);
  });
});
