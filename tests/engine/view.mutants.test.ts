import { describe, expect, test } from 'vitest';
import { compileProcess } from '../../server/engine/catalogue.ts';
import type { Condition, EventDef, IsoDate } from '../../server/engine/definition.ts';
import { explainFailure } from '../../server/engine/explain.ts';
import type { EvalEnv } from '../../server/engine/expressions.ts';
import { uiOn } from '../../server/engine/form-choices.ts';
import type { CaseDeadline } from '../../server/engine/project.ts';
import { availableEvents, deadlineView } from '../../server/engine/view.ts';
import { shippedCatalogue } from '../support/catalogue.ts';

const rotherham = shippedCatalogue().partnerships.get('rotherham')!;

describe('whether a deadline shows as overdue', () => {
  const deadline = (parts: Partial<CaseDeadline>): CaseDeadline => ({ id: 'report', label: 'Report', due: '2024-03-01' as IsoDate, satisfiedBy: 'sentOn', met: null, corrected: false, ...parts });

  test('the day after it is due, while nothing has met it and the case is open', () => {
    expect(deadlineView(deadline({}), '2024-03-02' as IsoDate, false)).toEqual({ id: 'report', label: 'Report', due: '2024-03-01', met: null, overdue: true, corrected: false });
  });

  test('not on the day it is due, nor once the case is closed, nor when nothing can meet it', () => {
    expect(deadlineView(deadline({}), '2024-03-01' as IsoDate, false).overdue).toBe(false);
    expect(deadlineView(deadline({}), '2024-03-02' as IsoDate, true).overdue).toBe(false);
    expect(deadlineView(deadline({ satisfiedBy: null }), '2024-03-02' as IsoDate, false).overdue).toBe(false);
  });
});

describe('the events a person may send, and the warning before closing with tasks open', () => {
  const event = (type: string, parts: Partial<EventDef>): EventDef => ({ type, label: `Label ${type}`, roles: ['panel'], from: ['open'], ...parts });
  const process = compileProcess({
    id: 'test',
    title: 'Test',
    version: 1,
    start: { roles: ['panel'], to: 'open' },
    states: { open: { label: 'Open' }, waiting: { label: 'Waiting' }, closed: { label: 'Closed', final: true }, dropped: { label: 'Dropped', final: true } },
    tasks: { share: { label: 'Share' }, letter: { label: 'Letter' } },
    events: [
      event('NOTE', { form: 'note' }),
      event('CLOSE', { to: 'closed' }),
      event('SPLIT', { routes: [{ to: 'closed', when: { isTrue: { field: 'agreed' } } }, { to: 'dropped' }] }),
      event('TIMER', { roles: ['system'], to: 'closed' }),
      event('CHAIR_ONLY', { roles: ['chair'], to: 'waiting' }),
      event('SHARED_NOW', { effects: [{ completeTask: 'share' }] }),
      event('SHARED', { from: ['closed'], effects: [{ completeTask: 'share' }] }),
      event('LETTER', { effects: [{ completeTask: 'letter' }] }),
    ],
  });
  const panel = { username: 'pat', roles: ['panel', 'system'] };
  const task = (id: string, label: string, done = false) => ({ id, label, done });
  const warningsOf = (type: string, tasks: ReturnType<typeof task>[]) => availableEvents(process, 'open', panel, 'someone', { tasks }).find((e) => e.type === type)!.warnings;

  test('only the events of the roles held, never the engine’s own even to someone holding a role named system, with their forms', () => {
    expect(availableEvents(process, 'open', panel, 'someone')).toEqual([
      { type: 'NOTE', label: 'Label NOTE', form: 'note' },
      { type: 'CLOSE', label: 'Label CLOSE', form: null },
      { type: 'SPLIT', label: 'Label SPLIT', form: null },
      { type: 'SHARED_NOW', label: 'Label SHARED_NOW', form: null },
      { type: 'LETTER', label: 'Label LETTER', form: null },
    ]);
    expect(availableEvents(process, 'waiting', panel, 'someone')).toEqual([]);
  });

  test('closing with one task that an event of the closed case records: it can still be recorded', () => {
    expect(warningsOf('CLOSE', [task('share', 'Share findings'), task('letter', 'Letter', true)])).toEqual([
      'This closes the case with 1 task still open: Share findings. It can still be recorded after it closes.',
    ]);
  });

  test('closing with two such tasks names both, and says they can still be recorded', () => {
    expect(warningsOf('CLOSE', [task('share-police', 'Share with the police'), task('share-health', 'Share with health')])).toEqual([
      'This closes the case with 2 tasks still open: Share with the police; Share with health. They can still be recorded after it closes.',
    ]);
  });

  test('closing with a task nothing records once closed, among others: they cannot be recorded', () => {
    expect(warningsOf('CLOSE', [task('share', 'Share findings'), task('letter', 'Letter')])).toEqual([
      'This closes the case with 2 tasks still open: Share findings; Letter. Once it is closed they cannot be recorded here.',
    ]);
    expect(warningsOf('CLOSE', [task('letter', 'Letter')])).toEqual(['This closes the case with 1 task still open: Letter. Once it is closed it cannot be recorded here.']);
  });

  test('an event that may end in either of two closed states warns unless the task can be recorded in both', () => {
    expect(warningsOf('SPLIT', [task('share', 'Share findings')])).toEqual([
      'This closes the case with 1 task still open: Share findings. Once it is closed it cannot be recorded here.',
    ]);
  });

  test('an event that keeps the case open says nothing of the tasks', () => {
    expect(warningsOf('NOTE', [task('share', 'Share findings')])).toBeUndefined();
    expect(warningsOf('SHARED_NOW', [task('share', 'Share findings')])).toBeUndefined();
  });
});

