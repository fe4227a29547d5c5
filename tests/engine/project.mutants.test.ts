/**
 * The fold of a case's history (server/engine/project.ts), on hand-written histories: the fold never
 * refuses a step, so each test writes the steps as the store would give them back and reads the case
 * they make. Found by mutation testing (`npm run mutate`).
 */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { describe, expect, test } from 'vitest';
import { CREATE_EVENT, compileProcess, contentHash, versionContent, withVersions, type CompiledPartnership } from '../../server/engine/catalogue.ts';
import { createCalendar, type CalendarData } from '../../server/engine/dates/index.ts';
import type { ProcessDef, StatutoryPartner } from '../../server/engine/definition.ts';
import {
  CALENDAR_CHANGED_EVENT,
  VERSION_MIGRATED_EVENT,
  applyStep,
  isMigration,
  project,
  type HistoryStep,
  type Projection,
  type StepEffects,
} from '../../server/engine/project.ts';

const calendar = createCalendar(parse(readFileSync(new URL('../../workflows/calendars/england-and-wales.yaml', import.meta.url), 'utf8')) as CalendarData);

/** A small process built in code, independent of the shipped configuration: the start gives no form, the tests write its answers. */
const def: ProcessDef = {
  id: 'toy',
  title: 'Toy',
  version: 1,
  start: {
    to: 'open',
    roles: ['starter'],
    effects: [
      { startDeadline: 'reply' },
      { startDeadline: 'term' },
      { createTasks: 'letter' },
      { createTasks: 'chase', forEach: { statutoryPartners: true } },
      { createTasks: 'urgent', when: { equals: [{ field: 'kind' }, 'urgent'] } },
    ],
  },
  states: {
    open: {
      label: 'Open',
      timers: [
        { event: 'REMIND', at: { calendarDaysAfter: [{ deadline: 'reply' }, -2] } },
        { event: 'ESCALATE', at: { calendarDaysAfter: [{ field: 'openedOn' }, 20] } },
        { event: 'LAPSE', at: { field: 'lapsesOn' } },
      ],
    },
    waiting: { label: 'Waiting' },
    done: { label: 'Done', final: true },
  },
  deadlines: {
    reply: { label: 'Reply', due: { workingDaysAfter: [{ field: 'openedOn' }, 5] }, satisfiedBy: 'repliedOn' },
    term: { label: 'Term', due: { calendarDaysAfter: [{ today: true }, 30] } },
    followUp: { label: 'Follow up', due: { calendarDaysAfter: [{ deadline: 'reply' }, 7] }, satisfiedBy: 'followedUpOn' },
    actionDue: { label: 'Action {item}: {item.action}', due: { field: 'due' }, satisfiedBy: 'doneOn', each: 'actions' },
  },
  lists: {
    actions: {
      label: 'Actions',
      key: 'actionId',
      fields: ['action', 'due', 'status', 'doneOn'],
      status: { field: 'status', values: [{ id: 'open', label: 'Open' }, { id: 'done', label: 'Done', closes: true }] },
      closedOn: 'doneOn',
    },
  },
  tasks: { letter: { label: 'Letter {item}' }, chase: { label: 'Chase {itemLabel}' }, urgent: { label: 'Act now' } },
  events: [
    {
      type: 'NOTE',
      label: 'Note',
      from: ['open'],
      roles: ['starter'],
      form: null,
      effects: [
        { completeTask: 'letter', when: { present: { field: 'letterSentOn' } } },
        { completeTask: 'chase', key: { field: 'heardFrom' } },
        { createTasks: 'letter' },
        { createTasks: 'chase', forEach: { field: 'alsoChase' } },
      ],
    },
    { type: 'FOLLOW', label: 'Follow up', from: ['open'], roles: ['starter'], form: null, effects: [{ startDeadline: 'followUp' }] },
    { type: 'ACTION', label: 'Action', from: ['open'], roles: ['starter'], form: null, effects: [{ updateItem: 'actions' }] },
    { type: 'VERSION_MIGRATED', label: 'A configured event of the engine step’s name', from: ['open'], roles: ['starter'], form: null, effects: [{ createTasks: 'urgent' }] },
    { type: 'REMIND', label: 'Remind', from: ['open'], roles: ['system', 'starter'], form: null },
    { type: 'ESCALATE', label: 'Escalate', from: ['open'], roles: ['system'], form: null, to: 'waiting' },
    { type: 'CORRECT_DATES', label: 'Correct the dates', from: '*', roles: ['starter'], form: null, corrects: ['openedOn', 'repliedOn', 'title'] },
  ],
};
const toy = compileProcess(def);
/** The health partner was the CCG until 30 June 2022, the ICB from 1 July. */
const partners: StatutoryPartner[] = [
  { id: 'p1', label: 'Council', kind: 'local-authority' },
  { id: 'p2', label: 'Health', kind: 'health', names: [{ label: 'CCG', until: '2022-06-30' }, { label: 'ICB', from: '2022-07-01' }] },
];
const partnership: CompiledPartnership = {
  def: { id: 'test', name: 'Test', calendar: 'england-and-wales', timeZone: 'Europe/London', statutoryPartners: partners, roles: [] },
  calendar,
  processes: new Map([['toy', toy]]),
  forms: new Map(),
};

