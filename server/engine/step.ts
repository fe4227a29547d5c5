/**
 * Deciding a step: given a case as its history decides it (a `Projection`) and what a person asks,
 * either refuse (in the API's order of refusals) or return the new history entries and the case
 * they make. Pure: the caller supplies the instant, and commits what comes back.
 */
import { transition } from 'xstate';
import { CREATE_EVENT, NEW_CASE_STATE, type CompiledPartnership, type CompiledProcess, type MachineEvent } from './catalogue.ts';
import type { EventDef, IsoDate, TransitionDef } from './definition.ts';
import { PSEUDO_ROLES } from './definition.ts';
import { CalendarRangeError, compareDates, isIsoDate } from './dates/index.ts';
import { EventNotAllowedError, ForbiddenError, GuardRejectedError, ValidationFailedError, type FieldProblem } from './errors.ts';
import { evaluateCondition, evaluateValue, isPresent } from './expressions.ts';
import { explainFailure, type GuardRefusal } from './explain.ts';
import { itemAnswers } from './lists.ts';
import { countedFrom, factsOf, fieldsOfValue } from './facts.ts';
import {
  applyStep,
  CALENDAR_CHANGED_EVENT,
  environment,
  isCorrection,
  stepDate,
  type FieldChange,
  type HistoryStep,
  type Projection,
  type Timer,
} from './project.ts';

export interface Actor {
  username: string;
  roles: readonly string[];
}

/** The engine itself, sending the events of durable timers. */
export const SYSTEM_ACTOR: Actor = { username: PSEUDO_ROLES.system, roles: [PSEUDO_ROLES.system] };

export interface StartCase {
  process: string;
  state: string;
  data: Record<string, unknown>;
  relation: string;
  reverseRelation: string;
  /** The `seq` of the step that starts it, whose `effects.startedCases` will name it. */
  startedBy: number;
}

/** Everything a transition changes, for the store to commit in one transaction. */
export interface Decision {
  /** New history entries, `seq` numbered after the case's last. */
  steps: HistoryStep[];
  /** The case after them. */
  projection: Projection;
  /** Linked cases to create; the caller names them on the step that started them. */
  startCases: StartCase[];
}

export interface EventInput {
  type: string;
  data: Record<string, unknown>;
  actor: Actor;
  /** The instant of the step (ISO, UTC); "today" is its date in the partnership's time zone. */
  at: string;
}

/** A case a decision starts, with its creation step linked back to the case that started it. */
export interface StartedCase {
  id: string;
  process: string;
  step: HistoryStep;
}

/**
 * Names the cases a decision starts: each gets an id from `newId` and a creation step linked to
 * `parent`, and the step that started it names it in `effects.startedCases`. Returns the decision's
 * steps so named (copies: the decision is left as it was) and the started cases.
 */
export function nameStartedCases(
  decision: Decision,
  parent: { caseId: string; process: string },
  newId: () => string,
): { steps: HistoryStep[]; started: StartedCase[] } {
  const steps = decision.steps.map((step) => ({ ...step, effects: { ...step.effects } }));
  const started = decision.startCases.map((start): StartedCase => {
    const id = newId();
    const starter = steps.find((s) => s.seq === start.startedBy)!;
    starter.effects.startedCases = [...(starter.effects.startedCases ?? []), { caseId: id, process: start.process, relation: start.relation }];
    return {
      id,
      process: start.process,
      step: {
        seq: 1,
        type: CREATE_EVENT,
        from: null,
        to: start.state,
        by: starter.by,
        at: starter.at,
        data: start.data,
        effects: { linkedFrom: { caseId: parent.caseId, process: parent.process, relation: start.reverseRelation } },
      },
    };
  });
  return { steps, started };
}

/** How many timer events may fire back to back in one decision: a guard against a config loop. */
const MAX_CHAINED_TIMERS = 16;

/** Dates the engine accepts anywhere: beyond them, date arithmetic and the calendars mean nothing. */
export const ACCEPTED_DATES = { first: '1900-01-01', last: '2099-12-31' } as const;

/** Which of the user's roles count here: their own, plus `raiser` on cases they created. */
export function effectiveRoles(actor: Actor, createdBy: string | null): string[] {
  return createdBy === actor.username ? [...actor.roles, PSEUDO_ROLES.raiser] : [...actor.roles];
}

export function mayAct(transitionRoles: readonly string[], roles: readonly string[]): boolean {
  return transitionRoles.some((role) => roles.includes(role));
}

/** Decides the creation of a case: the `CREATE` step and any timer already due. */
export function decideCreate(partnership: CompiledPartnership, process: CompiledProcess, input: Omit<EventInput, 'type'>): Decision {
  const { start } = process.def;
  if (!mayAct(start.roles, input.actor.roles)) {
    throw new ForbiddenError(`Your roles may not start "${process.def.title}"; it needs one of: ${start.roles.join(', ')}`);
  }
  return decide(partnership, process, null, start, { ...input, type: CREATE_EVENT });
}

