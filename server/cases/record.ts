import type { CompiledPartnership, CompiledProcess } from '../engine/catalogue.ts';
import { CREATE_EVENT } from '../engine/catalogue.ts';
import { isCorrection, stepsUnder, transitionOf, type FieldChange, type HistoryStep } from '../engine/project.ts';

export interface RecordEntry {
  seq: number;
  by: string;
  at: string;
  data: Record<string, unknown>;
  changes?: FieldChange[];
}

/** The answers of one kind of step, each time it was taken. */
export interface RecordGroup {
  type: string;
  label: string;
  form: string | null;
  /** A step that leaves the case where it is (an action, a letter): its entries accumulate. */
  repeatable: boolean;
  correction: boolean;
  entries: RecordEntry[];
}

/**
 * The case's answers grouped under the step that gave them, in the order each step was first
 * taken: the same field name in two steps is two answers, each under its own step, and a step
 * taken again adds an entry rather than replacing one. A migrated case's steps are each read under
 * the version they were taken under.
 */
export function recordOf(partnership: CompiledPartnership, current: CompiledProcess, history: readonly HistoryStep[]): RecordGroup[] {
  // One group per configured transition: ESCALATE from two stages is two steps with two labels.
  const groups = new Map<object, RecordGroup>();
  for (const { step, under } of stepsUnder(partnership, current, history)) {
    const { process } = under;
    const transition = transitionOf(process, step);
    if (transition === undefined || transition.form === undefined || transition.form === null) continue;
    let group = groups.get(transition);
    if (group === undefined) {
      const label = step.type === CREATE_EVENT ? (process.def.start.label ?? process.def.title) : 'label' in transition ? transition.label : step.type;
      const targets = transition.routes ?? (transition.to === undefined ? [] : [{ to: transition.to }]);
      group = {
        type: step.type,
        label,
        form: transition.form,
        repeatable: targets.length === 0 && step.type !== CREATE_EVENT,
        correction: isCorrection(transition),
        entries: [],
      };
      groups.set(transition, group);
    }
    group.entries.push({
      seq: step.seq,
      by: step.by,
      at: step.at,
      data: step.data,
      ...(step.effects.changes === undefined ? {} : { changes: step.effects.changes }),
    });
  }
  return [...groups.values()];
}
