import type { CompiledProcess } from './catalogue.ts';
import type { IsoDate } from './definition.ts';
import { PSEUDO_ROLES } from './definition.ts';
import { compareDates } from './dates/index.ts';
import type { CaseDeadline } from './project.ts';
import { effectiveRoles, mayAct, type Actor } from './step.ts';

/** A deadline as people see it: overdue when today is past due, nothing has met it, and the case is open. */
export function deadlineView(deadline: CaseDeadline, today: IsoDate, caseIsFinal: boolean) {
  const overdue =
    !caseIsFinal && deadline.satisfiedBy !== null && deadline.met === null && compareDates(today, deadline.due) > 0;
  return { id: deadline.id, label: deadline.label, due: deadline.due, met: deadline.met, overdue, corrected: deadline.corrected };
}

/** The events this person may send now: those leaving the state whose roles they hold (on a closed case, corrections only). */
export function availableEvents(process: CompiledProcess, state: string, actor: Actor, createdBy: string) {
  const roles = effectiveRoles(actor, createdBy);
  // `system` is the engine's own role; no person holds it, even one named "system".
  return [...(process.events.get(state)?.values() ?? [])]
    .filter((event) => mayAct(event.roles.filter((r) => r !== PSEUDO_ROLES.system), roles))
    .map((event) => ({ type: event.type, label: event.label, form: event.form ?? null }));
}