describe('choices offered from the partnership', () => {
  const day = '2023-01-01' as IsoDate;

  test('statutory partners on the day, with no answer written in when the hint names none', () => {
    expect(uiOn(rotherham.def, { choices: { partner: { from: 'statutoryPartners' } } }, day)).toStrictEqual({
      choices: {
        partner: {
          options: [
            { value: 'rmbc', label: 'Rotherham Metropolitan Borough Council' },
            { value: 'rotherham-ccg', label: 'NHS South Yorkshire Integrated Care Board' },
            { value: 'south-yorkshire-police', label: 'South Yorkshire Police' },
          ],
        },
      },
    });
  });

  test('hints that name no known source are passed on as they are', () => {
    // `e` as a caller in code may leave it: no file can say undefined.
    const choices = { a: null, b: 'statutoryPartners', c: { from: 'groups' }, d: ['statutoryPartners'], e: undefined };
    expect(uiOn(rotherham.def, { choices }, day)).toStrictEqual({ choices });
  });

  test('hints without choices, or whose choices are not a map, are returned as they are', () => {
    for (const ui of [{ order: ['a'] }, { choices: null }, { choices: 'partners' }]) expect(uiOn(rotherham.def, ui, day)).toBe(ui);
  });
});

describe('explaining a failed date rule', () => {
  const env = (data: Record<string, unknown>, conditions: Record<string, Condition> = {}): EvalEnv => ({
    data,
    dates: {},
    statutoryPartners: [],
    today: '2023-06-01' as IsoDate,
    deadlines: {},
    calendar: rotherham.calendar,
    conditions,
  });

  test('an answer before a date written in the rule: that date, worked out from no answer', () => {
    expect(explainFailure({ before: [{ field: 'sentOn' }, '2023-01-01'] }, env({ sentOn: '2023-02-01' }))).toEqual({
      paths: ['/sentOn'],
      dates: [{ path: '/sentOn', must: 'before', date: '2023-01-01', from: [] }],
    });
  });

  test('a date worked out from the first answer given names only the answers that are dates', () => {
    const condition: Condition = { onOrBefore: [{ field: 'sentOn' }, { calendarDaysAfter: [{ firstPresent: [{ field: 'agreedOn' }, { field: 'receivedOn' }] }, 10] }] };
    expect(explainFailure(condition, env({ sentOn: '2023-03-01', receivedOn: '2023-02-01' }))).toEqual({
      paths: ['/sentOn', '/agreedOn', '/receivedOn'],
      dates: [{ path: '/sentOn', must: 'onOrBefore', date: '2023-02-11', from: [{ path: '/receivedOn', date: '2023-02-01' }] }],
    });
  });

  test('an answer compared with an empty value written in the rule: no date is worked out', () => {
    expect(explainFailure({ before: [{ field: 'sentOn' }, null] }, env({ sentOn: '2023-02-01' }))).toEqual({ paths: ['/sentOn'], dates: [] });
  });

  test('a rule naming a condition that is not there blames nothing', () => {
    expect(explainFailure({ ref: 'missing' }, env({}))).toEqual({ paths: [], dates: [] });
  });
});
