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
 *
 * A long form asks its questions over several pages (see pages.ts), each vetted by a dry run before
 * the next. Until the last page the dry run also names questions not yet reached; only what it says
 * about this page or an earlier one holds the person back, and they are taken to the earliest page
 * it names. A "Change" from the check returns to the check once that page is answered again.
 */

export interface FormFlowContext {
  hasForm: boolean;
  data: Record<string, unknown>;
  /** The refusal being shown: from the server, or null. */
  error: ApiError | null;
  /** The field a "Change" link asked for, to focus when the questions show again. */
  focusPath: string | null;
  /** The question page shown or being vetted, from 0. */
  page: number;
  /** Where Continue on this page goes: the next page with a question to ask, or null for the check. */
  next: number | null;
  /** Whether the page was reached by "Change" from the check, so Continue goes back there. */
  changing: boolean;
  /** The earliest page asking a question the refusal names; null when it names none the pages ask. */
  pageOf(error: ApiError): number | null;
}

export type FormFlowEvent =
  | { type: 'CHECK'; data: Record<string, unknown>; next: number | null }
  | { type: 'EDIT'; focusPath?: string; page?: number }
  | { type: 'BACK'; page: number }
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

function goesToCheck(context: FormFlowContext): boolean {
  return context.changing || context.next === null;
}

/** The page a refusal sends the person to, or null when it is about pages not yet reached. */
function pageToFix(context: FormFlowContext, error: unknown): number | null {
  const named = context.pageOf(asApiError(error));
  if (goesToCheck(context)) return named ?? context.page;
  return named !== null && named <= context.page ? named : null;
}

export const formFlowMachine = setup({
  types: {
    context: {} as FormFlowContext,
    events: {} as FormFlowEvent,
    input: {} as { hasForm: boolean; pageOf(error: ApiError): number | null },
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
  context: ({ input }) => ({
    hasForm: input.hasForm,
    data: {},
    error: null,
    focusPath: null,
    page: 0,
    next: null,
    changing: false,
    pageOf: input.pageOf,
  }),
  initial: 'start',
  states: {
    start: {
      always: [{ guard: 'hasForm', target: 'editing' }, { target: 'checking' }],
    },
    editing: {
      on: {
        CHECK: {
          target: 'vetting',
          actions: assign({ data: ({ event }) => event.data, next: ({ event }) => event.next, error: null, focusPath: null }),
        },
        BACK: { target: 'editing', actions: assign({ page: ({ event }) => event.page, changing: false, error: null, focusPath: null }) },
      },
    },
    vetting: {
      invoke: {
        src: 'check',
        input: ({ context }) => ({ data: context.data }),
        onDone: [
          { guard: ({ context }) => goesToCheck(context), target: 'checking' },
          { target: 'editing', actions: assign({ page: ({ context }) => context.next ?? context.page }) },
        ],
        onError: [
          {
            guard: ({ event, context }) => isAboutTheAnswers(event.error) && pageToFix(context, event.error) !== null,
            target: 'editing',
            // Sent back from the way to the check, the person returns there once the page is put right.
            actions: assign({
              error: ({ event }) => asApiError(event.error),
              page: ({ event, context }) => pageToFix(context, event.error)!,
              changing: ({ context }) => goesToCheck(context),
            }),
          },
          // About pages not reached yet, or the server could not answer: the person goes on.
          { guard: ({ context }) => goesToCheck(context), target: 'checking' },
          { target: 'editing', actions: assign({ page: ({ context }) => context.next ?? context.page }) },
        ],
      },
    },
    checking: {
      on: {
        SUBMIT: 'submitting',
        EDIT: {
          guard: 'hasForm',
          target: 'editing',
          actions: assign({
            focusPath: ({ event }) => event.focusPath ?? null,
            page: ({ event, context }) => event.page ?? context.page,
            changing: true,
            error: null,
          }),
        },
        BACK: { guard: 'hasForm', target: 'editing', actions: assign({ page: ({ event }) => event.page, changing: false }) },
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
            actions: assign({
              error: ({ event }) => asApiError(event.error),
              page: ({ event, context }) => context.pageOf(asApiError(event.error)) ?? context.page,
              changing: true,
            }),
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
        BACK: { guard: 'hasForm', target: 'editing', actions: assign({ page: ({ event }) => event.page, changing: false, error: null }) },
      },
    },
    failed: {
      on: {
        SUBMIT: 'submitting',
        EDIT: { guard: 'hasForm', target: 'editing', actions: assign({ error: null }) },
        BACK: { guard: 'hasForm', target: 'editing', actions: assign({ page: ({ event }) => event.page, changing: false, error: null }) },
      },
    },
    done: { type: 'final' },
  },
});
