/**
 * The guided flow around the dry run: a refusal about the answers keeps the person at the questions;
 * a dry run that cannot answer lets them go on to check their answers, since sending checks again.
 */
import { describe, expect, test } from 'vitest';
import { createActor, fromPromise, waitFor } from 'xstate';
import { ApiError, ERROR_CODES } from '../../client/src/api.ts';
import { formFlowMachine } from '../../client/src/forms/formFlowMachine.ts';

function flowWhoseCheck(check: () => Promise<unknown>) {
  const machine = formFlowMachine.provide({
    actors: {
      check: fromPromise<unknown, { data: Record<string, unknown> }>(check),
      submit: fromPromise<unknown, { data: Record<string, unknown> }>(async () => ({ id: 'case' })),
    },
  });
  const actor = createActor(machine, { input: { hasForm: true, pageOf: () => 0 } }).start();
  actor.send({ type: 'CHECK', data: { summary: 'A dispute' }, next: null });
  return actor;
}

describe('the dry run at the question', () => {
  test('accepted, the answers go to "Check your answers"', async () => {
    const actor = flowWhoseCheck(async () => ({ ok: true }));
    expect(actor.getSnapshot().value).toBe('vetting');
    await waitFor(actor, (s) => s.value === 'checking');
    expect(actor.getSnapshot().context.data).toEqual({ summary: 'A dispute' });
  });

  test.each([ERROR_CODES.guardRejected, ERROR_CODES.validationFailed])('refused (%s), the questions show again with the reasons', async (code) => {
    const refusal = new ApiError(422, code, 'Not quorate', [{ guard: 'quorate', message: 'Not quorate', paths: ['/attendees'], dates: [] }]);
    const actor = flowWhoseCheck(async () => Promise.reject(refusal));
    await waitFor(actor, (s) => s.value === 'editing');
    expect(actor.getSnapshot().context.error).toBe(refusal);
  });

  test.each([
    ['offline', new ApiError(0, ERROR_CODES.network, 'The service could not be reached.')],
    ['a server error', new ApiError(500, 'http_500', 'Internal error')],
    ['a changed case', new ApiError(409, ERROR_CODES.versionConflict, 'Changed', { currentVersion: 3 })],
  ])('%s does not stop the person: they go on to check, and the sending decides', async (_what, failure) => {
    const actor = flowWhoseCheck(async () => Promise.reject(failure));
    await waitFor(actor, (s) => s.value === 'checking');
    expect(actor.getSnapshot().context.error).toBeNull();
  });
});