/** A step's effects as written in a test: due dates as plain text. */
type Effects = Omit<StepEffects, 'dues'> & { dues?: Record<string, string> };

/** One history entry: by `ann` at noon in London, unless told. */
function entry(type: string, from: string | null, to: string, day: string, data: Record<string, unknown> = {}, effects: Effects = {}, by = 'ann'): Omit<HistoryStep, 'seq'> {
  return { type, from, to, by, at: `${day}T11:00:00Z`, data, effects: effects as StepEffects };
}

const created = (day: string, data: Record<string, unknown>, effects: Effects = {}) => entry(CREATE_EVENT, null, 'open', day, data, effects);

/** The history, numbered, as the store gives it back. */
const numbered = (entries: Omit<HistoryStep, 'seq'>[]): HistoryStep[] => entries.map((e, i) => ({ ...e, seq: i + 1 }));

const fold = (...entries: Omit<HistoryStep, 'seq'>[]): Projection => project(partnership, toy, numbered(entries))!;

/** The last step applied onto the case the steps before it make. */
function lastApplied(...entries: Omit<HistoryStep, 'seq'>[]) {
  const history = numbered(entries);
  const before = project(partnership, toy, history.slice(0, -1)) ?? null;
  return applyStep(partnership, toy, before, history.at(-1)!);
}

const dueOf = (p: Projection) => Object.fromEntries(p.deadlines.map((d) => [d.id, d.due]));

describe('answers recorded on the case', () => {
  test('the first answer of a name is the fact; an empty one is recorded and filled by the first later answer', () => {
    const p = fold(created('2022-09-20', { openedOn: '2022-09-20', title: '', summary: '' }), entry('NOTE', 'open', 'open', '2022-09-21', { openedOn: '2022-10-01', title: 'Child A', note: 'Spoke to school' }));
    expect(p.data).toStrictEqual({ openedOn: '2022-09-20', title: 'Child A', summary: '', note: 'Spoke to school' });
  });

  test('a correction changes only the facts it corrects that it gives, and its reason is not a fact', () => {
    const p = fold(
      created('2022-09-20', { openedOn: '2022-09-20', title: 'Child A' }),
      entry('NOTE', 'open', 'open', '2022-09-22', { repliedOn: '2022-09-22' }),
      entry('CORRECT_DATES', 'open', 'open', '2022-09-23', { openedOn: '2022-09-19', reason: 'Typed the wrong day' }),
    );
    expect(p.data).toStrictEqual({ openedOn: '2022-09-19', title: 'Child A', repliedOn: '2022-09-22' });
  });

  test('a configured event named like the migration step is an ordinary step: its answers and effects count', () => {
    const p = fold(created('2022-09-20', { openedOn: '2022-09-20' }), entry(VERSION_MIGRATED_EVENT, 'open', 'open', '2022-09-21', { note: 'Moved on' }));
    expect(p.data).toEqual({ openedOn: '2022-09-20', note: 'Moved on' });
    expect(p.tasks.map((t) => t.id)).toEqual(['letter', 'chase-p1', 'chase-p2', 'urgent']);
    // Only the engine's step, which says which versions it moved between, is a migration.
    expect(isMigration({ type: VERSION_MIGRATED_EVENT, effects: {} })).toBe(false);
    expect(isMigration({ type: 'NOTE', effects: { migration: { fromVersion: 1, toVersion: 2 } } })).toBe(false);
    expect(isMigration({ type: VERSION_MIGRATED_EVENT, effects: { migration: { fromVersion: 1, toVersion: 2 } } })).toBe(true);
  });

  test('the engine’s migration step records no answers and takes no configured event’s effects', () => {
    const p = fold(created('2022-09-20', { openedOn: '2022-09-20' }), entry(VERSION_MIGRATED_EVENT, 'open', 'open', '2022-09-21', { fromVersion: 1, toVersion: 1 }, { migration: { fromVersion: 1, toVersion: 1 } }, 'system'));
    expect(p.data).toEqual({ openedOn: '2022-09-20' });
    expect(p.tasks.map((t) => t.id)).toEqual(['letter', 'chase-p1', 'chase-p2']);
  });
});

