import { resolve } from 'node:path';
import { expect, test } from 'vitest';
import { loadCatalogue } from '../../server/config/index.ts';
import { compileProcess } from '../../server/engine/catalogue.ts';
import type { IsoDate } from '../../server/engine/definition.ts';
import { environment } from '../../server/engine/project.ts';
import { availableEvents } from '../../server/engine/view.ts';

const loaded = loadCatalogue(resolve(import.meta.dirname, '../..'));
if (!loaded.ok) throw new Error('the configuration does not load');
const processOf = (p: string, proc: string) => loaded.catalogue.partnerships.get(p)!.processes.get(proc)!;
const as = (roles: string[]) => ({ username: 'someone', roles });

test('closing with a task open warns first, saying whether it can still be recorded after', () => {
  const dispute = processOf('merton', 'dispute-resolution');
  const letter = { id: 'write-to-accountable-officer-met-police', label: "Write to the Metropolitan Police Service's accountable officer", done: false };
  const atArbitration = availableEvents(dispute, 'stage-2-arbitration', as(['independent-person']), 'raiser', { tasks: [letter] });
  expect(atArbitration.find((e) => e.type === 'AGREED')?.warnings).toEqual([
    `This closes the case with 1 task still open: ${letter.label}. It can still be recorded after it closes.`,
  ]);
  // Escalating moves on to an open stage: nothing to warn about, and nothing when the task is done.
  expect(atArbitration.find((e) => e.type === 'UNRESOLVED')).not.toHaveProperty('warnings');
  expect(availableEvents(dispute, 'stage-2-arbitration', as(['independent-person']), 'raiser', { tasks: [{ ...letter, done: true }] }).find((e) => e.type === 'AGREED')).not.toHaveProperty('warnings');
  // Once resolved, the letter is a follow-up the Independent Person can still record.
  expect(availableEvents(dispute, 'resolved', as(['independent-person']), 'raiser', { tasks: [letter] }).map((e) => e.type)).toEqual(['LETTER_SENT']);

  const cspr = processOf('rotherham', 'cspr');
  const tellFamily = { id: 'tell-family-decision', label: 'Communicate the decision and its rationale to the family', done: false };
  const deciding = availableEvents(cspr, 'awaiting-decision', as(['independent-chair']), 'raiser', { tasks: [tellFamily] });
  // DECIDE may close the case or move it on, so it does not only close: no warning.
  expect(deciding.find((e) => e.type === 'DECIDE')).not.toHaveProperty('warnings');
  // The family is still told of a decision after the case closes: the communication event is a follow-up there too.
  const closingPlan = availableEvents(cspr, 'action-plan', as(['business-unit']), 'raiser', { tasks: [tellFamily] });
  expect(closingPlan.find((e) => e.type === 'ACTIONS_COMPLETE')?.warnings).toEqual([
    `This closes the case with 1 task still open: ${tellFamily.label}. It can still be recorded after it closes.`,
  ]);
  // A process whose task nothing completes once closed: the warning says so.
  const plain = compileProcess({
    id: 'plain',
    title: 'Plain',
    version: 1,
    access: { read: { roles: ['business-unit'] } },
    start: { roles: ['business-unit'], to: 'open' },
    states: { open: { label: 'Open' }, closed: { label: 'Closed', final: true } },
    tasks: { 'send-letter': { label: 'Send the letter' } },
    events: [
      { type: 'LETTER_SENT', label: 'Record the letter', from: ['open'], roles: ['business-unit'], effects: [{ completeTask: 'send-letter' }] },
      { type: 'CLOSE', label: 'Close', from: ['open'], roles: ['business-unit'], to: 'closed' },
    ],
  });
  const owed = { id: 'send-letter', label: 'Send the letter', done: false };
  expect(availableEvents(plain, 'open', as(['business-unit']), 'raiser', { tasks: [owed] }).find((e) => e.type === 'CLOSE')?.warnings).toEqual([
    'This closes the case with 1 task still open: Send the letter. Once it is closed it cannot be recorded here.',
  ]);
});

test("a process's own warnings are said before the event when the case's answers call for them, and never refuse it", () => {
  const partnership = loaded.catalogue.partnerships.get('leicester')!;
  const scr = partnership.processes.get('scr-transition')!;
  const publishing = (completeButUnpublished: boolean) =>
    availableEvents(scr, 'partners-considering', as(['business-unit']), 'raiser', {
      env: environment(partnership, scr, { completeButUnpublished }, [], '2023-06-01' as IsoDate),
    }).find((e) => e.type === 'PUBLISH_AS_LSCB_REVIEW')!;
  expect(publishing(false).warnings).toEqual([expect.stringContaining('The handover said this SCR was not complete')]);
  expect(publishing(true)).not.toHaveProperty('warnings');
});
