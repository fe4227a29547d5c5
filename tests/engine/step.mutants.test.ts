import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { describe, expect, test } from 'vitest';
import { compileProcess, type CompiledPartnership, type CompiledProcess } from '../../server/engine/catalogue.ts';
import { createCalendar, type CalendarData } from '../../server/engine/dates/index.ts';
import type { IsoDate, ProcessDef, StateDef } from '../../server/engine/definition.ts';
import { ForbiddenError, isRequestError } from '../../server/engine/errors.ts';
import { createFormCompiler } from '../../server/engine/forms.ts';
import type { Projection } from '../../server/engine/project.ts';
import { decideCalendarChange, decideCreate, decideEvent, decideTimer, dueTimer, nameStartedCases, type Actor, type Decision } from '../../server/engine/step.ts';

const calendarData = parse(readFileSync(new URL('../../workflows/calendars/england-and-wales.yaml', import.meta.url), 'utf8')) as CalendarData;
/** The calendar as it was before the bank holiday of 19 September 2022 was announced. */
const beforeFuneral = createCalendar({ ...calendarData, holidays: calendarData.holidays.filter((h) => h.date !== '2022-09-19') });
const withFuneral = createCalendar(calendarData);
const compileForm = createFormCompiler();
const date = { type: 'string', format: 'date' };
const text = { type: 'string' };