describe('deadlines', () => {
  test('the start starts each deadline it names from the answers and the day, and a later answer meets one', () => {
    const p = fold(created('2022-09-20', { openedOn: '2022-09-20' }), entry('NOTE', 'open', 'open', '2022-09-26', { repliedOn: '2022-09-26' }));
    expect(p.deadlines).toEqual([
      { id: 'reply', label: 'Reply', due: '2022-09-27', satisfiedBy: 'repliedOn', met: true, corrected: false },
      { id: 'term', label: 'Term', due: '2022-10-20', satisfiedBy: null, met: null, corrected: false },
    ]);
  });

  test('a deadline counted from a date nobody has recorded does not start', () => {
    expect(fold(created('2022-09-20', {})).deadlines.map((d) => d.id)).toEqual(['term']);
  });

  test('a due date recorded on the step stands on replay, for a deadline of the case and for an item’s', () => {
    // A bank holiday announced later must not move a due date already started.
    const p = fold(
      created('2022-09-20', { openedOn: '2022-09-20' }, { dues: { reply: '2022-09-28' } }),
      entry('ACTION', 'open', 'open', '2022-09-21', { action: 'Audit', due: '2022-10-07', status: 'Open' }, { dues: { 'actionDue-1': '2022-10-10' } }),
    );
    expect(dueOf(p)).toEqual({ reply: '2022-09-28', term: '2022-10-20', 'actionDue-1': '2022-10-10' });
  });

  test('a deadline may count from another deadline of the case', () => {
    const p = fold(created('2022-09-20', { openedOn: '2022-09-20' }), entry('FOLLOW', 'open', 'open', '2022-09-21'));
    expect(p.deadlines.at(-1)).toEqual({ id: 'followUp', label: 'Follow up', due: '2022-10-04', satisfiedBy: 'followedUpOn', met: null, corrected: false });
  });

  test('an item’s deadline starts with it and moves only when an update of the open item changes its due date', () => {
    const history = [
      created('2022-09-20', { openedOn: '2022-09-20' }),
      entry('ACTION', 'open', 'open', '2022-09-21', { action: 'Audit', due: '2022-10-07', status: 'Open' }),
      entry('ACTION', 'open', 'open', '2022-09-22', { actionId: '1', action: 'Audit the files', due: '2022-10-07', status: 'Open' }),
    ];
    const same = lastApplied(...history);
    expect(same.dues).toEqual({});
    expect(same.projection.deadlines.at(-1)).toEqual({ id: 'actionDue-1', label: 'Action 1: Audit', due: '2022-10-07', satisfiedBy: 'actions.0.doneOn', met: null, corrected: false });
    const moved = lastApplied(...history, entry('ACTION', 'open', 'open', '2022-09-23', { actionId: '1', due: '2022-10-14' }));
    expect(moved.dues).toEqual({ 'actionDue-1': '2022-10-14' });
  });
});

