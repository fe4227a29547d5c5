import { transition } from 'xstate';
import {
  CREATE_EVENT,
  NEW_CASE_STATE,
  type CompiledPartnership,
  type CompiledProcess,
  type MachineEvent,
} from './catalogue.ts';
import type { Effect, IsoDate, TransitionDef } from './definition.ts';
import { PSEUDO_ROLES } from './definition.ts';
import { CalendarRangeError, compareDates, isIsoDate } from './dates/index.ts';
import {
  EventNotAllowedError,
  ForbiddenError,
  GuardRejectedError,
  ValidationFailedError,
} from './errors.ts';
import { evaluateCondition, evaluateValue, readPath, type EvalEnv } from './expressions.ts';

export interface CaseDeadline {
  id: string;
  label: string;
  due: IsoDate;
  /** The date field that meets it, or null for a deadline that only says how long something lasts. */
  satisfiedBy: string | null;
  met: boolean | null;
}

export interface CaseTask {
  id: string;
  label: string;
  done: boolean;
}

/** What the engine needs to know of a stored case; the store restores it, the engine never keeps it. */
export interface CaseState {
  state: string;
  createdBy: string;
  data: Record<string, unknown>;
  deadlines: CaseDeadline[];
  tasks: CaseTask[];
}

export interface Actor {
  username: string;
  roles: readonly string[];
}

/** The engine itself, sending the events of durable timers. */
export const SYSTEM_ACTOR: Actor = { username: PSEUDO_ROLES.system, roles: [PSEUDO_ROLES.system] };

/** One history entry to append. */
export interface Step {
  type: string;
  from: string | null;
  to: string;
  by: string;
  data: Record<string, unknown>;
}

export interface Timer {
  event: string;
  at: IsoDate;
}

export interface StartCase {
  process: string;
  state: string;
  data: Record<string, unknown>;
  relation: string;
  reverseRelation: string;
}

/** Everything a transition changes, for the store to commit in one transaction. */
export interface Decision {
  steps: Step[];
  state: string;
  data: Record<string, unknown>;
  deadlines: CaseDeadline[];
  tasks: CaseTask[];
  /** Timers pending in the new state, replacing those pending before; `keep` when the state was not re-entered. */
  timers: Timer[] | 'keep';
  startCases: StartCase[];
}

export interface EventInput {
  type: string;
  data: Record<string, unknown>;
  actor: Actor;
  today: IsoDate;
}

/** How many timer events may fire back to back in one decision: a guard against a config loop. */
const MAX_CHAINED_TIMERS = 16;

/** Which of the user's roles count here: their own, plus `raiser` on cases they created. */
export function effectiveRoles(actor: Actor, createdBy: string | null): string[] {
  return createdBy === actor.username ? [...actor.roles, PSEUDO_ROLES.raiser] : [...actor.roles];
}

export function mayAct(transitionRoles: readonly string[], roles: readonly string[]): boolean {
  return transitionRoles.some((role) => roles.includes(role));
}

/** Decides the creation of a case: the `CREATE` step and any timer already due. */
export function decideCreate(
  partnership: CompiledPartnership,
  process: CompiledProcess,
  input: Omit<EventInput, 'type'>,
): Decision {
  const { start } = process.def;
  if (!mayAct(start.roles, input.actor.roles)) {
    throw new ForbiddenError(`Your roles may not start "${process.def.title}"; it needs one of: ${start.roles.join(', ')}`);
  }
  const initial: CaseState = { state: NEW_CASE_STATE, createdBy: input.actor.username, data: {}, deadlines: [], tasks: [] };
  return decide(partnership, process, initial, start, { ...input, type: CREATE_EVENT });
}

/** Decides an event on an existing case, or throws the first refusal in the API's order. */
export function decideEvent(
  partnership: CompiledPartnership,
  process: CompiledProcess,
  current: CaseState,
  input: EventInput,
): Decision {
  const leaving = process.events.get(current.state) ?? new Map();
  const event = leaving.get(input.type);
  if (event === undefined) {
    throw new EventNotAllowedError(
      `"${input.type}" cannot be sent while the case is "${process.def.states[current.state]?.label ?? current.state}"`,
      { state: current.state, allowed: [...leaving.keys()] },
    );
  }
  if (!mayAct(event.roles, effectiveRoles(input.actor, current.createdBy))) {
    throw new ForbiddenError(`Your roles may not send "${event.label}"; it needs one of: ${event.roles.join(', ')}`);
  }
  return decide(partnership, process, current, event, input);
}

