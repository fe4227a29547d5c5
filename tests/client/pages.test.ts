/**
 * Long forms a page at a time: which questions share a page, and how the guided flow moves between
 * pages, vetting each with the dry run and going back to the earliest page a refusal names.
 */
import { describe, expect, test } from 'vitest';
import { createActor, fromPromise, waitFor } from 'xstate';
import { ApiError, ERROR_CODES } from '../../client/src/api.ts';
import type { Field } from '../../client/src/forms/fields.ts';
import { formFlowMachine } from '../../client/src/forms/formFlowMachine.ts';
import { pageAsking, pagesOf, SHORT_FORM } from '../../client/src/forms/pages.ts';

const question = (name: string): Field => ({ kind: 'text', multiline: false, name, path: name, label: name, required: false, minItems: 0 });
const names = (pages: ReturnType<typeof pagesOf>) => pages.map((page) => [page.title, page.fields.map((field) => field.name)]);

describe('the pages of a form', () => {
  test('a short form is one page', () => {
    const fields = Array.from({ length: SHORT_FORM }, (_, index) => question(`q${index}`));
    expect(pagesOf(fields, null, new Set())).toHaveLength(1);
  });

  test('a long form without groups asks one question per page; a question shown under a choice goes with it', () => {
    const fields = Array.from({ length: SHORT_FORM + 2 }, (_, index) => question(`q${index}`));
    const pages = pagesOf(fields, null, new Set(['q1']));
    expect(pages).toHaveLength(SHORT_FORM + 1);
    expect(pageAsking(pages, 'q1', (name) => (name === 'q1' ? 'q0.choice' : undefined))).toBe(0);
    expect(pageAsking(pages, 'q2', () => undefined)).toBe(1);
  });

  test('groups are pages in the order their first question comes; a question no group names has a page of its own', () => {
    const fields = ['a', 'b', 'c', 'd'].map(question);
    const ui = { groups: [{ title: 'Second', questions: ['b', 'd'] }, { title: 'First', questions: ['a'] }] };
    expect(names(pagesOf(fields, ui, new Set()))).toEqual([['First', ['a']], ['Second', ['b', 'd']], [undefined, ['c']]]);
  });
});

function pagedFlow(check: (data: Record<string, unknown>) => Promise<unknown>, pageOf: (error: ApiError) => number | null) {
  const machine = formFlowMachine.provide({
    actors: {
      check: fromPromise<unknown, { data: Record<string, unknown> }>(({ input }) => check(input.data)),
      submit: fromPromise<unknown, { data: Record<string, unknown> }>(async () => ({ id: 'case' })),
    },
  });
  return createActor(machine, { input: { hasForm: true, pageOf } }).start();
}

const refusal = new ApiError(422, ERROR_CODES.validationFailed, 'Some answers need correcting', [{ path: '/later', message: 'Enter later' }]);

describe('the guided flow over pages', () => {
  test('what the dry run says about a page not reached yet does not hold the person back', async () => {
    const actor = pagedFlow(async () => Promise.reject(refusal), () => 2);
    actor.send({ type: 'CHECK', data: { first: 'x' }, next: 1 });
    await waitFor(actor, (s) => s.value === 'editing' && s.context.page === 1);
    expect(actor.getSnapshot().context.error).toBeNull();
  });

  test('at the last page a refusal sends the person to the page it names, and from there back to the check', async () => {
    // A rule that reads answers on both pages refuses once both are given: about the first page's.
    const actor = pagedFlow(async (data) => (data.second === 'y' && data.first === 'x' ? Promise.reject(refusal) : { ok: true }), () => 0);
    actor.send({ type: 'CHECK', data: { first: 'x' }, next: 1 });
    await waitFor(actor, (s) => s.value === 'editing' && s.context.page === 1);
    actor.send({ type: 'CHECK', data: { first: 'x', second: 'y' }, next: null });
    await waitFor(actor, (s) => s.value === 'editing' && s.context.page === 0 && s.context.error !== null);
    actor.send({ type: 'CHECK', data: { first: 'z', second: 'y' }, next: 1 });
    await waitFor(actor, (s) => s.value === 'checking');
  });

  test('Back goes to the page asked for; Change goes to its page and Continue returns to the check', async () => {
    const actor = pagedFlow(async () => ({ ok: true }), () => null);
    actor.send({ type: 'CHECK', data: {}, next: 1 });
    await waitFor(actor, (s) => s.context.page === 1 && s.value === 'editing');
    actor.send({ type: 'BACK', page: 0 });
    expect(actor.getSnapshot().context.page).toBe(0);
    actor.send({ type: 'CHECK', data: {}, next: 1 });
    await waitFor(actor, (s) => s.context.page === 1 && s.value === 'editing');
    actor.send({ type: 'CHECK', data: {}, next: null });
    await waitFor(actor, (s) => s.value === 'checking');
    actor.send({ type: 'EDIT', focusPath: 'first', page: 0 });
    expect(actor.getSnapshot()).toMatchObject({ value: 'editing', context: { page: 0, focusPath: 'first' } });
    actor.send({ type: 'CHECK', data: {}, next: 1 });
    await waitFor(actor, (s) => s.value === 'checking');
    actor.send({ type: 'BACK', page: 1 });
    expect(actor.getSnapshot()).toMatchObject({ value: 'editing', context: { page: 1 } });
  });
});