describe('corrections and deadlines', () => {
  const start = created('2022-09-20', { openedOn: '2022-09-20' });

  test('correcting the date a deadline counts from moves it, and only it, even on a later day', () => {
    const applied = lastApplied(start, entry('CORRECT_DATES', 'open', 'open', '2022-10-03', { openedOn: '2022-09-21', reason: 'Wrong day' }));
    expect(applied.dues).toEqual({ reply: '2022-09-28' });
    expect(dueOf(applied.projection)).toEqual({ reply: '2022-09-28', term: '2022-10-20' });
  });

  test('a correction that gives the same date, or a fact no deadline reads, moves nothing', () => {
    expect(lastApplied(start, entry('CORRECT_DATES', 'open', 'open', '2022-10-03', { openedOn: '2022-09-20', reason: 'Checked' })).dues).toEqual({});
    const other = lastApplied(start, entry('CORRECT_DATES', 'open', 'open', '2022-10-03', { title: 'Child B', reason: 'Name' }));
    expect(other.dues).toEqual({});
    expect(dueOf(other.projection)).toEqual({ reply: '2022-09-27', term: '2022-10-20' });
  });

  test('a correction that clears the date keeps the deadline where it was', () => {
    const p = fold(start, entry('CORRECT_DATES', 'open', 'open', '2022-10-03', { openedOn: null, reason: 'Not known' }));
    expect(dueOf(p)).toEqual({ reply: '2022-09-27', term: '2022-10-20' });
  });

  test('a correction that turns a met deadline into a missed one marks it corrected, for good; one that changes nothing does not', () => {
    const met = [start, entry('NOTE', 'open', 'open', '2022-09-26', { repliedOn: '2022-09-26' })];
    const unchanged = fold(...met, entry('CORRECT_DATES', 'open', 'open', '2022-10-03', { repliedOn: '2022-09-27', reason: 'Checked' }));
    expect(unchanged.deadlines.map((d) => [d.id, d.met, d.corrected])).toEqual([
      ['reply', true, false],
      ['term', null, false],
    ]);
    const missed = [...met, entry('CORRECT_DATES', 'open', 'open', '2022-10-03', { repliedOn: '2022-09-29', reason: 'The letter was late' })];
    expect(fold(...missed).deadlines.map((d) => [d.id, d.met, d.corrected])).toEqual([
      ['reply', false, true],
      ['term', null, false],
    ]);
    // Moved afterwards by the calendar, it is still the deadline a correction changed.
    const moved = fold(...missed, entry(CALENDAR_CHANGED_EVENT, 'open', 'open', '2022-10-04', {}, { dues: { reply: '2022-09-30' } }, 'system'));
    expect(moved.deadlines[0]).toEqual({ id: 'reply', label: 'Reply', due: '2022-09-30', satisfiedBy: 'repliedOn', met: true, corrected: true });
  });
});

describe('a change of the calendar', () => {
  test('the engine’s step moves the deadlines it names that the case has, in any state', () => {
    const p = fold(
      created('2022-09-20', { openedOn: '2022-09-20' }),
      entry('ESCALATE', 'open', 'waiting', '2022-10-10', {}, {}, 'system'),
      entry(CALENDAR_CHANGED_EVENT, 'waiting', 'waiting', '2022-10-11', { calendar: 'england-and-wales' }, { dues: { term: '2022-10-21', followUp: '2022-10-30' } }, 'system'),
    );
    expect(p.deadlines).toEqual([
      { id: 'reply', label: 'Reply', due: '2022-09-27', satisfiedBy: 'repliedOn', met: null, corrected: false },
      { id: 'term', label: 'Term', due: '2022-10-21', satisfiedBy: null, met: null, corrected: false },
    ]);
  });
});