/** A referral process of its own, reaching the branches of a step the shipped workflows do not. */
const def: ProcessDef = {
  id: 'referral',
  title: 'Referral',
  version: 1,
  start: { roles: ['worker', 'lead'], form: 'open', to: 'open', effects: [{ startDeadline: 'reply' }, { startDeadline: 'acknowledge' }, { startDeadline: 'report' }] },
  states: {
    open: { label: 'Open', timers: [{ event: 'ESCALATE', at: { calendarDaysAfter: [{ field: 'openedOn' }, 60] } }] },
    listed: {
      label: 'Listed for hearing',
      timers: [
        { event: 'LAPSE', at: { workingDaysAfter: [{ field: 'hearingOn' }, 2] } },
        { event: 'LAPSE', at: { workingDaysAfter: [{ field: 'reviewOn' }, 1] } },
      ],
    },
    escalated: { label: 'Escalated' },
    closed: { label: 'Closed', final: true },
  },
  deadlines: {
    reply: { label: 'Reply', due: { workingDaysAfter: [{ field: 'openedOn' }, 5] }, satisfiedBy: 'repliedOn' },
    acknowledge: { label: 'Acknowledge', due: { calendarDaysAfter: [{ field: 'openedOn' }, 10] }, satisfiedBy: 'repliedOn' },
    report: { label: 'Report', due: { workingDaysAfter: [{ field: 'openedOn' }, 10] }, satisfiedBy: 'reportedOn' },
    hearing: { label: 'Hearing', due: { workingDaysAfter: [{ firstPresent: [{ field: 'hearingOn' }, { field: 'provisionalOn' }] }, 1] } },
  },
  events: [
    { type: 'NOTE', label: 'Add a note', from: ['open'], roles: ['worker'], form: 'note' },
    {
      type: 'LIST',
      label: 'List for hearing',
      from: ['open'],
      roles: ['worker'],
      form: 'hearing',
      guards: [
        { id: 'hearing-given', message: 'Give the hearing date.', check: { any: [{ present: { field: 'hearingOn' } }, { present: { field: 'provisionalOn' } }] } },
        { id: 'not-for-police', message: 'Not for police referrals.', check: { not: { includes: [{ field: 'tags' }, 'police'] } } },
      ],
      routes: [{ when: { equals: [{ field: 'kind' }, 'urgent'] }, to: 'listed' }, { to: 'listed' }],
    },
    { type: 'ADJOURN', label: 'Adjourn', from: ['open'], roles: ['worker'], form: null, guards: [{ id: 'soon', message: 'Too late.', check: { before: [{ today: true }, { workingDaysAfter: [{ today: true }, 10] }] } }] },
    {
      type: 'LINK',
      label: 'Refer the siblings',
      from: ['open'],
      roles: ['worker'],
      form: 'link',
      effects: [
        { startCase: { process: 'referral', state: 'open', relation: 'sibling', reverseRelation: 'sibling of', data: { childName: { field: 'siblingName' }, openedOn: { today: true }, kind: { field: 'unknown' } } } },
        { startCase: { process: 'referral', state: 'open', relation: 'cousin', reverseRelation: 'cousin of', data: { childName: { field: 'cousinName' } } } },
      ],
    },
    { type: 'ESCALATE', label: 'Escalate', from: ['open'], roles: ['system'], form: null, to: 'escalated', effects: [{ startCase: { process: 'referral', state: 'open', relation: 'escalation', reverseRelation: 'escalated from', data: { childName: { field: 'childName' } } } }] },
    { type: 'LAPSE', label: 'Lapse', from: ['listed'], roles: ['system'], form: null, to: 'closed' },
    { type: 'CLOSE', label: 'Close', from: '*', roles: ['worker'], form: 'unloaded', to: 'closed' },
    { type: 'CORRECT_RECORD', label: 'Correct the record', from: '*', roles: ['manager', 'lead'], form: 'correct', corrects: ['openedOn', 'repliedOn'], guards: [{ id: 'never', message: 'Never.', check: { isTrue: false } }] },
  ],
};
const forms = [
  {
    id: 'open',
    schema: {
      type: 'object',
      additionalProperties: false,
      required: ['openedOn'],
      properties: { openedOn: date, childName: text, kind: { enum: ['urgent', 'routine'], default: 'routine' }, tags: { type: 'array', items: text }, note: { type: ['string', 'null'] }, alsoOn: { type: 'array', items: date }, details: { type: 'object' }, code: text },
    },
    ui: null,
  },
  { id: 'note', schema: { type: 'object', additionalProperties: false, properties: { note: text, repliedOn: date, reportedOn: date, kind: { enum: ['urgent', 'routine'], default: 'routine' }, tags: { type: 'array', items: text } } }, ui: null },
  { id: 'hearing', schema: { type: 'object', additionalProperties: false, properties: { hearingOn: date, provisionalOn: date, reviewOn: date } }, ui: null },
  { id: 'link', schema: { type: 'object', additionalProperties: false, properties: { siblingName: text, cousinName: text } }, ui: null },
  { id: 'correct', schema: { type: 'object', additionalProperties: false, required: ['reason'], properties: { reason: text, openedOn: date, repliedOn: date } }, ui: null },
];
const process = compileProcess(def);

function partnershipOn(calendar: CompiledPartnership['calendar'], processes: CompiledProcess[] = [process]): CompiledPartnership {
  return {
    def: { id: 'test', name: 'Test', calendar: 'england-and-wales', timeZone: 'Europe/London', statutoryPartners: [], roles: [] },
    calendar,
    processes: new Map(processes.map((p) => [p.def.id, p])),
    forms: new Map(forms.map((f) => [f.id, compileForm(f)])),
  };
}
const partnership = partnershipOn(withFuneral);
const worker: Actor = { username: 'wendy', roles: ['worker'] };
const manager: Actor = { username: 'max', roles: ['manager'] };
const on = (day: string) => `${day}T11:00:00Z`;
/** What the calendar says of a date beyond its last year. */
const outsideCalendar = (day: string) =>
  `The working-day calendar "england-and-wales" covers 2018 to 2027; ${day} is outside it. Add that year's bank holidays to workflows/calendars/england-and-wales.yaml.`;

function create(data: Record<string, unknown>, day = '2022-09-20', within = partnership): Decision {
  return decideCreate(within, within.processes.get('referral')!, { data, actor: worker, at: on(day) });
}
function send(current: Projection, type: string, data: Record<string, unknown>, day = '2022-09-20', actor = worker): Decision {
  return decideEvent(partnership, process, current, { type, data, actor, at: on(day) });
}
const opened = (data: Record<string, unknown> = {}, day = '2022-09-20') => create({ openedOn: '2022-09-16', ...data }, day).projection;

