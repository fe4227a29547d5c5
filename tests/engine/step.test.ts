import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { describe, expect, test } from 'vitest';
import { compileProcess, type CompiledPartnership } from '../../server/engine/catalogue.ts';
import { createCalendar, type CalendarData } from '../../server/engine/dates/index.ts';
import type { ProcessDef } from '../../server/engine/definition.ts';
import { EventNotAllowedError, ForbiddenError, GuardRejectedError, ValidationFailedError } from '../../server/engine/errors.ts';
import { createFormCompiler } from '../../server/engine/forms.ts';
import { project, type HistoryStep, type Projection } from '../../server/engine/project.ts';
import { decideCreate, decideEvent, type Decision } from '../../server/engine/step.ts';

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
    { type: 'CORRECT_DATES', label: 'Correct the dates', from: '*', roles: ['closer'], form: 'correct', corrects: ['openedOn', 'repliedOn'] },
  ],
};
const forms = [
  { id: 'start', schema: { type: 'object', additionalProperties: false, required: ['openedOn'], properties: { openedOn: date, kind: { enum: ['fast', 'slow'] } } }, ui: null },
  { id: 'reply', schema: { type: 'object', additionalProperties: false, properties: { repliedOn: date, heard: { type: 'array', items: { type: 'string' } }, note: { type: 'string' } } }, ui: null },
  { id: 'correct', schema: { type: 'object', additionalProperties: false, required: ['reason'], properties: { reason: { type: 'string', minLength: 1 }, openedOn: date, repliedOn: date } }, ui: null },
];
const process = compileProcess(def);
const partnership: CompiledPartnership = {
  def: {
    id: 'test',
    name: 'Test',
    calendar: 'england-and-wales',
    timeZone: 'Europe/London',
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
const closer = { username: 'cal', roles: ['closer'] };

/** Noon in London on a date: the instant a step is taken at, in these tests. */
const on = (day: string) => `${day}T11:00:00Z`;

function create(data: Record<string, unknown>, day = '2022-09-20') {
  return decideCreate(partnership, process, { data, actor: starter, at: on(day) });
}

/** The history a decision leaves, after a round trip through JSON as SQLite would give it back. */
function historyOf(...decisions: Decision[]): HistoryStep[] {
  return JSON.parse(JSON.stringify(decisions.flatMap((d) => d.steps))) as HistoryStep[];
}

/** The case as its history decides it, read back from storage. */
function replayed(...decisions: Decision[]): Projection {
  return project(partnership, process, historyOf(...decisions))!;
}

function send(current: Projection, type: string, data: Record<string, unknown>, day = '2022-09-20', actor = starter) {
  return decideEvent(partnership, process, current, { type, data, actor, at: on(day) });
}

function refusal(run: () => unknown): { code: string; details: unknown } {
  try {
    run();
  } catch (error) {
    return error as { code: string; details: unknown };
  }
  throw new Error('expected a refusal');
}

describe('the engine decides', () => {
  test('creation routes by the data, starts deadlines on the calendar and sets timers', () => {
    const open = create({ openedOn: '2022-09-16' });
    expect(open.projection.state).toBe('open');
    expect(open.steps).toEqual([
      { seq: 1, type: 'CREATE', from: null, to: 'open', by: 'ann', at: on('2022-09-20'), data: { openedOn: '2022-09-16' }, effects: { dues: { reply: '2022-09-26' } } },
    ]);
    expect(open.projection.deadlines).toEqual([{ id: 'reply', label: 'Reply', due: '2022-09-26', satisfiedBy: 'repliedOn', met: null, corrected: false }]);
    expect(open.projection.timers).toEqual([{ event: 'EXPIRE', at: '2023-01-01' }]);
    expect(create({ openedOn: '2022-09-16', kind: 'fast' }).projection.state).toBe('fast');
  });

  test('refusals come in the contract order with what to fix', () => {
    expect(() => decideCreate(partnership, process, { data: {}, actor: { username: 'x', roles: ['closer'] }, at: on('2022-09-20') })).toThrow(ForbiddenError);
    expect(() => create({ openedOn: '2022-02-30' })).toThrow(ValidationFailedError);
    expect(() => create({ openedOn: '2023-01-02' })).toThrow(GuardRejectedError);
    const open = replayed(create({ openedOn: '2022-09-16' }));
    expect(() => send(open, 'NOPE', {})).toThrow(EventNotAllowedError);
    expect(() => send(open, 'EXPIRE', {})).toThrow(ForbiddenError);
  });

  test('a late date is recorded as missed, never refused; an early one as met', () => {
    const open = replayed(create({ openedOn: '2022-09-16' }));
    expect(send(open, 'NOTE', { repliedOn: '2022-09-27' }, '2022-09-30').projection.deadlines[0]).toMatchObject({ due: '2022-09-26', met: false });
    expect(send(open, 'NOTE', { repliedOn: '2022-09-26' }, '2022-09-30').projection.deadlines[0]).toMatchObject({ met: true });
  });

  test('a self-transition keeps its timers and adds tasks per missing partner', () => {
    const open = replayed(create({ openedOn: '2022-09-16' }));
    const noted = send(open, 'NOTE', { heard: ['p2'] });
    expect(noted.projection.state).toBe('open');
    expect(noted.projection.timers).toEqual(open.timers);
    expect(noted.projection.tasks).toEqual([
      { id: 'chase-p1', label: 'Chase Council', done: false },
      { id: 'chase-p3', label: 'Chase Police', done: false },
    ]);
  });

  test('a case recorded after its timer date moves on in the same decision, by the system', () => {
    const late = create({ openedOn: '2022-09-16' }, '2023-03-01');
    expect(late.projection.state).toBe('expired');
    expect(late.steps.map((s) => `${s.seq}:${s.type}:${s.by}:${s.to}`)).toEqual(['1:CREATE:ann:open', '2:EXPIRE:system:expired']);
    expect(late.projection.timers).toEqual([]);
  });

  test('the pseudo-role raiser is the case creator only', () => {
    const open = replayed(create({ openedOn: '2022-09-16' }));
    expect(send(open, 'FINISH', {}, '2022-09-20', { username: 'ann', roles: [] }).projection.state).toBe('done');
    expect(() => send(open, 'FINISH', {}, '2022-09-20', { username: 'bob', roles: ['starter'] })).toThrow(ForbiddenError);
  });

  test('the case a decision makes is exactly what its history decides when read back', () => {
    const created = create({ openedOn: '2022-09-16' });
    const noted = send(replayed(created), 'NOTE', { repliedOn: '2022-09-21', heard: ['p1'] }, '2022-09-22');
    expect(replayed(created, noted)).toEqual(noted.projection);
    const input = { type: 'NOTE', data: { heard: ['p2'] }, actor: starter, at: on('2022-09-23') };
    expect(decideEvent(partnership, process, replayed(created, noted), input)).toEqual(decideEvent(partnership, process, noted.projection, input));
  });

  test('a deadline outside the calendar years is a clear refusal, not a crash', () => {
    const later = { ...partnership, def: { ...partnership.def, dates: { cutoff: '2030-01-01' } } };
    const input = { data: { openedOn: '2027-12-30' }, actor: starter, at: on('2027-12-30') };
    expect(() => decideCreate(later, process, input)).toThrow(ValidationFailedError);
    expect(refusal(() => decideCreate(later, process, input)).details).toEqual([{ path: '/openedOn', message: expect.stringMatching(/covers 2018 to 2027/) }]);
  });
});

describe('the history is the record', () => {
  test('a repeated step keeps each answer in its own entry; the first recorded answer stays the case\'s', () => {
    const created = create({ openedOn: '2022-09-16' });
    const first = send(replayed(created), 'NOTE', { note: 'Phoned the school' });
    const second = send(replayed(created, first), 'NOTE', { note: 'Wrote to the GP' }, '2022-09-21');
    const history = historyOf(created, first, second);
    expect(history.map((h) => h.data.note)).toEqual([undefined, 'Phoned the school', 'Wrote to the GP']);
    expect(replayed(created, first, second).data.note).toBe('Phoned the school');
  });

  test('a date that meets a deadline cannot be re-sent differently: missed stays missed', () => {
    const created = create({ openedOn: '2022-09-16' });
    const late = send(replayed(created), 'NOTE', { repliedOn: '2022-09-28' }, '2022-09-30');
    const current = replayed(created, late);
    const error = refusal(() => send(current, 'NOTE', { repliedOn: '2022-09-23' }, '2022-09-30'));
    expect(error.code).toBe('validation_failed');
    expect(error.details).toEqual([{ path: '/repliedOn', message: expect.stringMatching(/already recorded as 28 September 2022.*"Correct the dates" \(CORRECT_DATES\)/) }]);
    // The same value again is no change, and is accepted.
    expect(send(current, 'NOTE', { repliedOn: '2022-09-28', note: 'copy' }, '2022-09-30').projection.deadlines[0]).toMatchObject({ met: false, corrected: false });
  });

  test('a correction, with a reason, flips missed to met, says it was corrected and keeps the old value', () => {
    const created = create({ openedOn: '2022-09-16' });
    const late = send(replayed(created), 'NOTE', { repliedOn: '2022-09-28' }, '2022-09-30');
    const current = replayed(created, late);
    expect(refusal(() => send(current, 'CORRECT_DATES', { reason: ' ', repliedOn: '2022-09-23' }, '2022-10-03', closer)).details).toEqual([
      { path: '/reason', message: 'Say why the record is being corrected' },
    ]);
    expect(() => send(current, 'CORRECT_DATES', { reason: 'Typo', repliedOn: '2022-09-28' }, '2022-10-03', closer)).toThrow(/changes nothing/);
    expect(() => send(current, 'CORRECT_DATES', { reason: 'Typo', repliedOn: '2022-09-23' }, '2022-10-03', starter)).toThrow(ForbiddenError);
    const corrected = send(current, 'CORRECT_DATES', { reason: 'The letter was dated the 23rd', repliedOn: '2022-09-23' }, '2022-10-03', closer);
    expect(corrected.steps[0]).toMatchObject({ type: 'CORRECT_DATES', from: 'open', to: 'open', effects: { changes: [{ field: 'repliedOn', from: '2022-09-28', to: '2022-09-23' }] } });
    expect(corrected.projection.deadlines[0]).toMatchObject({ met: true, corrected: true });
    expect(replayed(created, late, corrected)).toEqual(corrected.projection);
  });

  test('correcting the date a deadline counts from moves the deadline; a closed case can be corrected', () => {
    const created = create({ openedOn: '2022-09-16' });
    const closed = send(replayed(created), 'FINISH', {}, '2022-09-20', closer);
    const corrected = send(replayed(created, closed), 'CORRECT_DATES', { reason: 'Opened a week earlier', openedOn: '2022-09-09' }, '2022-09-21', closer);
    expect(corrected.projection.state).toBe('done');
    expect(corrected.projection.deadlines[0]).toMatchObject({ due: '2022-09-16' });
    expect(corrected.steps[0]!.effects.dues).toEqual({ reply: '2022-09-16' });
  });

  test('a date that meets a deadline happened: not after today, not before the date it counts from', () => {
    const open = replayed(create({ openedOn: '2022-09-16' }));
    expect(refusal(() => send(open, 'NOTE', { repliedOn: '2022-09-21' }, '2022-09-20')).details).toEqual([
      { path: '/repliedOn', message: '21 September 2022 is after today (20 September 2022): enter the date it happened' },
    ]);
    expect(refusal(() => send(open, 'NOTE', { repliedOn: '2022-09-15' }, '2022-09-20')).details).toEqual([
      { path: '/repliedOn', message: expect.stringContaining('is before 16 September 2022, the date "Reply" counts from') },
    ]);
    expect(send(open, 'NOTE', { repliedOn: '2022-09-16' }, '2022-09-20').projection.deadlines[0]).toMatchObject({ met: true });
  });

  test('a far date is a 422 naming the field and the accepted range, at the step that sends it', () => {
    const error = refusal(() => create({ openedOn: '9999-12-31' }));
    expect(error.code).toBe('validation_failed');
    expect(error.details).toEqual([{ path: '/openedOn', message: 'Enter a date from 1 January 1900 to 31 December 2099' }]);
    expect(refusal(() => create({ openedOn: '0001-01-01' })).details).toMatchObject([{ path: '/openedOn' }]);
  });

  test("today is London's: 00:30 on 2 April in summer time is 2 April, though UTC says 1 April", () => {
    const created = decideCreate(partnership, process, { data: { openedOn: '2022-04-01' }, actor: starter, at: '2022-04-01T23:30:00Z' });
    // Dated 2 April in London, a reply on 2 April is not "after today".
    const current = replayed(created);
    const reply = decideEvent(partnership, process, current, { type: 'NOTE', data: { repliedOn: '2022-04-02' }, actor: starter, at: '2022-04-01T23:30:00Z' });
    expect(reply.projection.deadlines[0]).toMatchObject({ met: true });
    // In winter London is on UTC: 23:30 UTC on 1 December is still 1 December.
    const winter = replayed(decideCreate(partnership, process, { data: { openedOn: '2022-11-30' }, actor: starter, at: '2022-12-01T23:30:00Z' }));
    expect(() => decideEvent(partnership, process, winter, { type: 'NOTE', data: { repliedOn: '2022-12-02' }, actor: starter, at: '2022-12-01T23:30:00Z' })).toThrow(/after today/);
  });
});
