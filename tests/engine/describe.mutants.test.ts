/**
 * A process definition as the API publishes it (GET /definitions) and the edges of its statechart
 * (the graph a client draws): what a client needs to draw and drive a process, read from the
 * definition alone.
 */
import { describe, expect, test } from 'vitest';
import { compileProcess } from '../../server/engine/catalogue.ts';
import type { ProcessDef } from '../../server/engine/definition.ts';
import { describeProcess, edgesOf, targetsOf } from '../../server/engine/describe.ts';

/** A small review: every kind of event (a move, a routed move, a recording step, one from every state). */
const review: ProcessDef = {
  id: 'review',
  title: 'Review',
  description: 'A review of a case',
  version: 3,
  start: { label: 'Open a review', roles: ['officer'], form: 'opening', routes: [{ when: { isTrue: { field: 'urgent' } }, to: 'urgent' }, { to: 'open' }] },
  states: {
    open: { label: 'Open', description: 'Being looked at' },
    urgent: { label: 'Urgent', final: false },
    done: { label: 'Done', final: true },
  },
  events: [
    { type: 'ESCALATE', label: 'Escalate', description: 'Make it urgent', from: ['open'], roles: ['officer', 'chair'], form: 'escalation', to: 'urgent' },
    { type: 'DECIDE', label: 'Decide', from: ['open', 'urgent'], roles: ['chair'], routes: [{ when: { isTrue: { field: 'closeNow' } }, to: 'done' }, { to: 'urgent' }] },
    { type: 'CONFIRM', label: 'Confirm', from: ['urgent'], roles: ['chair'], routes: [{ when: { isTrue: { field: 'ready' } }, to: 'done' }, { to: 'done' }] },
    { type: 'NOTE', label: 'Note', from: ['open'], roles: ['officer'], form: null },
    { type: 'LETTER', label: 'Record a letter', from: '*', roles: ['officer'] },
    { type: 'WITHDRAW', label: 'Withdraw', from: '*', roles: ['raiser'], to: 'done' },
  ],
  deadlines: {
    reply: { label: 'Reply', description: 'Within five working days', due: { workingDaysAfter: [{ field: 'openedOn' }, 5] }, satisfiedBy: 'repliedOn' },
    lasts: { label: 'How long it lasts', due: { calendarDaysAfter: [{ field: 'openedOn' }, 30] } },
  },
};

/** The same process written as plainly as it can be: no descriptions, labels, forms or deadlines. */
const plain: ProcessDef = {
  id: 'plain',
  title: 'Plain',
  version: 1,
  start: { roles: ['officer'], to: 'open' },
  states: { open: { label: 'Open' }, done: { label: 'Done', final: true } },
  events: [{ type: 'CLOSE', label: 'Close', from: ['open'], roles: ['officer'], to: 'done' }],
};

describe('a process as the API publishes it', () => {
  test('a fully written process: its start, states, events and deadlines, each as written', () => {
    expect(describeProcess(compileProcess(review))).toEqual({
      id: 'review',
      title: 'Review',
      description: 'A review of a case',
      version: 3,
      start: { label: 'Open a review', roles: ['officer'], form: 'opening', to: ['urgent', 'open'] },
      states: [
        { id: 'open', label: 'Open', description: 'Being looked at', final: false },
        { id: 'urgent', label: 'Urgent', description: null, final: false },
        { id: 'done', label: 'Done', description: null, final: true },
      ],
      events: [
        { type: 'ESCALATE', label: 'Escalate', description: 'Make it urgent', from: ['open'], to: 'urgent', roles: ['officer', 'chair'], form: 'escalation' },
        { type: 'DECIDE', label: 'Decide', description: null, from: ['open', 'urgent'], to: ['done', 'urgent'], roles: ['chair'], form: null },
        // Routes that all lead to one state still publish a list, once each.
        { type: 'CONFIRM', label: 'Confirm', description: null, from: ['urgent'], to: ['done'], roles: ['chair'], form: null },
        // A recording step from one state leads back to it.
        { type: 'NOTE', label: 'Note', description: null, from: ['open'], to: 'open', roles: ['officer'], form: null },
        // A recording step from every state that is not final leads back to each.
        { type: 'LETTER', label: 'Record a letter', description: null, from: ['open', 'urgent'], to: ['open', 'urgent'], roles: ['officer'], form: null },
        { type: 'WITHDRAW', label: 'Withdraw', description: null, from: ['open', 'urgent'], to: 'done', roles: ['raiser'], form: null },
      ],
      deadlines: [
        { id: 'reply', label: 'Reply', description: 'Within five working days', satisfiedBy: 'repliedOn' },
        { id: 'lasts', label: 'How long it lasts', description: null, satisfiedBy: null },
      ],
    });
  });

  test('what a plain process leaves out reads as null, its start is labelled after its title, and it has no deadlines', () => {
    expect(describeProcess(compileProcess(plain))).toEqual({
      id: 'plain',
      title: 'Plain',
      description: null,
      version: 1,
      start: { label: 'Start: Plain', roles: ['officer'], form: null, to: ['open'] },
      states: [
        { id: 'open', label: 'Open', description: null, final: false },
        { id: 'done', label: 'Done', description: null, final: true },
      ],
      events: [{ type: 'CLOSE', label: 'Close', description: null, from: ['open'], to: 'done', roles: ['officer'], form: null }],
      deadlines: [],
    });
  });
});

describe('where an event leads', () => {
  const event = (type: string) => review.events.find((e) => e.type === type)!;

  test('its target, or its routed targets once each, whatever states it leaves', () => {
    expect(targetsOf(event('ESCALATE'), ['open'])).toEqual(['urgent']);
    expect(targetsOf(event('DECIDE'), ['open', 'urgent'])).toEqual(['done', 'urgent']);
    expect(targetsOf(event('CONFIRM'), ['urgent'])).toEqual(['done']);
  });

  test('a recording step leads back to the states it starts from', () => {
    expect(targetsOf(event('LETTER'), ['open', 'urgent'])).toEqual(['open', 'urgent']);
  });
});

describe('the edges of the statechart', () => {
  test('one per source state and target; a recording step loops on each state it starts from', () => {
    expect(edgesOf(compileProcess(review))).toEqual([
      { from: 'open', to: 'urgent', event: 'ESCALATE' },
      { from: 'open', to: 'done', event: 'DECIDE' },
      { from: 'open', to: 'urgent', event: 'DECIDE' },
      { from: 'urgent', to: 'done', event: 'DECIDE' },
      { from: 'urgent', to: 'urgent', event: 'DECIDE' },
      { from: 'urgent', to: 'done', event: 'CONFIRM' },
      { from: 'open', to: 'open', event: 'NOTE' },
      { from: 'open', to: 'open', event: 'LETTER' },
      { from: 'urgent', to: 'urgent', event: 'LETTER' },
      { from: 'open', to: 'done', event: 'WITHDRAW' },
      { from: 'urgent', to: 'done', event: 'WITHDRAW' },
    ]);
  });
});