/** What a refusal says: its code, message and details. */
function refusal(run: () => unknown): { code: string; message: string; details: unknown } {
  try {
    run();
  } catch (error) {
    const { code, message, details } = error as { code: string; message: string; details: unknown };
    return { code, message, details };
  }
  throw new Error('expected a refusal');
}

/** A step refused for one answer, the refusal's message being that answer's. */
function expectRefusedAt(run: () => unknown, path: string, message: string): void {
  expect(refusal(run)).toEqual({ code: 'validation_failed', message, details: [{ path, message }] });
}

describe('who may act, and what can be sent', () => {
  test('starting a case without the role names the process and the roles it needs', () => {
    expect(refusal(() => decideCreate(partnership, process, { data: {}, actor: manager, at: on('2022-09-20') }))).toEqual({
      code: 'forbidden',
      message: 'Your roles may not start "Referral"; it needs one of: worker, lead',
      details: undefined,
    });
  });

  test('an event without the role names the event and the roles it needs', () => {
    expect(refusal(() => send(opened(), 'CORRECT_RECORD', { reason: 'Typo', openedOn: '2022-09-15' }))).toEqual({
      code: 'forbidden',
      message: 'Your roles may not send "Correct the record"; it needs one of: manager, lead',
      details: undefined,
    });
  });

  test('an event the state does not take names the state by its label and lists the events it does take', () => {
    expect(refusal(() => send(opened(), 'LAPSE', {}))).toEqual({
      code: 'event_not_allowed',
      message: '"LAPSE" cannot be sent while the case is "Open"',
      details: { state: 'open', allowed: ['NOTE', 'LIST', 'ADJOURN', 'LINK', 'ESCALATE', 'CLOSE', 'CORRECT_RECORD'] },
    });
  });

  test('a case in a state its process no longer has is named by the state id, with nothing it can take', () => {
    expect(refusal(() => send({ ...opened(), state: 'withdrawn' }, 'NOTE', {}))).toEqual({
      code: 'event_not_allowed',
      message: '"NOTE" cannot be sent while the case is "withdrawn"',
      details: { state: 'withdrawn', allowed: [] },
    });
  });
});

describe('the answers a step takes', () => {
  test('an action without a form takes no data', () => {
    expect(refusal(() => send(opened(), 'ADJOURN', { note: 'x' }))).toEqual({
      code: 'validation_failed',
      message: 'This action takes no form data; send {} as data',
      details: [{ path: '', message: 'This action takes no form data' }],
    });
  });

  test('a form the configuration names but never loaded is a fault, not a refusal', () => {
    expect(() => send(opened(), 'CLOSE', {})).toThrow(new Error('Form "unloaded" was not loaded'));
    expect(isRequestError(new Error('Form "unloaded" was not loaded'))).toBe(false);
    expect(isRequestError(new ForbiddenError('Your roles may not send "Close"'))).toBe(true);
  });

  test('answers the form refuses are refused together under one message', () => {
    expect(refusal(() => create({ openedOn: 'soon' }))).toMatchObject({ code: 'validation_failed', message: 'Some answers need correcting' });
  });

  test('every date anywhere in the answers must lie from 1900 to 2099, each named by where it is', () => {
    const error = refusal(() => create({ openedOn: '1899-12-31', alsoOn: ['2022-09-16', '2100-01-01'], details: { 'court~list/day': '2100-01-01', none: null, count: 3 } }));
    const range = 'Enter a date from 1 January 1900 to 31 December 2099';
    expect(error).toEqual({
      code: 'validation_failed',
      message: 'Some dates are outside the range this service accepts',
      details: [
        { path: '/openedOn', message: range },
        { path: '/alsoOn/1', message: range },
        { path: '/details/court~0list~1day', message: range },
      ],
    });
  });

  test('the first and last days of the range are accepted, and text that only looks like a date is not a date', () => {
    expect(create({ openedOn: '2022-09-16', alsoOn: ['1900-01-01', '2099-12-31'], code: '2100-02-30', note: null }).steps[0]!.data).toEqual({
      openedOn: '2022-09-16',
      alsoOn: ['1900-01-01', '2099-12-31'],
      code: '2100-02-30',
      note: null,
      kind: 'routine',
    });
  });
});