/** Decides an event on an existing case, or throws the first refusal in the API's order. */
export function decideEvent(partnership: CompiledPartnership, process: CompiledProcess, current: Projection, input: EventInput): Decision {
  return decide(partnership, process, current, allowedEvent(process, current, input), input);
}

/** The event `input` sends, if the case's state has it and the actor may send it; else the refusal. */
function allowedEvent(process: CompiledProcess, current: Projection, input: EventInput): EventDef {
  const leaving = process.events.get(current.state) ?? new Map<string, EventDef>();
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
  return event;
}

/** Decides the event a durable timer sends on behalf of the engine. */
export function decideTimer(partnership: CompiledPartnership, process: CompiledProcess, current: Projection, eventType: string, at: string): Decision {
  return decideEvent(partnership, process, current, { type: eventType, data: {}, actor: SYSTEM_ACTOR, at });
}

/** The earliest pending timer whose date has come, if any. */
export function dueTimer(timers: readonly Timer[], today: IsoDate): Timer | undefined {
  return [...timers].sort((a, b) => compareDates(a.at, b.at)).find((t) => compareDates(t.at, today) <= 0);
}

function decide(
  partnership: CompiledPartnership,
  process: CompiledProcess,
  current: Projection | null,
  transitionDef: TransitionDef | EventDef,
  input: EventInput,
): Decision {
  return fireDueTimers(partnership, process, decideStep(partnership, process, current, transitionDef, input), input.at);
}

/** One step alone, without the timers it makes due. */
function decideStep(
  partnership: CompiledPartnership,
  process: CompiledProcess,
  current: Projection | null,
  transitionDef: TransitionDef | EventDef,
  input: EventInput,
): Decision {
  const eventData = validateForm(partnership, transitionDef.form ?? null, input.data);
  return takeStep(partnership, process, current, transitionDef, input, eventData);
}

function validateForm(partnership: CompiledPartnership, formId: string | null, data: Record<string, unknown>): Record<string, unknown> {
  if (formId === null) {
    if (Object.keys(data).length > 0) {
      throw new ValidationFailedError('This action takes no form data; send {} as data', [{ path: '', message: 'This action takes no form data' }]);
    }
    return {};
  }
  const form = partnership.forms.get(formId);
  if (form === undefined) throw new Error(`Form "${formId}" was not loaded`);
  // Defaults are filled in place; work on a copy so the caller's object stays as sent.
  const copy = structuredClone(data);
  const problems = form.validate(copy);
  if (problems.length > 0) throw new ValidationFailedError('Some answers need correcting', problems);
  return copy;
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

const pointer = (field: string) => `/${field.replaceAll('~', '~0').replaceAll('/', '~1')}`;

function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function longDate(date: string): string {
  return isIsoDate(date) ? new Date(`${date}T12:00:00Z`).toLocaleDateString('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' }) : date;
}

/**
 * A fact once recorded stays as recorded: another step may repeat it unchanged, but a different value
 * is refused, with the way to correct it. A fact the form would fill with its default is left out.
 */
function protectFacts(
  partnership: CompiledPartnership,
  process: CompiledProcess,
  current: Projection | null,
  transitionDef: TransitionDef,
  sent: Record<string, unknown>,
  eventData: Record<string, unknown>,
): FieldProblem[] {
  if (current === null) return [];
  const problems: FieldProblem[] = [];
  const facts = factsOf(partnership, process);
  // An item's answers are the item's: a case fact of the same name is not what they change.
  const ofItems = itemAnswers(process.def, transitionDef);
  for (const field of Object.keys(eventData)) {
    if (!facts.has(field) || ofItems.has(field) || !isPresent(current.data[field])) continue;
    if (!(field in sent)) {
      delete eventData[field];
      continue;
    }
    if (sameValue(sent[field], current.data[field])) continue;
    const corrections = process.def.events.filter((e) => e.corrects?.includes(field));
    const how =
      corrections.length > 0
        ? `To change it, use "${corrections[0]!.label}" (${corrections[0]!.type}) and give the reason.`
        : 'It is part of the record and this process has no correction for it.';
    const value = current.data[field];
    problems.push({
      path: pointer(field),
      message: `This was already recorded as ${typeof value === 'string' ? longDate(value) : JSON.stringify(value)} and cannot be changed by this step. ${how}`,
    });
  }
  return problems;
}