describe('tasks', () => {
  test('a task per item is named as on the day, and a task without items leaves its place-holders empty', () => {
    expect(fold(created('2022-06-30', { openedOn: '2022-06-30', kind: 'urgent' })).tasks).toEqual([
      { id: 'letter', label: 'Letter ', done: false },
      { id: 'chase-p1', label: 'Chase Council', done: false },
      { id: 'chase-p2', label: 'Chase CCG', done: false },
      { id: 'urgent', label: 'Act now', done: false },
    ]);
  });

  test('a step completes the task it names, or the one of the item its key gives; one asked for again stays done', () => {
    const p = fold(
      created('2022-09-20', { openedOn: '2022-09-20' }),
      entry('NOTE', 'open', 'open', '2022-09-21', { heardFrom: 'p2', alsoChase: 'the school' }),
      entry('NOTE', 'open', 'open', '2022-09-22', { letterSentOn: '2022-09-22', alsoChase: ['p2', 'the family'] }),
    );
    expect(p.tasks).toEqual([
      { id: 'letter', label: 'Letter ', done: true },
      { id: 'chase-p1', label: 'Chase Council', done: false },
      { id: 'chase-p2', label: 'Chase ICB', done: true },
      { id: 'chase-the school', label: 'Chase the school', done: false },
      { id: 'chase-the family', label: 'Chase the family', done: false },
    ]);
  });

  test('items that are not there make no task', () => {
    const asStarted = [
      ['letter', false],
      ['chase-p1', false],
      ['chase-p2', false],
    ];
    for (const data of [{ alsoChase: null }, { heardFrom: 'nobody' }]) {
      const p = fold(created('2022-09-20', {}), entry('NOTE', 'open', 'open', '2022-09-21', data));
      expect(p.tasks.map((t) => [t.id, t.done])).toEqual(asStarted);
    }
  });
});

describe('timers', () => {
  const start = created('2022-09-20', { openedOn: '2022-09-20' });
  const armed = [
    { event: 'REMIND', at: '2022-09-25' },
    { event: 'ESCALATE', at: '2022-10-10' },
  ];

  test('entering a state arms its timers whose dates are known', () => {
    expect(fold(start).timers).toEqual(armed);
    expect(fold(created('2022-09-20', {})).timers).toEqual([]);
  });

  test('a person’s step that stays keeps them; the engine’s timer step that stays disarms only its own', () => {
    expect(fold(start, entry('NOTE', 'open', 'open', '2022-09-21', { lapsesOn: '2022-12-01' })).timers).toEqual(armed);
    const reminded = [start, entry('REMIND', 'open', 'open', '2022-09-25', {}, {}, 'system')];
    expect(fold(...reminded).timers).toEqual([{ event: 'ESCALATE', at: '2022-10-10' }]);
    // A person who sends the reminder early leaves the engine's own still to come.
    expect(fold(start, entry('REMIND', 'open', 'open', '2022-09-21')).timers).toEqual(armed);
    // A migration re-arms the state's timers as the version it moves to defines them.
    const migrated = fold(...reminded, entry(VERSION_MIGRATED_EVENT, 'open', 'open', '2022-09-26', { fromVersion: 1, toVersion: 1 }, { migration: { fromVersion: 1, toVersion: 1 } }, 'system'));
    expect(migrated.timers).toEqual(armed);
    expect(fold(start, entry('ESCALATE', 'open', 'waiting', '2022-10-10', {}, {}, 'system')).timers).toEqual([]);
  });
});

describe('links', () => {
  const parent = { caseId: 'c-1', process: 'toy', relation: 'started from' };
  const child = { caseId: 'c-2', process: 'toy', relation: 'started' };

  test('a case started by another links back to it and takes none of the start’s effects', () => {
    const p = fold(created('2022-09-20', { openedOn: '2022-09-20' }, { linkedFrom: parent }));
    expect([p.links, p.deadlines, p.tasks]).toEqual([[parent], [], []]);
  });

  test('the cases a step started stay linked after later steps', () => {
    const p = fold(created('2022-09-20', {}), entry('NOTE', 'open', 'open', '2022-09-21', {}, { startedCases: [child] }), entry('NOTE', 'open', 'open', '2022-09-22'));
    expect(p.links).toEqual([child]);
  });
});