describe('facts once recorded', () => {
  test('a fact the form would fill with its default is left as recorded when the step does not send it', () => {
    const current = opened({ kind: 'urgent' });
    const noted = send(current, 'NOTE', { note: 'Phoned' });
    expect(noted.steps[0]!.data).toEqual({ note: 'Phoned' });
    expect(noted.projection.data.kind).toBe('urgent');
  });

  test('a recorded date sent differently is refused, naming the event that corrects it', () => {
    const replied = send(opened(), 'NOTE', { repliedOn: '2022-09-19' }).projection;
    const message = 'This was already recorded as 19 September 2022 and cannot be changed by this step. To change it, use "Correct the record" (CORRECT_RECORD) and give the reason.';
    expectRefusedAt(() => send(replied, 'NOTE', { repliedOn: '2022-09-20' }), '/repliedOn', message);
  });

  test('a fact with no correction event says it cannot be changed, showing the recorded value as written', () => {
    expectRefusedAt(() => send(opened({ tags: ['school', 'health'] }), 'NOTE', { tags: ['police'] }), '/tags', 'This was already recorded as ["school","health"] and cannot be changed by this step. It is part of the record and this process has no correction for it.');
  });

  test('two facts refused in one step are told as two sentences', () => {
    expect(refusal(() => send(opened({ tags: ['school'], kind: 'routine' }), 'NOTE', { tags: ['police'], kind: 'urgent' })).message).toBe(
      'This was already recorded as ["school"] and cannot be changed by this step. It is part of the record and this process has no correction for it. ' +
        'This was already recorded as routine and cannot be changed by this step. It is part of the record and this process has no correction for it.',
    );
  });
});

describe('corrections', () => {
  test('a correction without a reason is refused for the reason alone, even when it changes nothing', () => {
    expectRefusedAt(() => send(opened(), 'CORRECT_RECORD', { reason: '', openedOn: '2022-09-16' }, '2022-09-20', manager), '/reason', 'Say why the record is being corrected');
  });

  test('a correction that changes nothing says so', () => {
    expectRefusedAt(() => send(opened(), 'CORRECT_RECORD', { reason: 'Typo', openedOn: '2022-09-16' }, '2022-09-20', manager), '', 'This correction changes nothing: enter the corrected values');
  });

  test('a correction is not held back by the guards of the process', () => {
    const corrected = send(opened(), 'CORRECT_RECORD', { reason: 'Opened a day earlier', openedOn: '2022-09-15' }, '2022-09-20', manager);
    expect(corrected.steps[0]!.effects.changes).toEqual([{ field: 'openedOn', from: '2022-09-16', to: '2022-09-15' }]);
  });

  test('a corrected date that meets a deadline must have happened by today', () => {
    expectRefusedAt(() => send(opened(), 'CORRECT_RECORD', { reason: 'Typo', repliedOn: '2022-09-21' }, '2022-09-20', manager), '/repliedOn', '21 September 2022 is after today (20 September 2022): enter the date it happened');
  });
});

