import { beforeAll, describe, expect, test } from 'vitest';
import { recordOf } from '../../server/cases/record.ts';
import { project, type HistoryStep } from '../../server/engine/project.ts';
import { decideEvent } from '../../server/engine/step.ts';
import type { CaseHistory } from '../../server/store/reports.ts';
import { YEAR_PARTNERSHIP, yearThroughEngine } from '../support/annual-year.ts';
import { shippedCatalogue } from '../support/catalogue.ts';

/**
 * The case record: each case's answers under the step that gave them, over the cases of the year of
 * tests/support/annual-year.ts driven through the engine alone.
 */
const partnership = shippedCatalogue().partnerships.get(YEAR_PARTNERSHIP)!;
let year: Map<string, CaseHistory>;
beforeAll(async () => {
  year = await yearThroughEngine(partnership);
});

const recordOfCase = (key: string, steps?: HistoryStep[]) => {
  const history = year.get(key)!;
  return recordOf(partnership, partnership.processes.get(history.process)!, steps ?? history.steps);
};

describe('the case record', () => {
  test("one group per step in the order each was first taken, headed by the step's label, each entry with who, when and the answers", () => {
    const record = recordOfCase('V2');
    const process = partnership.processes.get('veto-review')!;
    expect(record.map((g) => g.type)).toEqual(['CREATE', 'SCHEDULE', 'REVIEW', 'CLOSE']);
    expect(record[0]).toMatchObject({ label: process.def.start.label ?? process.def.title, form: process.def.start.form, repeatable: false, correction: false });
    expect(record[1]!.label).toBe(process.def.events.find((e) => e.type === 'SCHEDULE')!.label);
    expect(record.every((g) => g.entries.length === 1)).toBe(true);
    expect(record[2]!.entries[0]).toEqual({ seq: 3, by: `${YEAR_PARTNERSHIP}.practice-standards-group`, at: '2022-07-01T12:00:00.000Z', data: { outcome: 'agrees-with-veto', advice: 'Advice' } });
    expect(record[0]!.entries[0]!.data).toMatchObject({ conferenceDate: '2022-06-06', vetoEffect: 'remains-subject-to-plan' });
    expect(record[0]!.entries[0]).not.toHaveProperty('changes');
  });

  test('a step that leaves the case where it is accumulates entries; one that moves it does not repeat', () => {
    const record = recordOfCase('S1');
    const actions = record.filter((g) => g.type === 'ACTION_UPDATED');
    expect(actions).toHaveLength(1);
    expect(actions[0]).toMatchObject({ repeatable: true, correction: false });
    expect(actions[0]!.entries.map((e) => e.data.action)).toEqual(['Audit transfers between areas', 'Train health visitors', 'Audit transfers between areas']);
    expect(actions[0]!.entries.map((e) => e.seq)).toEqual([...actions[0]!.entries.map((e) => e.seq)].sort((a, b) => a - b));
    expect(record.filter((g) => g.type !== 'ACTION_UPDATED').every((g) => !g.repeatable)).toBe(true);
  });

  test('the same event from two stages is two steps, each under its own label', () => {
    const escalations = recordOfCase('D3').filter((g) => g.type === 'ESCALATE');
    expect(escalations).toHaveLength(2);
    expect(escalations[0]!.label).not.toBe(escalations[1]!.label);
    expect(escalations.map((g) => g.entries[0]!.by)).toEqual([`${YEAR_PARTNERSHIP}.executive-group`, `${YEAR_PARTNERSHIP}.independent-chair`]);
  });

  test('a correction is its own group, marked as one, with what it changed', () => {
    const history = year.get('S1')!;
    const process = partnership.processes.get('cspr')!;
    const current = project(partnership, process, history.steps)!;
    const corrected = decideEvent(partnership, process, current, {
      type: 'CORRECT_DATES',
      data: { reason: 'Typed wrongly', awareOn: '2022-03-29' },
      actor: { username: `${YEAR_PARTNERSHIP}.business-unit`, roles: ['business-unit'] },
      at: '2023-04-06T12:00:00.000Z',
    });
    const record = recordOfCase('S1', [...history.steps, ...corrected.steps]);
    const correction = record.at(-1)!;
    expect(correction).toMatchObject({ type: 'CORRECT_DATES', correction: true, repeatable: true });
    expect(correction.entries[0]!.changes).toEqual([expect.objectContaining({ field: 'awareOn', from: '2022-03-28', to: '2022-03-29' })]);
    // The first answer stays where it was given.
    expect(record[0]!.entries[0]!.data.awareOn).toBe('2022-03-28');
  });
});
