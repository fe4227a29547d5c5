import { routesOf, type CompiledProcess } from './catalogue.ts';
import type { EventDef, IsoDate } from './definition.ts';
import { PSEUDO_ROLES } from './definition.ts';
import { compareDates } from './dates/index.ts';
import type { CaseDeadline } from './project.ts';
import { evaluateCondition, type EvalEnv } from './expressions.ts';
import { effectiveRoles, mayAct, type Actor } from './step.ts';
import { eventsCompleting, taskDefinitionOf } from './waiting.ts';

/** A deadline as people see it: overdue when today is past due, nothing has met it, and the case is open. */
export function deadlineView(deadline: CaseDeadline, today: IsoDate, caseIsFinal: boolean) {
  const overdue =
    !caseIsFinal && deadline.satisfiedBy !== null && deadline.met === null && compareDates(today, deadline.due) > 0;
  return { id: deadline.id, label: deadline.label, due: deadline.due, met: deadline.met, overdue, corrected: deadline.corrected };
}

/** What the view knows of the case, beyond its state, to warn before an event: its tasks and the environment its rules read. */
export interface CaseContext {
  tasks?: readonly OpenTask[];
  env?: EvalEnv;
}

/** The events this person may send now: those leaving the state whose roles they hold (on a closed case, corrections and follow-ups). */
export function availableEvents(process: CompiledProcess, state: string, actor: Actor, createdBy: string, context: CaseContext = {}) {
  const roles = effectiveRoles(actor, createdBy);
  // `system` is the engine's own role; no person holds it, even one named "system".
  return [...(process.events.get(state)?.values() ?? [])]
    .filter((event) => mayAct(event.roles.filter((r) => r !== PSEUDO_ROLES.system), roles))
    .map((event) => {
      const warnings = [
        ...(context.env === undefined ? [] : (event.warnings ?? []).filter((w) => evaluateCondition(w.when, context.env!)).map((w) => w.message)),
        ...[closingWarning(process, event, context.tasks ?? [])].filter((w): w is string => w !== undefined),
      ];
      return { type: event.type, label: event.label, form: event.form ?? null, ...(warnings.length === 0 ? {} : { warnings }) };
    });
}

export interface OpenTask {
  id: string;
  label: string;
  done: boolean;
}

/**
 * Said before an event that can only close the case while tasks are open: which, and whether they
 * can still be recorded afterwards (a follow-up event leaves the closed state and completes them).
 */
function closingWarning(process: CompiledProcess, event: EventDef, tasks: readonly OpenTask[]): string | undefined {
  const open = tasks.filter((t) => !t.done);
  const targets = routesOf(event).map((r) => r.to);
  if (open.length === 0 || targets.length === 0 || !targets.every((to) => process.def.states[to]?.final === true)) return undefined;
  const doableAfter = (task: OpenTask) => {
    const definition = taskDefinitionOf(process, task.id);
    const completing = definition === undefined ? [] : eventsCompleting(process, definition);
    return targets.every((to) => completing.some((e) => process.events.get(to)?.get(e.type) === e));
  };
  const labels = open.map((t) => t.label).join('; ');
  const count = open.length === 1 ? '1 task' : `${open.length} tasks`;
  return open.every(doableAfter)
    ? `This closes the case with ${count} still open: ${labels}. ${open.length === 1 ? 'It' : 'They'} can still be recorded after it closes.`
    : `This closes the case with ${count} still open: ${labels}. Once it is closed ${open.length === 1 ? 'it' : 'they'} cannot be recorded here.`;
}
