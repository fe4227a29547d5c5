import { describe, expect, test } from 'vitest';
import { compileProcess } from '../../server/engine/catalogue.ts';
import type { EventDef, IsoDate, ListDef, PartnershipDef, ProcessDef } from '../../server/engine/definition.ts';
import type { EvalEnv } from '../../server/engine/expressions.ts';
import { itemAnswers, itemDeadlines, statusId, updateList, type ListItem } from '../../server/engine/lists.ts';
import type { CaseDeadline } from '../../server/engine/project.ts';
import {
  eventsCompleting,
  nextDeadline,
  RAISER_LABEL,
  roleLabel,
  taskDefinitionOf,
  taskViews,
  waitingFor,
} from '../../server/engine/waiting.ts';
import { shippedCatalogue } from '../support/catalogue.ts';

const rotherham = shippedCatalogue().partnerships.get('rotherham')!;
const cspr = rotherham.processes.get('cspr')!;
const actions = cspr.def.lists!.actions!;

const env = (today: string): EvalEnv => ({
  data: {},
  dates: {},
  statutoryPartners: [],
  groups: rotherham.def.groups,
  today: today as IsoDate,
  deadlines: {},
  calendar: rotherham.calendar,
  conditions: {},
});

/** Applies the updates one after the other, each on its own day, and returns the list. */
function apply(listDef: ListDef, ...updates: [string, Record<string, unknown>][]): ListItem[] {
  let items: ListItem[] = [];
  for (const [day, answers] of updates) items = updateList(listDef, items, answers, env(day)).items;
  return items;
}

/** A small list of tasks to chase, without statuses, closing date or wording to match by. */
const chaseList: ListDef = { label: 'Chases', key: 'chaseId', fields: ['who', 'note'] };

/** A list whose status ids are not its labels' words. */
const letters: ListDef = {
  label: 'Letters',
  key: 'letterId',
  matchBy: 'to',
  fields: ['to', 'state', 'sentOn', 'copyTo'],
  status: { field: 'state', values: [{ id: 'draft', label: 'Being written' }, { id: 'no-longer-needed', label: 'Withdrawn', closes: true }] },
  closedOn: 'sentOn',
  defaults: { copyTo: '' },
};

const minimalProcess = (parts: Partial<ProcessDef>): ProcessDef => ({
  id: 'test',
  title: 'Test',
  version: 1,
  start: { roles: ['practitioner'], to: 'open' },
  states: { open: { label: 'Open' }, closed: { label: 'Closed', final: true } },
  events: [],
  ...parts,
});

describe('the answers kept on the items of a list', () => {
  test('an event that updates the action plan keeps its key and fields on the action', () => {
    const transition = cspr.def.events.find((e) => (e.effects ?? []).some((effect) => 'updateItem' in effect));
    expect([...itemAnswers(cspr.def, transition)]).toEqual(['actionId', 'action', 'owner', 'due', 'status', 'actionCompletedOn', 'monitoredBy']);
  });

  test('the start of a case, an event that updates no list, or one naming a list the process lacks keeps no answer on an item', () => {
    expect([...itemAnswers(cspr.def, undefined)]).toEqual([]);
    const unknownList = { roles: ['business-unit'], effects: [{ updateItem: 'risks' }] };
    expect([...itemAnswers(cspr.def, unknownList)]).toEqual([]);
    expect([...itemAnswers(minimalProcess({}), unknownList)]).toEqual([]);
  });
});

describe('a status given in words', () => {
  test('is read as the status whose id or label it names, whatever the spacing, case and punctuation', () => {
    expect(statusId(actions, 'In progress')).toBe('in-progress');
    expect(statusId(actions, 'in  progress')).toBe('in-progress');
    expect(statusId(actions, '(Complete!)')).toBe('complete');
    expect(statusId(letters, 'no longer needed')).toBe('no-longer-needed');
    expect(statusId(letters, 'withdrawn')).toBe('no-longer-needed');
    expect(statusId(letters, 'Being  written.')).toBe('draft');
  });

  test('is kept as written when no status matches, when it is not text, or when the list has no statuses', () => {
    expect(statusId(actions, 'Waiting for the tool')).toBe('Waiting for the tool');
    expect(statusId(actions, 3)).toBe(3);
    expect(statusId(chaseList, 'In progress')).toBe('In progress');
  });
});

