import { resolve } from 'node:path';
import { describe, expect, test } from 'vitest';
import { loadCatalogue } from '../../server/config/index.ts';
import { CREATE_EVENT } from '../../server/engine/catalogue.ts';
import { project, type HistoryStep, type Projection } from '../../server/engine/project.ts';
import { decideEvent } from '../../server/engine/step.ts';
import { ValidationFailedError } from '../../server/engine/errors.ts';
import { deadlineView } from '../../server/engine/view.ts';
import type { IsoDate } from '../../server/engine/definition.ts';

const loaded = loadCatalogue(resolve(import.meta.dirname, '../..'));
if (!loaded.ok) throw new Error('the configuration does not load');
const partnership = loaded.catalogue.partnerships.get('rotherham')!;
const cspr = partnership.processes.get('cspr')!;
const businessUnit = { username: 'bu', roles: ['business-unit'] };

/** A case already at its action plan: the fold never refuses a step, so one recorded step stands for the walk there. */
function atActionPlan(): { history: HistoryStep[]; projection: Projection } {
  const history: HistoryStep[] = [{ seq: 1, type: CREATE_EVENT, from: null, to: 'action-plan', by: 'bu', at: '2023-03-01T10:00:00Z', data: { title: 'Child T' }, effects: {} }];
  return { history, projection: project(partnership, cspr, history)! };
}

function send(state: { history: HistoryStep[]; projection: Projection }, data: Record<string, unknown>, at: string, type = 'ACTION_UPDATED') {
  const decision = decideEvent(partnership, cspr, state.projection, { type, data, actor: businessUnit, at });
  state.history.push(...decision.steps);
  state.projection = decision.projection;
  return state;
}

const deadline = (p: Projection, id: string, today: string) => {
  const found = p.deadlines.find((d) => d.id === id);
  return found === undefined ? undefined : deadlineView(found, today as IsoDate, p.final);
};

describe('an action plan as a list of actions', () => {
  test('each action added gets the next number, its own deadline and the monitoring group of the day', () => {
    const state = send(atActionPlan(), { action: 'Audit records.', owner: 'TRFT', due: '2023-03-10', status: 'In progress' }, '2023-03-01T12:00:00Z');
    send(state, { action: 'Joint training.', owner: 'RSCP', due: '2023-09-30', status: 'not started' }, '2023-04-03T12:00:00Z');
    const actions = state.projection.data.actions as Record<string, unknown>[];
    expect(actions.map((a) => [a.id, a.status, a.open, a.monitoredBy])).toEqual([
      ['1', 'in-progress', true, 'Learning and Improvement Delivery Group'],
      ['2', 'not-started', true, 'Quality, Performance and Learning Group'],
    ]);
    expect(deadline(state.projection, 'action-due-1', '2023-04-03')).toMatchObject({ label: 'Action 1: Audit records.', due: '2023-03-10', met: null, overdue: true });
    expect(deadline(state.projection, 'action-due-2', '2023-04-03')).toMatchObject({ due: '2023-09-30', met: null, overdue: false });
    // The answers are the item's, not facts of the case.
    expect(state.projection.data).not.toHaveProperty('action');
    expect(state.projection.data).not.toHaveProperty('due');
  });

  test('an update by number or by the same wording changes that action; closing meets or misses its deadline', () => {
    const state = send(atActionPlan(), { action: 'Audit records.', owner: 'TRFT', due: '2023-03-10', status: 'in progress' }, '2023-03-01T12:00:00Z');
    send(state, { action: 'Joint training.', owner: 'RSCP', due: '2023-09-30', status: 'not started' }, '2023-03-01T12:00:00Z');
    send(state, { action: '  AUDIT records. ', owner: 'TRFT', due: '2023-03-10', status: 'complete', actionCompletedOn: '2023-03-09' }, '2023-03-20T12:00:00Z');
    send(state, { actionId: '2', action: 'Joint training.', owner: 'RSCP', due: '2023-03-15', status: 'No longer needed' }, '2023-03-20T12:00:00Z');
    const actions = state.projection.data.actions as Record<string, unknown>[];
    expect(actions).toHaveLength(2);
    expect(actions[0]).toMatchObject({ id: '1', status: 'complete', open: false, actionCompletedOn: '2023-03-09' });
    // Closed without a date: the day it was recorded. The step that closes an action does not move its due date.
    expect(actions[1]).toMatchObject({ id: '2', status: 'no-longer-needed', open: false, actionCompletedOn: '2023-03-20', due: '2023-03-15' });
    expect(deadline(state.projection, 'action-due-1', '2023-03-20')).toMatchObject({ met: true, overdue: false });
    expect(deadline(state.projection, 'action-due-2', '2023-03-20')).toMatchObject({ due: '2023-09-30', met: true });
  });

  test('a closed action keeps its due date; reopened, it is open again and its deadline with it', () => {
    const state = send(atActionPlan(), { action: 'Audit records.', owner: 'TRFT', due: '2023-03-10', status: 'complete', actionCompletedOn: '2023-03-01' }, '2023-03-01T12:00:00Z');
    send(state, { actionId: '1', action: 'Audit records.', owner: 'TRFT', due: '2023-12-31', status: 'complete' }, '2023-03-02T12:00:00Z');
    expect(deadline(state.projection, 'action-due-1', '2023-03-02')).toMatchObject({ due: '2023-03-10', met: true });
    send(state, { actionId: '1', action: 'Audit records.', owner: 'TRFT', due: '2023-12-31', status: 'Waiting for the new audit tool' }, '2023-03-03T12:00:00Z');
    const [item] = state.projection.data.actions as Record<string, unknown>[];
    expect(item).toMatchObject({ status: 'Waiting for the new audit tool', open: true });
    expect(item).not.toHaveProperty('actionCompletedOn');
    expect(deadline(state.projection, 'action-due-1', '2023-03-03')).toMatchObject({ due: '2023-12-31', met: null, overdue: false });
  });

  test('the list and its deadlines are what the history decides: replaying it gives the same case', () => {
    const state = send(atActionPlan(), { action: 'Audit records.', owner: 'TRFT', due: '2023-03-10', status: 'in progress' }, '2023-03-01T12:00:00Z');
    send(state, { actionId: '1', action: 'Audit records.', owner: 'TRFT', due: '2023-04-10', status: 'in progress' }, '2023-03-06T12:00:00Z');
    expect(state.history.at(-1)!.effects.dues).toEqual({ 'action-due-1': '2023-04-10' });
    send(state, { actionId: '1', action: 'Audit records.', owner: 'TRFT', due: '2023-04-10', status: 'complete', actionCompletedOn: '2023-03-05' }, '2023-03-06T12:00:00Z');
    expect(project(partnership, cspr, state.history)).toEqual(state.projection);
  });

  test('a completion date after today is refused, as any date that meets a deadline', () => {
    const state = atActionPlan();
    expect(() => send(state, { action: 'Audit records.', owner: 'TRFT', due: '2023-03-10', status: 'complete', actionCompletedOn: '2023-03-02' }, '2023-03-01T12:00:00Z')).toThrow(ValidationFailedError);
  });
});
