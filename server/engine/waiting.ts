/**
 * Who a case waits for, and by when: read from the process definition alone (no partnership,
 * process or state is named here).
 *
 * A case waits for the roles whose events move it on from its state: events that leave it for
 * another state (a `to`, or `routes`). Side steps are left out:
 * - events that keep the case where it is (recording a letter, a communication, a progress check);
 * - corrections (`corrects`), which change the record, never the stage;
 * - events allowed from every state (`from: "*"`, such as withdrawing), which are always possible
 *   and so say nothing about what this stage needs;
 * - the engine's own `system` role (its timers): nobody can be asked to act for it.
 * A final state waits for nobody.
 */
import { routesOf, type CompiledProcess } from './catalogue.ts';
import { PSEUDO_ROLES, type EventDef, type IsoDate, type PartnershipDef } from './definition.ts';
import { compareDates } from './dates/index.ts';
import type { CaseDeadline, CaseTask } from './project.ts';

export interface WaitingRole {
  role: string;
  label: string;
}

export interface NextDeadline {
  id: string;
  label: string;
  due: IsoDate;
  overdue: boolean;
}

/** How the pseudo-role `raiser` reads in a sentence. */
export const RAISER_LABEL = 'the person who raised it';

/** The events that move a case on from `state`, side steps left out (see the module comment). */
export function forwardEvents(process: CompiledProcess, state: string): EventDef[] {
  if (process.def.states[state]?.final === true) return [];
  return [...(process.events.get(state)?.values() ?? [])].filter(
    (event) => event.corrects === undefined && event.from !== '*' && routesOf(event).some((route) => route.to !== state),
  );
}

/** The roles (and perhaps `raiser`) whose events move the case on from `state`, in the order the events name them. */
export function waitingRoles(process: CompiledProcess, state: string): string[] {
  const roles = forwardEvents(process, state).flatMap((event) => event.roles.filter((role) => role !== PSEUDO_ROLES.system));
  return [...new Set(roles)];
}

/** A role's label as the partnership names it; `raiser` as "the person who raised it". */
export function roleLabel(partnership: PartnershipDef, role: string): string {
  if (role === PSEUDO_ROLES.raiser) return RAISER_LABEL;
  return partnership.roles.find((r) => r.id === role)?.label ?? role;
}

/** Who the case waits for in `state`: empty on a final state. */
export function waitingFor(partnership: PartnershipDef, process: CompiledProcess, state: string): WaitingRole[] {
  return waitingRoles(process, state).map((role) => ({ role, label: roleLabel(partnership, role) }));
}

/**
 * The open deadline due soonest (ties by id): one nothing has met yet and that something can meet
 * (a deadline that only says how long something lasts is never "next"). None on a finished case.
 */
export function nextDeadline(deadlines: readonly CaseDeadline[], today: IsoDate, caseIsFinal: boolean): NextDeadline | null {
  if (caseIsFinal) return null;
  const open = deadlines
    .filter((d) => d.met === null && d.satisfiedBy !== null)
    .sort((a, b) => compareDates(a.due, b.due) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const next = open[0];
  if (next === undefined) return null;
  return { id: next.id, label: next.label, due: next.due, overdue: compareDates(today, next.due) > 0 };
}

/**
 * The task definition a case's task comes from: its id is the definition's, or the definition's
 * followed by `-<item>` for a task made per item (one letter per absent partner).
 */
export function taskDefinitionOf(process: CompiledProcess, taskId: string): string | undefined {
  return Object.keys(process.def.tasks ?? {})
    .filter((id) => taskId === id || taskId.startsWith(`${id}-`))
    .sort((a, b) => b.length - a.length)[0];
}

/** The events that complete a task (an effect `completeTask` naming its definition). */
export function eventsCompleting(process: CompiledProcess, taskDefinition: string): EventDef[] {
  return process.def.events.filter((event) =>
    (event.effects ?? []).some((effect) => 'completeTask' in effect && effect.completeTask === taskDefinition),
  );
}

export interface TaskView extends CaseTask {
  /** Who can record it done: the roles of the events that complete it (`raiser` as "the person who raised it"). */
  whose: WaitingRole[];
  /** The events that record it, for a link to the form. */
  recordedBy: { type: string; label: string }[];
}

/** A case's tasks with whose they are, derived from the events that complete them. */
export function taskViews(partnership: PartnershipDef, process: CompiledProcess, tasks: readonly CaseTask[]): TaskView[] {
  return tasks.map((task) => {
    const definition = taskDefinitionOf(process, task.id);
    const events = definition === undefined ? [] : eventsCompleting(process, definition);
    const roles = [...new Set(events.flatMap((e) => e.roles.filter((role) => role !== PSEUDO_ROLES.system)))];
    return {
      ...task,
      whose: roles.map((role) => ({ role, label: roleLabel(partnership, role) })),
      recordedBy: [...new Map(events.map((e) => [e.type, { type: e.type, label: e.label }])).values()],
    };
  });
}