describe('the fold never refuses a step', () => {
  test('effects, a state and an event that a definition built in code does not name are passed over', () => {
    const bare: ProcessDef = {
      id: 'bare',
      title: 'Bare',
      version: 1,
      start: { roles: ['starter'], form: null, to: 'open', effects: [{ startDeadline: 'ghost' }, { startDeadline: 'recorded' }, { updateItem: 'things' }, { createTasks: 'call' }] },
      states: { open: { label: 'Open' } },
      events: [],
    };
    for (const shape of [bare, { ...bare, deadlines: {}, lists: {}, tasks: {} }]) {
      const process = compileProcess(shape);
      const history = numbered([entry(CREATE_EVENT, null, 'gone', '2022-09-20', {}, { dues: { recorded: '2022-10-01' } }), entry('NOTE', 'gone', 'gone', '2022-09-21')]);
      expect(project(partnership, process, history)).toEqual({
        state: 'gone',
        final: false,
        version: 2,
        createdBy: 'ann',
        createdAt: '2022-09-20T11:00:00Z',
        updatedAt: '2022-09-21T11:00:00Z',
        data: {},
        deadlines: [{ id: 'recorded', label: 'recorded', due: '2022-10-01', satisfiedBy: null, met: null, corrected: false }],
        tasks: [{ id: 'call', label: 'call', done: false }],
        timers: [],
        links: [],
      });
    }
  });
});

describe('a case migrated between versions', () => {
  const base: ProcessDef = {
    id: 'rev',
    title: 'Review',
    version: 1,
    start: { roles: ['unit'], form: null, to: 'a', effects: [{ startDeadline: 'report' }, { createTasks: 'ask' }] },
    states: { a: { label: 'A' } },
    deadlines: { report: { label: 'Report', due: { calendarDaysAfter: [{ today: true }, 30] }, satisfiedBy: 'reportedOn' } },
    tasks: { ask: { label: 'Ask the partners' }, hear: { label: 'Hear the family' } },
    events: [],
  };
  const { deadlines: _dropped, ...withoutDeadlines } = base;
  const v1 = base;
  // Version 2 drops the deadlines and adds an event; version 3 drops that event for a correction.
  const v2: ProcessDef = { ...withoutDeadlines, version: 2, start: { ...base.start, effects: [] }, events: [{ type: 'HEARD', label: 'Heard', from: ['a'], roles: ['unit'], form: null, effects: [{ createTasks: 'hear' }] }] };
  const v3: ProcessDef = { ...v2, version: 3, events: [{ type: 'CORRECT_REPORT', label: 'Correct', from: '*', roles: ['unit'], form: null, corrects: ['reportedOn'] }] };
  const files: CompiledPartnership = { ...partnership, processes: new Map([['rev', compileProcess(v3)]]) };
  const stored = withVersions(
    { partnerships: new Map([['test', files]]) },
    [v1, v2, v3].map((d) => {
      const content = versionContent(files, compileProcess(d));
      return { partnership: 'test', process: 'rev', version: d.version, hash: contentHash(content), content, createdAt: '2022-01-01T00:00:00Z', origin: 'files' as const, publishedBy: null };
    }),
  ).partnerships.get('test')!;
  const now = stored.versions!.get('rev')!.get(3)!.compiled;
  const migrated = (from: number, to: number, day: string) => entry(VERSION_MIGRATED_EVENT, 'a', 'a', day, { fromVersion: from, toVersion: to }, { migration: { fromVersion: from, toVersion: to } }, 'system');

  test('each step is read under the version it was taken under, and what an older version started is kept', () => {
    const history = numbered([
      entry(CREATE_EVENT, null, 'a', '2022-03-01', {}, { dues: { report: '2022-03-31' } }),
      migrated(1, 2, '2022-03-02'),
      entry('HEARD', 'a', 'a', '2022-03-03'),
      migrated(2, 3, '2022-03-04'),
      entry(CALENDAR_CHANGED_EVENT, 'a', 'a', '2022-03-05', {}, { dues: { report: '2022-04-01' } }, 'system'),
      entry('CORRECT_REPORT', 'a', 'a', '2022-04-02', { reportedOn: '2022-03-30', reason: 'It was sent' }),
    ]);
    const p = project(stored, now, history)!;
    expect(p.deadlines).toEqual([{ id: 'report', label: 'Report', due: '2022-04-01', satisfiedBy: 'reportedOn', met: true, corrected: true }]);
    expect(p.tasks).toEqual([
      { id: 'ask', label: 'Ask the partners', done: false },
      { id: 'hear', label: 'Hear the family', done: false },
    ]);
  });

  test('a history migrated from a version that is not stored cannot be read, and says so', () => {
    const history = numbered([entry(CREATE_EVENT, null, 'a', '2022-03-01'), migrated(7, 3, '2022-03-02')]);
    expect(() => project(stored, now, history)).toThrow(new Error('test/rev version 7 is not stored, so the history of a case migrated from it cannot be read'));
  });

  test('the last migration and the steps after it are read under the version the case runs on now, even one the catalogue does not list', () => {
    const v4 = compileProcess({ ...v2, version: 4 });
    const history = numbered([entry(CREATE_EVENT, null, 'a', '2022-03-01', {}, { dues: { report: '2022-03-31' } }), migrated(1, 4, '2022-03-02'), entry('HEARD', 'a', 'a', '2022-03-03')]);
    expect(project(stored, v4, history)!.tasks).toEqual([
      { id: 'ask', label: 'Ask the partners', done: false },
      { id: 'hear', label: 'Hear the family', done: false },
    ]);
  });
});