describe('guards and the rules every date obeys', () => {
  test('every failing guard is named, with the answers to change, under one message', () => {
    expect(refusal(() => send(opened({ tags: ['police'] }), 'LIST', {}))).toEqual({
      code: 'guard_rejected',
      message: 'Give the hearing date. Not for police referrals.',
      details: [
        { guard: 'hearing-given', message: 'Give the hearing date.', paths: ['/hearingOn', '/provisionalOn'], dates: [] },
        { guard: 'not-for-police', message: 'Not for police referrals.', paths: ['/tags'], dates: [] },
      ],
    });
  });

  test('a guard whose date arithmetic leaves the calendar is refused as outside the calendar', () => {
    const late = opened({ openedOn: '2027-12-10' }, '2027-12-20');
    const message = outsideCalendar('2028-01-01');
    expect(refusal(() => send(late, 'ADJOURN', {}, '2027-12-24'))).toEqual({ code: 'guard_rejected', message, details: [{ guard: 'calendar-range', message }] });
  });

  test('a date meeting two deadlines is refused once, and every date problem is said in the message', () => {
    expect(refusal(() => send(opened(), 'NOTE', { repliedOn: '2022-09-21', reportedOn: '2022-09-15' }))).toEqual({
      code: 'validation_failed',
      message: '21 September 2022 is after today (20 September 2022): enter the date it happened. 15 September 2022 is before 16 September 2022, the date "Report" counts from: enter the date it happened, or correct the earlier date',
      details: [
        { path: '/repliedOn', message: '21 September 2022 is after today (20 September 2022): enter the date it happened' },
        { path: '/reportedOn', message: '15 September 2022 is before 16 September 2022, the date "Report" counts from: enter the date it happened, or correct the earlier date' },
      ],
    });
  });

  test('a date a timer of a later state will count from is refused now when the calendar cannot count it, once, and only where given', () => {
    expectRefusedAt(() => send(opened(), 'LIST', { hearingOn: '2027-12-31' }), '/hearingOn', outsideCalendar('2028-01-01'));
  });

  test('a date only a timer of a later state counts from is refused now when the calendar cannot count it', () => {
    expectRefusedAt(() => send(opened(), 'LIST', { hearingOn: '2022-10-03', reviewOn: '2027-12-31' }), '/reviewOn', outsideCalendar('2028-01-01'));
  });

  test('a date already recorded is not checked again when a later step repeats it', () => {
    const replied = send(opened(), 'NOTE', { repliedOn: '2022-09-19' }).projection;
    const corrected = send(replied, 'CORRECT_RECORD', { reason: 'Opened on the 20th', openedOn: '2022-09-20' }, '2022-09-21', manager).projection;
    expect(send(corrected, 'NOTE', { repliedOn: '2022-09-19', note: 'Sent again' }, '2022-09-21').steps[0]!.data).toEqual({ repliedOn: '2022-09-19', note: 'Sent again' });
  });

  test('a date the calendar cannot count a deadline from is refused at the step that gives it', () => {
    expectRefusedAt(() => send(opened(), 'LIST', { provisionalOn: '2027-12-31' }), '/provisionalOn', outsideCalendar('2028-01-01'));
  });
});