/** Every date anywhere in the answers lies in the accepted range. */
function datesInRange(value: unknown, path: string, problems: FieldProblem[]): void {
  if (typeof value === 'string') {
    if (/^\d{4}-\d{2}-\d{2}$/.test(value) && isIsoDate(value) && (value < ACCEPTED_DATES.first || value > ACCEPTED_DATES.last)) {
      problems.push({ path, message: `Enter a date from ${longDate(ACCEPTED_DATES.first)} to ${longDate(ACCEPTED_DATES.last)}` });
    }
  } else if (Array.isArray(value)) {
    value.forEach((item, i) => datesInRange(item, `${path}/${i}`, problems));
  } else if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) datesInRange(item, `${path}${pointer(key)}`, problems);
  }
}

/**
 * A date that meets a deadline records something that happened: not after today, and not before
 * the date its deadline counts from.
 */
function datesThatHappened(
  process: CompiledProcess,
  recording: Record<string, unknown>,
  env: ReturnType<typeof environment>,
  today: IsoDate,
): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const seen = new Set<string>();
  for (const deadline of Object.values(process.def.deadlines ?? {})) {
    const field = deadline.satisfiedBy;
    if (field === undefined || seen.has(field)) continue;
    const value = recording[field];
    if (!isIsoDate(value)) continue;
    if (compareDates(value, today) > 0) {
      seen.add(field);
      problems.push({ path: pointer(field), message: `${longDate(value)} is after today (${longDate(today)}): enter the date it happened` });
      continue;
    }
    const from = countedFrom(deadline.due);
    const start = from === undefined ? undefined : safeValue(from, env);
    if (isIsoDate(start) && compareDates(value, start) < 0) {
      seen.add(field);
      problems.push({
        path: pointer(field),
        message: `${longDate(value)} is before ${longDate(start)}, the date "${deadline.label}" counts from: enter the date it happened, or correct the earlier date`,
      });
    }
  }
  return problems;
}

function safeValue(expr: Parameters<typeof evaluateValue>[0], env: ReturnType<typeof environment>): unknown {
  try {
    return evaluateValue(expr, env);
  } catch {
    return undefined;
  }
}

/**
 * Date arithmetic that a date given now will feed later (a deadline or timer not started yet) is
 * tried now, so a date the calendar cannot handle is refused at the step that gives it, never at a
 * later step that would then be stuck.
 */
function futureArithmetic(process: CompiledProcess, sent: Record<string, unknown>, env: ReturnType<typeof environment>): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const { def } = process;
  const expressions = [
    ...Object.values(def.deadlines ?? {}).map((d) => d.due),
    ...Object.values(def.states).flatMap((s) => (s.timers ?? []).map((t) => t.at)),
  ];
  const reported = new Set<string>();
  for (const expr of expressions) {
    const given = [...fieldsOfValue(expr, def.conditions)].filter((f) => f in sent && !reported.has(f));
    if (given.length === 0) continue;
    try {
      evaluateValue(expr, env);
    } catch (error) {
      if (!(error instanceof CalendarRangeError || error instanceof RangeError)) throw error;
      for (const field of given) {
        reported.add(field);
        problems.push({ path: pointer(field), message: error.message });
      }
    }
  }
  return problems;
}