function decide(
  partnership: CompiledPartnership,
  process: CompiledProcess,
  current: CaseState,
  transitionDef: TransitionDef,
  input: EventInput,
): Decision {
  const eventData = validateForm(partnership, transitionDef.form ?? null, input.data);
  const first = applyTransition(partnership, process, current, transitionDef, input, eventData);
  return fireDueTimers(partnership, process, current.createdBy, first, input.today);
}

function validateForm(
  partnership: CompiledPartnership,
  formId: string | null,
  data: Record<string, unknown>,
): Record<string, unknown> {
  if (formId === null) {
    if (Object.keys(data).length > 0) {
      throw new ValidationFailedError('This action takes no form data; send {} as data', [
        { path: '', message: 'This action takes no form data' },
      ]);
    }
    return {};
  }
  const form = partnership.forms.get(formId);
  if (form === undefined) throw new Error(`Form "${formId}" was not loaded`);
  // Defaults are filled in place; work on a copy so the caller's object stays as sent.
  const copy = structuredClone(data);
  const problems = form.validate(copy);
  if (problems.length > 0) {
    throw new ValidationFailedError('Some answers need correcting', problems);
  }
  return copy;
}

function environment(
  partnership: CompiledPartnership,
  process: CompiledProcess,
  data: Record<string, unknown>,
  deadlines: CaseDeadline[],
  today: IsoDate,
): EvalEnv {
  return {
    data,
    dates: partnership.def.dates ?? {},
    statutoryPartners: partnership.def.statutoryPartners.map((p) => p.id),
    today,
    deadlines: deadlineDates(deadlines),
    calendar: partnership.calendar,
    conditions: process.def.conditions ?? {},
  };
}

function deadlineDates(deadlines: CaseDeadline[]): Record<string, IsoDate> {
  return Object.fromEntries(deadlines.map((d) => [d.id, d.due]));
}

/** Runs the calendar arithmetic of a rule, turning a date outside the calendar into a refusal. */
function withinCalendar<T>(run: () => T): T {
  try {
    return run();
  } catch (error) {
    if (error instanceof CalendarRangeError) {
      throw new GuardRejectedError(error.message, [{ guard: 'calendar-range', message: error.message }]);
    }
    throw error;
  }
}

function applyTransition(
  partnership: CompiledPartnership,
  process: CompiledProcess,
  current: CaseState,
  transitionDef: TransitionDef,
  input: EventInput,
  eventData: Record<string, unknown>,
): Decision {
  const data = { ...current.data, ...eventData };
  const env = environment(partnership, process, data, current.deadlines, input.today);
  return withinCalendar(() => {
    const failed = (transitionDef.guards ?? []).filter((guard) => !evaluateCondition(guard.check, env));
    if (failed.length > 0) {
      throw new GuardRejectedError(
        failed.map((g) => g.message).join(' '),
        failed.map((g) => ({ guard: g.id, message: g.message })),
      );
    }
    const to = nextState(process, current, { type: input.type, env });
    const effects = (transitionDef.effects ?? []).filter((e) => e.when === undefined || evaluateCondition(e.when, env));
    const deadlines = startDeadlines(process, effects, current.deadlines, env);
    return {
      steps: [{ type: input.type, from: current.state === NEW_CASE_STATE ? null : current.state, to, by: input.actor.username, data: eventData }],
      state: to,
      data,
      deadlines: assessDeadlines(deadlines, data),
      tasks: applyTaskEffects(partnership, process, effects, current.tasks, env),
      // A self-transition does not re-enter its state, so its pending timers stand.
      timers: to === current.state ? 'keep' : timersOf(process, to, { ...env, deadlines: deadlineDates(deadlines) }),
      startCases: startCasesOf(effects, env),
    };
  });
}

function nextState(process: CompiledProcess, current: CaseState, event: MachineEvent): string {
  const snapshot = process.machine.resolveState({ value: current.state, context: { data: current.data } });
  const [next] = transition(process.machine, snapshot, event);
  const value = next.value;
  if (typeof value !== 'string') throw new Error(`Process "${process.def.id}" reached a compound state`);
  return value;
}

function startDeadlines(process: CompiledProcess, effects: Effect[], existing: CaseDeadline[], env: EvalEnv): CaseDeadline[] {
  const byId = new Map(existing.map((d) => [d.id, d]));
  for (const effect of effects) {
    if (!('startDeadline' in effect)) continue;
    const def = process.def.deadlines?.[effect.startDeadline];
    if (def === undefined) throw new Error(`Deadline "${effect.startDeadline}" is not defined`);
    const due = evaluateValue(def.due, env);
    // A deadline measured from a date nobody has recorded cannot start yet.
    if (!isIsoDate(due)) continue;
    byId.set(effect.startDeadline, { id: effect.startDeadline, label: def.label, due, satisfiedBy: def.satisfiedBy ?? null, met: null });
  }
  return [...byId.values()];
}