describe('the step a decision records', () => {
  test('a step that starts no deadline records no due dates, and starts no case', () => {
    const noted = send(opened(), 'NOTE', { note: 'Phoned' });
    expect(noted.steps).toEqual([{ seq: 2, type: 'NOTE', from: 'open', to: 'open', by: 'wendy', at: on('2022-09-20'), data: { note: 'Phoned' }, effects: {} }]);
    expect(noted.startCases).toEqual([]);
  });

  test('a creation that starts deadlines starts no case', () => {
    expect(create({ openedOn: '2022-09-16' }).startCases).toEqual([]);
  });

  test('a step starts the linked cases its effects name, with the answers that have values', () => {
    const linked = send(opened(), 'LINK', { siblingName: 'Sam', cousinName: 'Cal' });
    // The answer that has no value is not there at all.
    expect(linked.startCases).toStrictEqual([
      { process: 'referral', state: 'open', relation: 'sibling', reverseRelation: 'sibling of', data: { childName: 'Sam', openedOn: '2022-09-20' }, startedBy: 2 },
      { process: 'referral', state: 'open', relation: 'cousin', reverseRelation: 'cousin of', data: { childName: 'Cal' }, startedBy: 2 },
    ]);
  });

  test('the started cases are named on the step that started them and linked back to the case', () => {
    const linked = send(opened(), 'LINK', { siblingName: 'Sam', cousinName: 'Cal' });
    const ids = ['case-2', 'case-3'];
    const { steps, started } = nameStartedCases(linked, { caseId: 'case-1', process: 'referral' }, () => ids.shift()!);
    expect(steps).toEqual([
      {
        ...linked.steps[0],
        effects: {
          startedCases: [
            { caseId: 'case-2', process: 'referral', relation: 'sibling' },
            { caseId: 'case-3', process: 'referral', relation: 'cousin' },
          ],
        },
      },
    ]);
    expect(started).toEqual([
      {
        id: 'case-2',
        process: 'referral',
        step: { seq: 1, type: 'CREATE', from: null, to: 'open', by: 'wendy', at: on('2022-09-20'), data: { childName: 'Sam', openedOn: '2022-09-20' }, effects: { linkedFrom: { caseId: 'case-1', process: 'referral', relation: 'sibling of' } } },
      },
      {
        id: 'case-3',
        process: 'referral',
        step: { seq: 1, type: 'CREATE', from: null, to: 'open', by: 'wendy', at: on('2022-09-20'), data: { childName: 'Cal' }, effects: { linkedFrom: { caseId: 'case-1', process: 'referral', relation: 'cousin of' } } },
      },
    ]);
    // The decision itself is left as it was.
    expect(linked.steps[0]!.effects).toEqual({});
  });

  test('a case started by a timer that fires in the same decision is named on the timer step', () => {
    const late = create({ openedOn: '2022-07-01', childName: 'Kit' }, '2022-09-20');
    expect(late.steps.map((s) => `${s.seq}:${s.type}:${s.to}`)).toEqual(['1:CREATE:open', '2:ESCALATE:escalated']);
    expect(late.startCases).toEqual([{ process: 'referral', state: 'open', relation: 'escalation', reverseRelation: 'escalated from', data: { childName: 'Kit' }, startedBy: 2 }]);
    const { steps, started } = nameStartedCases(late, { caseId: 'case-1', process: 'referral' }, () => 'case-9');
    expect(steps).toEqual([late.steps[0], { ...late.steps[1], effects: { startedCases: [{ caseId: 'case-9', process: 'referral', relation: 'escalation' }] } }]);
    expect(steps[0]!.effects.dues).toEqual({ reply: '2022-07-08', acknowledge: '2022-07-11', report: '2022-07-15' });
    expect(started[0]!.step).toMatchObject({ by: 'system', at: on('2022-09-20') });
  });
});

