/**
 * Who is told when a decision is committed, and which reminder a deadline calls for: read from the
 * process definition, the case before and after, and the people of the partnership.
 */
import { describe, expect, test } from 'vitest';
import { compileProcess } from '../../server/engine/catalogue.ts';
import type { ProcessDef } from '../../server/engine/definition.ts';
import { DEFAULT_REMINDER_WORKING_DAYS, newlyWaitingRecipients, recipientsFor, reminderKind, type Person } from '../../server/engine/notifications.ts';

/**
 * A referral: the screener screens it, the panel and the chair decide it (the chair may also send it
 * back to screening), and whoever raised it answers questions. Recording a note keeps it where it is.
 */
const referral = compileProcess({
  id: 'referral',
  title: 'Referral',
  version: 1,
  start: { roles: ['officer'], to: 'screening' },
  states: {
    screening: { label: 'Screening' },
    deciding: { label: 'Deciding' },
    questions: { label: 'Questions for the referrer' },
    closed: { label: 'Closed', final: true },
  },
  events: [
    { type: 'SCREEN', label: 'Screen', from: ['screening'], roles: ['screener', 'chair'], to: 'deciding' },
    { type: 'NOTE', label: 'Note', from: ['screening', 'deciding'], roles: ['officer'] },
    { type: 'DECIDE', label: 'Decide', from: ['deciding'], roles: ['panel', 'chair', 'system'], to: 'closed' },
    { type: 'ASK', label: 'Ask the referrer', from: ['deciding'], roles: ['chair'], to: 'questions' },
    { type: 'ANSWER', label: 'Answer', from: ['questions'], roles: ['raiser', 'screener'], to: 'deciding' },
  ],
} satisfies ProcessDef);

const people: Person[] = [
  { username: 'sam', roles: ['screener'] },
  { username: 'pat', roles: ['panel', 'chair'] },
  { username: 'cal', roles: ['chair'] },
  { username: 'ola', roles: ['officer'] },
  { username: 'nia', roles: ['panel'] },
];
const everyone = () => true;
const caseIn = (state: string, final = false) => ({ state, final, createdBy: 'ola' });

describe('who is told that a case now waits for them', () => {
  test('a new case tells everyone holding a role it waits for, once each, for the first of their roles it waits for', () => {
    expect(newlyWaitingRecipients(referral, null, caseIn('screening'), people, everyone)).toEqual([
      { username: 'sam', role: 'screener' },
      { username: 'pat', role: 'chair' },
      { username: 'cal', role: 'chair' },
    ]);
  });

  test('a move tells only the roles newly waited for, not those the case waited for already', () => {
    // Screening waited for the screener and the chair; deciding waits for the panel and the chair.
    expect(newlyWaitingRecipients(referral, 'screening', caseIn('deciding'), people, everyone)).toEqual([
      { username: 'pat', role: 'panel' },
      { username: 'nia', role: 'panel' },
    ]);
  });

  test('the person who raised the case is told when the case waits for the raiser', () => {
    expect(newlyWaitingRecipients(referral, 'deciding', caseIn('questions'), people, everyone)).toEqual([
      { username: 'ola', role: 'raiser' },
      { username: 'sam', role: 'screener' },
    ]);
  });

  test('nobody is told of their own step', () => {
    expect(newlyWaitingRecipients(referral, 'screening', caseIn('deciding'), people, everyone, 'pat')).toEqual([{ username: 'nia', role: 'panel' }]);
  });

  test('nobody is told of a step that keeps the case where it is', () => {
    expect(newlyWaitingRecipients(referral, 'deciding', caseIn('deciding'), people, everyone)).toEqual([]);
  });

  test('nobody is told once the case is closed', () => {
    expect(newlyWaitingRecipients(referral, 'deciding', caseIn('closed', true), people, everyone)).toEqual([]);
    // The case's own word that it is final is enough, whatever its state's events.
    expect(newlyWaitingRecipients(referral, 'screening', caseIn('deciding', true), people, everyone)).toEqual([]);
  });

  test('only people who may read the case are told', () => {
    const notNia = (person: Person) => person.username !== 'nia';
    expect(newlyWaitingRecipients(referral, 'screening', caseIn('deciding'), people, notNia)).toEqual([{ username: 'pat', role: 'panel' }]);
  });
});

describe('the people holding a role', () => {
  test('each person once, told for the first of the roles they hold, in the order of the roles', () => {
    expect(recipientsFor(['chair', 'panel'], 'ola', people, everyone)).toEqual([
      { username: 'pat', role: 'chair' },
      { username: 'cal', role: 'chair' },
      { username: 'nia', role: 'panel' },
    ]);
  });

  test('raiser is the person who raised the case, not anyone holding a role named raiser', () => {
    const withRaiserRole: Person[] = [...people, { username: 'rio', roles: ['raiser'] }];
    expect(recipientsFor(['raiser'], 'sam', withRaiserRole, everyone)).toEqual([{ username: 'sam', role: 'raiser' }]);
  });

  test('someone who may not read the case is not told, whichever of their roles it waits for', () => {
    const mayRead = (person: Person) => person.username !== 'pat';
    expect(recipientsFor(['chair', 'panel'], 'ola', people, mayRead)).toEqual([
      { username: 'cal', role: 'chair' },
      { username: 'nia', role: 'panel' },
    ]);
  });

  test('no roles, nobody told', () => {
    expect(recipientsFor([], 'ola', people, everyone)).toEqual([]);
  });
});

describe('which reminder a deadline calls for', () => {
  // Due on Friday 11 December 2026; two working days before it is Wednesday 9 December.
  const due = '2026-12-11';
  const from = '2026-12-09';

  test('none before the reminder window opens', () => {
    expect(reminderKind('2026-12-08', due, from)).toBeUndefined();
  });

  test('due soon from the first day of the window to the day it is due', () => {
    expect(reminderKind('2026-12-09', due, from)).toBe('due-soon');
    expect(reminderKind('2026-12-10', due, from)).toBe('due-soon');
    expect(reminderKind('2026-12-11', due, from)).toBe('due-soon');
  });

  test('overdue from the day after it was due', () => {
    expect(reminderKind('2026-12-12', due, from)).toBe('overdue');
    expect(reminderKind('2027-01-04', due, from)).toBe('overdue');
  });

  test('reminders start two working days before a deadline unless the partnership says otherwise', () => {
    expect(DEFAULT_REMINDER_WORKING_DAYS).toBe(2);
  });
});