function takeStep(
  partnership: CompiledPartnership,
  process: CompiledProcess,
  current: Projection | null,
  transitionDef: TransitionDef | EventDef,
  input: EventInput,
  eventData: Record<string, unknown>,
): Decision {
  const today = stepDate(partnership, input.at);
  const correction = isCorrection(transitionDef);
  const before = current?.data ?? {};
  const problems: FieldProblem[] = [];
  datesInRange(eventData, '', problems);
  if (problems.length > 0) throw new ValidationFailedError('Some dates are outside the range this service accepts', problems);

  let changes: FieldChange[] = [];
  if (correction) {
    if (!isPresent(eventData.reason)) problems.push({ path: '/reason', message: 'Say why the record is being corrected' });
    changes = transitionDef.corrects
      .filter((field) => field in eventData && !sameValue(eventData[field], before[field]))
      .map((field) => ({ field, from: before[field] ?? null, to: eventData[field] }));
    if (problems.length === 0 && changes.length === 0) {
      problems.push({ path: '', message: 'This correction changes nothing: enter the corrected values' });
    }
  } else {
    problems.push(...protectFacts(partnership, process, current, transitionDef, input.data, eventData));
  }
  if (problems.length > 0) throw new ValidationFailedError(problems.map((p) => p.message).join(' '), problems);
  const env = environment(partnership, process, { ...before, ...eventData }, current?.deadlines ?? [], today);

  return withinCalendar(() => {
    if (!correction) {
      const failed = (transitionDef.guards ?? []).filter((guard) => !evaluateCondition(guard.check, env));
      if (failed.length > 0) {
        const refusals: GuardRefusal[] = failed.map((g) => ({ guard: g.id, message: g.message, ...explainFailure(g.check, env) }));
        throw new GuardRejectedError(failed.map((g) => g.message).join(' '), refusals);
      }
    }
    // After the configured guards, whose refusals the catalogue names: the rules every date obeys.
    const recording = correction
      ? Object.fromEntries(changes.map((c) => [c.field, c.to]))
      : Object.fromEntries(Object.entries(eventData).filter(([field]) => !isPresent(before[field])));
    const dateProblems = [...datesThatHappened(process, recording, env, today), ...futureArithmetic(process, eventData, env)];
    if (dateProblems.length > 0) throw new ValidationFailedError(dateProblems.map((p) => p.message).join('. '), dateProblems);
    const state = current?.state ?? NEW_CASE_STATE;
    const to = correction ? state : nextState(process, state, { type: input.type, env });
    const step: HistoryStep = {
      seq: (current?.version ?? 0) + 1,
      type: input.type,
      from: current === null ? null : current.state,
      to,
      by: input.actor.username,
      at: input.at,
      data: eventData,
      effects: changes.length > 0 ? { changes } : {},
    };
    const applied = applyStep(partnership, process, current, step);
    if (Object.keys(applied.dues).length > 0) step.effects = { ...step.effects, dues: applied.dues };
    const startCases = applied.effects.flatMap((effect): StartCase[] => {
      if (!('startCase' in effect)) return [];
      const { data, ...rest } = effect.startCase;
      const values = Object.entries(data).map(([key, expr]) => [key, evaluateValue(expr, applied.env)] as const);
      return [{ ...rest, data: Object.fromEntries(values.filter(([, v]) => v !== undefined)), startedBy: step.seq }];
    });
    return { steps: [step], projection: applied.projection, startCases };
  });
}

function nextState(process: CompiledProcess, state: string, event: MachineEvent): string {
  const snapshot = process.machine.resolveState({ value: state, context: { data: {} } });
  const [next] = transition(process.machine, snapshot, event);
  const value = next.value;
  if (typeof value !== 'string') throw new Error(`Process "${process.def.id}" reached a compound state`);
  return value;
}

/**
 * A case that enters a state whose timer date has already come (a case recorded after the fact)
 * moves on at once, in the same decision, so it is committed in the same transaction.
 */
function fireDueTimers(partnership: CompiledPartnership, process: CompiledProcess, decision: Decision, at: string): Decision {
  let result = decision;
  const today = stepDate(partnership, at);
  // Each timer's step alone, counted here: through decideTimer each would chain its own followers,
  // one call deeper each time, and a loop of timers would run the stack out before the count ended it.
  for (let fired = 0; ; fired++) {
    const due = dueTimer(result.projection.timers, today);
    if (due === undefined) return result;
    if (fired === MAX_CHAINED_TIMERS) throw new Error(`Process "${process.def.id}" fired more than ${MAX_CHAINED_TIMERS} timers in a row`);
    const input = { type: due.event, data: {}, actor: SYSTEM_ACTOR, at };
    const next = decideStep(partnership, process, result.projection, allowedEvent(process, result.projection, input), input);
    result = { steps: [...result.steps, ...next.steps], projection: next.projection, startCases: [...result.startCases, ...next.startCases] };
  }
}

/**
 * When the working-day calendar in force changes (a bank holiday announced, as 19 September 2022
 * was, about ten days ahead), the open deadlines of a case that it moves are moved by one step of
 * the engine's own, saying which deadline moved from which date to which. A deadline already met
 * or missed keeps its due date and its result. Undefined when nothing moves.
 */
export function decideCalendarChange(partnership: CompiledPartnership, process: CompiledProcess, current: Projection, at: string): Decision | undefined {
  if (current.final) return undefined;
  const env = environment(partnership, process, current.data, current.deadlines, stepDate(partnership, at));
  const moved = current.deadlines.flatMap((deadline) => {
    const def = process.def.deadlines?.[deadline.id];
    if (deadline.met !== null || def === undefined) return [];
    const due = safeValue(def.due, env);
    return isIsoDate(due) && due !== deadline.due ? [{ deadline: deadline.id, label: deadline.label, from: deadline.due, to: due }] : [];
  });
  if (moved.length === 0) return undefined;
  const step: HistoryStep = {
    seq: current.version + 1,
    type: CALENDAR_CHANGED_EVENT,
    from: current.state,
    to: current.state,
    by: PSEUDO_ROLES.system,
    at,
    data: { calendar: partnership.calendar.id, moved },
    effects: { dues: Object.fromEntries(moved.map((m) => [m.deadline, m.to])) },
  };
  return { steps: [step], projection: applyStep(partnership, process, current, step).projection, startCases: [] };
}