describe('timers', () => {
  const timers = [
    { event: 'LATER', at: '2022-10-02' as IsoDate },
    { event: 'EARLIER', at: '2022-10-01' as IsoDate },
    { event: 'NOT_YET', at: '2022-10-04' as IsoDate },
  ];

  test('the due timer is the earliest whose date has come, the day itself included', () => {
    expect(dueTimer(timers, '2022-10-03' as IsoDate)).toEqual({ event: 'EARLIER', at: '2022-10-01' });
    expect(dueTimer(timers, '2022-10-01' as IsoDate)).toEqual({ event: 'EARLIER', at: '2022-10-01' });
    expect(dueTimer(timers, '2022-09-30' as IsoDate)).toBeUndefined();
    expect(timers.map((t) => t.event)).toEqual(['LATER', 'EARLIER', 'NOT_YET']);
  });

  /** A process whose start enters a chain of `length` states, each with a timer due at once. */
  function chain(length: number): CompiledProcess {
    const states: Record<string, StateDef> = { [`s${length}`]: { label: 'End' } };
    for (let i = 0; i < length; i++) states[`s${i}`] = { label: `Stage ${i}`, timers: [{ event: 'ON', at: { today: true } }] };
    const events = Array.from({ length }, (_, i) => ({ type: 'ON', label: 'On', from: [`s${i}`], roles: ['system'], form: null, to: `s${i + 1}` }));
    return compileProcess({ id: 'chain', title: 'Chain', version: 1, start: { roles: ['worker'], form: null, to: 's0' }, states, events });
  }
  const start = (chained: CompiledProcess) => decideCreate(partnershipOn(withFuneral, [chained]), chained, { data: {}, actor: worker, at: on('2022-09-20') });

  test('a chain of timers due at once is followed in one decision', () => {
    const decision = start(chain(15));
    expect(decision.steps.map((s) => s.to)).toEqual(['s0', ...Array.from({ length: 15 }, (_, i) => `s${i + 1}`)]);
    expect(decision.projection.state).toBe('s15');
  });

  test('sixteen timers in a row are followed; a seventeenth due at once is refused, naming the process', () => {
    expect(start(chain(16)).projection.state).toBe('s16');
    expect(() => start(chain(17))).toThrow(new Error('Process "chain" fired more than 16 timers in a row'));
  });

  test('timers that keep firing one another are stopped by the same count, not by running out of stack', () => {
    const loop = compileProcess({
      id: 'loop',
      title: 'Loop',
      version: 1,
      start: { roles: ['worker'], form: null, to: 'ping' },
      states: { ping: { label: 'Ping', timers: [{ event: 'FLIP', at: { today: true } }] }, pong: { label: 'Pong', timers: [{ event: 'FLIP', at: { today: true } }] } },
      events: [
        { type: 'FLIP', label: 'Flip', from: ['ping'], roles: ['system'], form: null, to: 'pong' },
        { type: 'FLIP', label: 'Flip', from: ['pong'], roles: ['system'], form: null, to: 'ping' },
      ],
    });
    expect(() => start(loop)).toThrow(new Error('Process "loop" fired more than 16 timers in a row'));
  });
});

describe('a change of the working-day calendar', () => {
  const before = partnershipOn(beforeFuneral);
  const after = partnershipOn(withFuneral);
  /** Opened Monday 12 September 2022: reply due in 5 working days, report in 10, acknowledgement in 10 calendar days. */
  const current = create({ openedOn: '2022-09-12' }, '2022-09-12', before).projection;
  const at = '2022-09-13T09:00:00Z';

  test('open working-day deadlines it moves are moved by one step of the engine, saying from which date to which', () => {
    expect(current.deadlines.map((d) => `${d.id}:${d.due}`)).toEqual(['reply:2022-09-19', 'acknowledge:2022-09-22', 'report:2022-09-26']);
    const decision = decideCalendarChange(after, process, current, at)!;
    const moved = [
      { deadline: 'reply', label: 'Reply', from: '2022-09-19', to: '2022-09-20' },
      { deadline: 'report', label: 'Report', from: '2022-09-26', to: '2022-09-27' },
    ];
    expect(decision.steps).toEqual([
      { seq: 2, type: 'CALENDAR_CHANGED', from: 'open', to: 'open', by: 'system', at, data: { calendar: 'england-and-wales', moved }, effects: { dues: { reply: '2022-09-20', report: '2022-09-27' } } },
    ]);
    expect(decision.startCases).toEqual([]);
    expect(decision.projection.deadlines.map((d) => `${d.id}:${d.due}`)).toEqual(['reply:2022-09-20', 'acknowledge:2022-09-22', 'report:2022-09-27']);
    expect(decision.projection.version).toBe(2);
  });

  test('a deadline already met keeps its date, and one the process no longer defines or cannot work out is left alone', () => {
    const replied = decideEvent(before, process, current, { type: 'NOTE', data: { repliedOn: '2022-09-12' }, actor: worker, at: on('2022-09-12') }).projection;
    const extra = [
      { id: 'retired', label: 'Retired', due: '2022-09-19' as IsoDate, satisfiedBy: null, met: null, corrected: false },
      { id: 'hearing', label: 'Hearing', due: '2022-09-19' as IsoDate, satisfiedBy: null, met: null, corrected: false },
    ];
    const decision = decideCalendarChange(after, process, { ...replied, deadlines: [...replied.deadlines, ...extra] }, at)!;
    expect(decision.steps[0]!.data.moved).toEqual([{ deadline: 'report', label: 'Report', from: '2022-09-26', to: '2022-09-27' }]);
  });

  test('a case whose process defines no deadlines has none moved', () => {
    const undated = compileProcess({ ...def, start: { ...def.start, effects: [] }, deadlines: undefined });
    expect(decideCalendarChange(after, undated, current, at)).toBeUndefined();
  });

  test('nothing moves when the new calendar changes none of the dates, or the case is closed', () => {
    expect(decideCalendarChange(before, process, current, at)).toBeUndefined();
    expect(decideCalendarChange(after, process, { ...current, state: 'closed', final: true }, at)).toBeUndefined();
  });
});

