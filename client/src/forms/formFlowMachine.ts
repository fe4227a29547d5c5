import { assign, fromPromise, setup } from 'xstate';
import { ApiError, ERROR_CODES } from '../api.ts';

/**
 * The guided flow of every form: answer the questions, have the server's rules look at them (a dry
 * run that stores nothing), check the answers, send them. A dry run that finds a problem with the
 * answers keeps the person at the questions; one that cannot answer (offline, a server error) lets
 * them go on, as the sending checks everything again. A refusal that
 * is about the answers (validation or a guard) returns to the questions with the reasons; a version
 * conflict keeps the answers and asks the person to look again at the refreshed case; anything else
 * is an error they can retry. Events without a form start at the check (a confirmation).
 */

export interface FormFlowContext {
  hasForm: boolean;
  data: Record<string, unknown>;
  /** The refusal being shown: from the server, or null. */
  error: ApiError | null;
  /** The field a "Change" link asked for, to focus when the questions show again. */
  focusPath: string | null;
}

export type FormFlowEvent =
  | { type: 'CHECK'; data: Record<string, unknown> }
  | { type: 'EDIT'; focusPath?: string }
  | { type: 'SUBMIT' };

function isAboutTheAnswers(error: unknown): boolean {
  return error instanceof ApiError && (error.code === ERROR_CODES.validationFailed || error.code === ERROR_CODES.guardRejected);
}

function isConflict(error: unknown): boolean {
  return error instanceof ApiError && error.code === ERROR_CODES.versionConflict;
}

function asApiError(error: unknown): ApiError {
  return error instanceof ApiError ? error : new ApiError(0, 'client_error', String(error));
}

export const formFlowMachine = setup({
  types: {
    context: {} as FormFlowContext,
    events: {} as FormFlowEvent,
    input: {} as { hasForm: boolean },
  },
  actors: {
    // Replaced by the page with `provide`: starting a case and sending an event post differently.
    submit: fromPromise<unknown, { data: Record<string, unknown> }>(async () => {
      throw new Error('formFlowMachine needs a submit actor');
    }),
    check: fromPromise<unknown, { data: Record<string, unknown> }>(async () => {
      throw new Error('formFlowMachine needs a check actor');
    }),
  },
  guards: {
    hasForm: ({ context }) => context.hasForm,
  },
}).createMachine({
  id: 'formFlow',
  context: ({ input }) => ({ hasForm: input.hasForm, data: {}, error: null, focusPath: null }),
  initial: 'start',
  states: {
    start: {
      always: [{ guard: 'hasForm', target: 'editing' }, { target: 'checking' }],
    },
    editing: {
      on: {
        CHECK: { target: 'vetting', actions: assign({ data: ({ event }) => event.data, error: null, focusPath: null }) },
      },
    },
    vetting: {
      invoke: {
        src: 'check',
        input: ({ context }) => ({ data: context.data }),
        onDone: 'checking',
        onError: [
          { guard: ({ event }) => isAboutTheAnswers(event.error), target: 'editing', actions: assign({ error: ({ event }) => asApiError(event.error) }) },
          { target: 'checking' },
        ],
      },
    },
    checking: {
      on: {
        SUBMIT: 'submitting',
        EDIT: {
          guard: 'hasForm',
          target: 'editing',
          actions: assign({ focusPath: ({ event }) => event.focusPath ?? null, error: null }),
        },
      },
    },
    submitting: {
      invoke: {
        src: 'submit',
        input: ({ context }) => ({ data: context.data }),
        onDone: 'done',
        onError: [
          {
            guard: ({ event, context }) => context.hasForm && isAboutTheAnswers(event.error),
            target: 'editing',
            actions: assign({ error: ({ event }) => asApiError(event.error) }),
          },
          { guard: ({ event }) => isConflict(event.error), target: 'conflict', actions: assign({ error: ({ event }) => asApiError(event.error) }) },
          { target: 'failed', actions: assign({ error: ({ event }) => asApiError(event.error) }) },
        ],
      },
    },
    conflict: {
      on: {
        SUBMIT: 'submitting',
        EDIT: { guard: 'hasForm', target: 'editing', actions: assign({ error: null }) },
      },
    },
    failed: {
      on: {
        SUBMIT: 'submitting',
        EDIT: { guard: 'hasForm', target: 'editing', actions: assign({ error: null }) },
      },
    },
    done: { type: 'final' },
  },
});