describe('adding and updating the items of a list', () => {
  test('a key given names a new item, trimmed; the next item without a key takes the first number not used', () => {
    const items = apply(chaseList, ['2024-01-02', { chaseId: ' 2 ', who: 'Police' }], ['2024-01-03', { who: 'Health' }]);
    expect(items).toEqual([
      { id: '2', who: 'Police', open: true, updatedOn: '2024-01-02' },
      { id: '3', who: 'Health', open: true, updatedOn: '2024-01-03' },
    ]);
  });

  test('a key naming an item, with spaces, updates it even when the wording says another', () => {
    const items = apply(
      actions,
      ['2024-01-02', { action: 'Audit records.', status: 'in progress', monitoredBy: 'Board' }],
      ['2024-01-02', { action: 'Joint training.', status: 'not started', monitoredBy: 'Board' }],
      ['2024-01-05', { actionId: ' 1 ', action: 'Joint training.', owner: 'TRFT' }],
    );
    expect(items).toEqual([
      { id: '1', action: 'Joint training.', owner: 'TRFT', status: 'in-progress', monitoredBy: 'Board', open: true, updatedOn: '2024-01-05' },
      { id: '2', action: 'Joint training.', status: 'not-started', monitoredBy: 'Board', open: true, updatedOn: '2024-01-02' },
    ]);
  });

  test('a list without statuses keeps every item open and leaves the answers as they are', () => {
    const items = apply(chaseList, ['2024-01-02', { who: 'Police', note: 'In progress' }], ['2024-01-03', { chaseId: '1', note: 'Complete' }]);
    expect(items).toEqual([{ id: '1', who: 'Police', note: 'Complete', open: true, updatedOn: '2024-01-03' }]);
  });

  test('wording that is not text, or an item without that answer, never matches: a new item is added', () => {
    const items = apply(letters, ['2024-01-02', { state: 'draft' }], ['2024-01-03', { to: 'Police' }], ['2024-01-04', { to: 7 }]);
    expect(items).toEqual([
      { id: '1', state: 'draft', open: true, updatedOn: '2024-01-02' },
      { id: '2', to: 'Police', open: true, updatedOn: '2024-01-03' },
      { id: '3', to: 7, open: true, updatedOn: '2024-01-04' },
    ]);
  });

  test('an answer given wins over the default, and a default that works out to nothing is left out', () => {
    const [item] = apply(actions, ['2024-01-02', { action: 'Audit records.', monitoredBy: 'The Board' }]);
    expect(item).toEqual({ id: '1', action: 'Audit records.', monitoredBy: 'The Board', open: true, updatedOn: '2024-01-02' });
    expect(apply(letters, ['2024-01-02', { to: 'Police', state: 'Being written' }])).toEqual([
      { id: '1', to: 'Police', state: 'draft', open: true, updatedOn: '2024-01-02' },
    ]);
  });

  test('an item added already closed is closed on the day of the step', () => {
    expect(apply(letters, ['2024-01-02', { to: 'Police', state: 'Withdrawn' }])).toEqual([
      { id: '1', to: 'Police', state: 'no-longer-needed', sentOn: '2024-01-02', open: false, updatedOn: '2024-01-02' },
    ]);
  });

  test('a closed item updated again without a date keeps the day it closed', () => {
    const items = apply(letters, ['2024-01-02', { to: 'Police', state: 'Withdrawn' }], ['2024-01-09', { to: 'police', state: 'withdrawn' }]);
    expect(items).toEqual([{ id: '1', to: 'police', state: 'no-longer-needed', sentOn: '2024-01-02', open: false, updatedOn: '2024-01-09' }]);
  });

  test('an answer named “undefined” is an answer like any other: kept on its item, and never a wording to match by or a closing date', () => {
    const notes: ListDef = { label: 'Notes', key: 'noteId', fields: ['undefined'] };
    expect(apply(notes, ['2024-01-02', { undefined: 'Ring the school' }], ['2024-01-03', { undefined: 'ring the school' }])).toEqual([
      { id: '1', undefined: 'Ring the school', open: true, updatedOn: '2024-01-02' },
      { id: '2', undefined: 'ring the school', open: true, updatedOn: '2024-01-03' },
    ]);
  });
});

