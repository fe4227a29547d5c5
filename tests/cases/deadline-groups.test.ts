import { describe, expect, test } from 'vitest';
import { deadlineGroupLabel, deadlineOf } from '../../server/cases/deadline-groups.ts';
import type { ProcessDef } from '../../server/engine/definition.ts';

/** Which declared deadline a case's deadline is one of, and what reports call it. */
const def = {
  deadlines: {
    'final-report': { label: 'Receive the final report' },
    'action-due': { label: 'Action {item}: {item.action}', each: 'actions' },
    'letter-due': { label: 'Letter to {item}', each: 'letters' },
  },
  lists: { actions: { label: 'Action plan' } },
} as unknown as ProcessDef;

describe('deadline groups', () => {
  test("a declared deadline is itself; an item's is the one declared for each item; anything else stays as it is", () => {
    expect(deadlineOf(def, 'final-report')).toBe('final-report');
    expect(deadlineOf(def, 'action-due-3')).toBe('action-due');
    expect(deadlineOf(def, 'letter-due-met-police')).toBe('letter-due');
    // Only a deadline declared for each item has items: final-report-2 is not one of final-report.
    expect(deadlineOf(def, 'final-report-2')).toBe('final-report-2');
    // The item's key follows a dash.
    expect(deadlineOf(def, 'action-due3')).toBe('action-due3');
    expect(deadlineOf(def, 'unknown')).toBe('unknown');
    expect(deadlineOf({} as ProcessDef, 'action-due-1')).toBe('action-due-1');
  });

  test("labels: a deadline's own, or for one per item the list's name; none for one not declared", () => {
    expect(deadlineGroupLabel(def, 'final-report')).toBe('Receive the final report');
    expect(deadlineGroupLabel(def, 'action-due')).toBe("Action plan: each item's deadline");
    // A list the process does not describe is named by its id.
    expect(deadlineGroupLabel(def, 'letter-due')).toBe("letters: each item's deadline");
    expect(deadlineGroupLabel({ deadlines: def.deadlines } as ProcessDef, 'action-due')).toBe("actions: each item's deadline");
    expect(deadlineGroupLabel(def, 'unknown')).toBeUndefined();
    expect(deadlineGroupLabel({} as ProcessDef, 'final-report')).toBeUndefined();
  });
});