/** `met`: null while the satisfying field is empty, true when on or before the due date, false when later. */
export function assessDeadlines(deadlines: CaseDeadline[], data: Record<string, unknown>): CaseDeadline[] {
  return deadlines.map((deadline) => {
    if (deadline.satisfiedBy === null) return { ...deadline, met: null };
    const value = readPath(data, deadline.satisfiedBy);
    return { ...deadline, met: isIsoDate(value) ? compareDates(value, deadline.due) <= 0 : null };
  });
}

function applyTaskEffects(
  partnership: CompiledPartnership,
  process: CompiledProcess,
  effects: Effect[],
  existing: CaseTask[],
  env: EvalEnv,
): CaseTask[] {
  const tasks = new Map(existing.map((t) => [t.id, { ...t }]));
  for (const effect of effects) {
    if ('createTasks' in effect) {
      const template = process.def.tasks?.[effect.createTasks]?.label ?? effect.createTasks;
      const items = effect.forEach === undefined ? [undefined] : toArray(evaluateValue(effect.forEach, env));
      for (const item of items) {
        const id = item === undefined ? effect.createTasks : `${effect.createTasks}-${String(item)}`;
        // A task asked for again stays as it is: a letter already written is not owed twice.
        if (!tasks.has(id)) tasks.set(id, { id, label: taskLabel(partnership, template, item), done: false });
      }
    } else if ('completeTask' in effect) {
      const key = effect.key === undefined ? undefined : evaluateValue(effect.key, env);
      const task = tasks.get(key === undefined ? effect.completeTask : `${effect.completeTask}-${String(key)}`);
      if (task !== undefined) task.done = true;
    }
  }
  return [...tasks.values()];
}

function toArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : value === undefined || value === null ? [] : [value];
}

function taskLabel(partnership: CompiledPartnership, template: string, item: unknown): string {
  const itemText = item === undefined ? '' : String(item);
  const partner = partnership.def.statutoryPartners.find((p) => p.id === item);
  return template.replaceAll('{itemLabel}', partner?.label ?? itemText).replaceAll('{item}', itemText);
}

function timersOf(process: CompiledProcess, state: string, env: EvalEnv): Timer[] {
  return (process.def.states[state]?.timers ?? []).flatMap((timer) => {
    const at = evaluateValue(timer.at, env);
    return isIsoDate(at) ? [{ event: timer.event, at }] : [];
  });
}

function startCasesOf(effects: Effect[], env: EvalEnv): StartCase[] {
  return effects.flatMap((effect) => {
    if (!('startCase' in effect)) return [];
    const { data, ...rest } = effect.startCase;
    const values = Object.entries(data).map(([key, expr]) => [key, evaluateValue(expr, env)] as const);
    return [{ ...rest, data: Object.fromEntries(values.filter(([, v]) => v !== undefined)) }];
  });
}

/**
 * A case that enters a state whose timer date has already come (a case recorded after the fact)
 * moves on at once, in the same decision, so it is committed in the same transaction.
 */
function fireDueTimers(
  partnership: CompiledPartnership,
  process: CompiledProcess,
  createdBy: string,
  decision: Decision,
  today: IsoDate,
): Decision {
  let result = decision;
  for (let i = 0; i < MAX_CHAINED_TIMERS; i++) {
    const pending = result.timers === 'keep' ? [] : result.timers;
    const due = dueTimer(pending, today);
    if (due === undefined) return result;
    const current: CaseState = { state: result.state, createdBy, data: result.data, deadlines: result.deadlines, tasks: result.tasks };
    const next = decideTimer(partnership, process, current, due.event, today);
    result = {
      ...next,
      steps: [...result.steps, ...next.steps],
      startCases: [...result.startCases, ...next.startCases],
      timers: next.timers === 'keep' ? pending.filter((t) => t !== due) : next.timers,
    };
  }
  throw new Error(`Process "${process.def.id}" fired more than ${MAX_CHAINED_TIMERS} timers in a row`);
}

/** The earliest pending timer whose date has come, if any. */
export function dueTimer(timers: Timer[], today: IsoDate): Timer | undefined {
  return [...timers].sort((a, b) => compareDates(a.at, b.at)).find((t) => compareDates(t.at, today) <= 0);
}

/** Decides the event a durable timer sends on behalf of the engine. */
export function decideTimer(
  partnership: CompiledPartnership,
  process: CompiledProcess,
  current: CaseState,
  eventType: string,
  today: IsoDate,
): Decision {
  return decideEvent(partnership, process, current, { type: eventType, data: {}, actor: SYSTEM_ACTOR, today });
}