describe('the deadlines of one item', () => {
  const def = minimalProcess({
    lists: { letters },
    deadlines: {
      'letter-sent': { label: 'Letter {item} to {item.to}', due: { field: 'dueOn' }, satisfiedBy: 'sentOn', each: 'letters' },
      'letter-open': { label: 'Letter {item.copyTo}{item.state} open', due: { field: 'dueOn' }, each: 'letters' },
      'case-closed': { label: 'Case closed', due: { today: true } },
    },
  });
  const item = (fields: Record<string, unknown>): ListItem => ({ id: '4', open: true, updatedOn: '2024-01-02' as IsoDate, dueOn: '2024-02-01', ...fields });

  test('are the deadlines for that list only, labelled by the item, due by its answers, met by its own field or by none', () => {
    expect(itemDeadlines(def, 'letters', item({ to: '  Police  ', copyTo: null }), 2, env('2024-01-02'))).toEqual([
      { id: 'letter-sent-4', label: 'Letter 4 to Police', due: '2024-02-01', satisfiedBy: 'letters.2.sentOn' },
      { id: 'letter-open-4', label: 'Letter  open', due: '2024-02-01', satisfiedBy: null },
    ]);
    expect(itemDeadlines(def, 'risks', item({}), 0, env('2024-01-02'))).toEqual([]);
  });

  test('a long answer in a label is cut to 80 characters, ending in an ellipsis; 80 characters are kept whole', () => {
    const eighty = 'x'.repeat(80);
    const long = `${'a'.repeat(78)} ${'c'.repeat(10)}`;
    const labels = (to: string) => itemDeadlines(def, 'letters', item({ to }), 0, env('2024-01-02'))[0]!.label;
    expect(labels(eighty)).toBe(`Letter 4 to ${eighty}`);
    expect(labels(long)).toBe(`Letter 4 to ${'a'.repeat(78)}…`);
  });
});

describe('who a case waits for', () => {
  const partnership = { ...rotherham.def, roles: [{ id: 'panel', label: 'Review panel' }, { id: 'chair', label: 'The chair' }] } as PartnershipDef;
  const event = (type: string, parts: Partial<EventDef>): EventDef => ({ type, label: type, roles: ['panel'], from: ['open'], ...parts });
  const process = compileProcess(
    minimalProcess({
      states: { open: { label: 'Open' }, parked: { label: 'Parked' }, closed: { label: 'Closed', final: true } },
      events: [
        event('NOTE', { roles: ['chair'] }),
        event('STAY', { roles: ['chair'], to: 'open' }),
        event('DECIDE', { roles: ['raiser', 'system', 'panel', 'raiser'], routes: [{ to: 'open', when: { ref: 'x' } }, { to: 'closed' }] }),
        event('WITHDRAW', { roles: ['chair'], from: '*', to: 'closed' }),
        event('REOPEN', { roles: ['chair'], from: ['closed'], to: 'open' }),
      ],
    }),
  );

  test('the roles of the events that move the case on, once each, labelled; the engine and side steps left out', () => {
    expect(waitingFor(partnership, process, 'open')).toEqual([
      { role: 'raiser', label: RAISER_LABEL },
      { role: 'panel', label: 'Review panel' },
    ]);
  });

  test('nobody on a final state, even one an event leaves, on a state no event leaves but to withdraw, or on a state not in the process', () => {
    expect(waitingFor(partnership, process, 'closed')).toEqual([]);
    expect(waitingFor(partnership, process, 'parked')).toEqual([]);
    expect(waitingFor(partnership, process, 'gone')).toEqual([]);
  });

  test("a role the partnership does not name reads as its id; raiser as the person who raised it", () => {
    expect(roleLabel(partnership, 'chair')).toBe('The chair');
    expect(roleLabel(partnership, 'auditor')).toBe('auditor');
    expect(roleLabel(partnership, 'raiser')).toBe('the person who raised it');
  });
});