describe('due dates written on a step', () => {
  const start = created('2022-09-20', { openedOn: '2022-09-20' });

  test('only the engine’s calendar step moves the case’s deadlines to the due dates it records; a person’s step of that name, or another engine step, does not', () => {
    const recorded = { dues: { term: '2022-10-21' } };
    const person = entry(CALENDAR_CHANGED_EVENT, 'open', 'open', '2022-10-11', {}, recorded, 'ann');
    const timer = entry('REMIND', 'open', 'open', '2022-09-25', {}, recorded, 'system');
    for (const step of [person, timer]) expect(dueOf(fold(start, step))).toEqual({ reply: '2022-09-27', term: '2022-10-20' });
    const engine = entry(CALENDAR_CHANGED_EVENT, 'open', 'open', '2022-10-11', {}, recorded, 'system');
    expect(dueOf(fold(start, engine))).toEqual({ reply: '2022-09-27', term: '2022-10-21' });
  });
});

describe('names that read like JavaScript’s undefined', () => {
  test('a deadline and a list named “undefined” are started and updated only by the effects that name them', () => {
    const odd: ProcessDef = {
      id: 'odd',
      title: 'Odd',
      version: 1,
      start: { roles: ['starter'], form: null, to: 'open', effects: [{ createTasks: 'call' }] },
      states: { open: { label: 'Open' } },
      deadlines: { undefined: { label: 'Undefined', due: { today: true } } },
      lists: { undefined: { label: 'Things', key: 'thingId', fields: ['name'] } },
      events: [{ type: 'ADD', label: 'Add', from: ['open'], roles: ['starter'], form: null, effects: [{ updateItem: 'undefined' }] }],
    };
    const process = compileProcess(odd);
    const started = project(partnership, process, numbered([entry(CREATE_EVENT, null, 'open', '2022-09-20', { name: 'Ring the school' })]))!;
    expect([started.data, started.deadlines, started.tasks]).toEqual([{ name: 'Ring the school' }, [], [{ id: 'call', label: 'call', done: false }]]);
    const added = project(partnership, process, numbered([entry(CREATE_EVENT, null, 'open', '2022-09-20'), entry('ADD', 'open', 'open', '2022-09-21', { name: 'Ring the school' })]))!;
    expect(added.data).toEqual({ undefined: [{ id: '1', name: 'Ring the school', open: true, updatedOn: '2022-09-21' }] });
  });
});