describe('the event a timer sends', () => {
  test('is sent by the engine, with no answers, at the time it fires', () => {
    const decision = decideTimer(partnership, process, opened({ childName: 'Kit' }), 'ESCALATE', on('2022-11-20'));
    expect(decision.steps).toEqual([{ seq: 2, type: 'ESCALATE', from: 'open', to: 'escalated', by: 'system', at: on('2022-11-20'), data: {}, effects: {} }]);
    expect(decision.startCases).toEqual([{ process: 'referral', state: 'open', relation: 'escalation', reverseRelation: 'escalated from', data: { childName: 'Kit' }, startedBy: 2 }]);
  });
});

describe('answers the date rules pass over', () => {
  test('an answer left undefined by a caller in code is no date, and is passed over', () => {
    expect(create({ openedOn: '2022-09-16', details: { note: undefined, on: '2022-09-16' } }).steps[0]!.data).toStrictEqual({
      openedOn: '2022-09-16',
      details: { note: undefined, on: '2022-09-16' },
      kind: 'routine',
    });
  });

  test('an answer named “undefined” is not read as the date that meets a deadline that names no such date', () => {
    const [open] = forms;
    const odd = compileForm({ ...open!, schema: { ...open!.schema, properties: { ...open!.schema.properties, undefined: date } } });
    const within: CompiledPartnership = { ...partnership, forms: new Map([...partnership.forms, ['open', odd]]) };
    expect(create({ openedOn: '2022-09-16', undefined: '2022-09-25' }, '2022-09-20', within).steps[0]!.data).toEqual({ openedOn: '2022-09-16', undefined: '2022-09-25', kind: 'routine' });
  });
});

describe('a fault in the definition’s own arithmetic', () => {
  /** Two deadlines no step starts, whose due dates throw when worked out: a `where` that is not an object. */
  const faulty = compileProcess({
    ...def,
    deadlines: {
      ...def.deadlines,
      byTag: { label: 'By tag', due: { pluck: { from: { field: 'tags' }, key: 'on', where: null } } },
      byPartner: { label: 'By partner', due: { pluck: { from: { statutoryPartners: true }, key: 'on', where: null } } },
    },
  } as unknown as ProcessDef);
  const within: CompiledPartnership = {
    ...partnershipOn(withFuneral, [faulty]),
    def: { ...partnership.def, statutoryPartners: [{ id: 'p1', label: 'Council', kind: 'local-authority' }] },
  };

  test('is not worked out for a step that gives none of the answers it reads', () => {
    expect(create({ openedOn: '2022-09-16' }, '2022-09-20', within).steps[0]!.data).toEqual({ openedOn: '2022-09-16', kind: 'routine' });
  });

  test('is raised as a fault, not blamed on the answer it reads', () => {
    expect(() => create({ openedOn: '2022-09-16', tags: ['school'] }, '2022-09-20', within)).toThrow(new TypeError('Cannot convert undefined or null to object'));
  });
});