describe('the next deadline', () => {
  const d = (id: string, due: string, parts: Partial<CaseDeadline> = {}): CaseDeadline => ({ id, label: `Label ${id}`, due: due as IsoDate, satisfiedBy: 'x', met: null, corrected: false, ...parts });

  test('of several due the same day, the first by id, whatever order they come in', () => {
    const same = [d('b', '2026-12-05'), d('a', '2026-12-05'), d('c', '2026-12-05')];
    for (const order of [[0, 1, 2], [1, 0, 2], [2, 1, 0], [0, 2, 1], [2, 0, 1], [1, 2, 0]]) {
      expect(nextDeadline(order.map((i) => same[i]!), '2026-12-06' as IsoDate, false)).toEqual({ id: 'a', label: 'Label a', due: '2026-12-05', overdue: true });
    }
  });

  test('none when every deadline is met or only says how long something lasts', () => {
    expect(nextDeadline([d('met', '2026-11-01', { met: false }), d('lasts', '2026-11-01', { satisfiedBy: null })], '2026-12-01' as IsoDate, false)).toBeNull();
    expect(nextDeadline([], '2026-12-01' as IsoDate, false)).toBeNull();
  });
});

describe('whose a task is', () => {
  const partnership = { ...rotherham.def, roles: [{ id: 'panel', label: 'Review panel' }] } as PartnershipDef;
  const process = compileProcess(
    minimalProcess({
      tasks: { share: { label: 'Share' }, 'share-findings': { label: 'Share findings' }, letter: { label: 'Letter to {item}' } },
      events: [
        { type: 'SHARED', label: 'Findings shared', roles: ['panel', 'system'], from: ['open'], effects: [{ updateItem: 'x' }, { completeTask: 'share-findings' }] },
        { type: 'SHARED_LATE', label: 'Findings shared late', roles: ['raiser', 'panel'], from: ['closed'], effects: [{ completeTask: 'share-findings' }] },
        { type: 'LETTER', label: 'Letter sent', roles: ['system'], from: ['open'], effects: [{ completeTask: 'letter' }] },
        { type: 'OTHER', label: 'Other', roles: ['panel'], from: ['open'], effects: [{ updateItem: 'x' }] },
      ],
    }),
  );

  test('a task comes from the definition of its id, or of the longest id it starts with followed by a dash', () => {
    expect(taskDefinitionOf(process, 'share-findings')).toBe('share-findings');
    expect(taskDefinitionOf(process, 'share-findings-police')).toBe('share-findings');
    expect(taskDefinitionOf(process, 'share-police')).toBe('share');
    expect(taskDefinitionOf(process, 'letter')).toBe('letter');
    expect(taskDefinitionOf(process, 'letterbox')).toBeUndefined();
    expect(taskDefinitionOf(compileProcess(minimalProcess({})), 'share')).toBeUndefined();
  });

  test('the events completing a task are those with an effect completing that one', () => {
    expect(eventsCompleting(process, 'share-findings').map((e) => e.type)).toEqual(['SHARED', 'SHARED_LATE']);
    expect(eventsCompleting(process, 'share').map((e) => e.type)).toEqual([]);
  });

  test('a task is whose the events completing it are, never the engine; one without a definition is nobody’s', () => {
    const tasks = [
      { id: 'share-findings-police', label: 'Share findings with the police', done: false },
      { id: 'letter-health', label: 'Letter to health', done: true },
      { id: 'unknown', label: 'Unknown', done: false },
    ];
    expect(taskViews(partnership, process, tasks)).toEqual([
      {
        ...tasks[0],
        whose: [{ role: 'panel', label: 'Review panel' }, { role: 'raiser', label: RAISER_LABEL }],
        recordedBy: [{ type: 'SHARED', label: 'Findings shared' }, { type: 'SHARED_LATE', label: 'Findings shared late' }],
      },
      { ...tasks[1], whose: [], recordedBy: [{ type: 'LETTER', label: 'Letter sent' }] },
      { ...tasks[2], whose: [], recordedBy: [] },
    ]);
  });
});
