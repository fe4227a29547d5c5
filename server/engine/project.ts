/**
 * The case is what its history decides. `project` folds a case's history, step by step, under its
 * process definition into everything the case is now: state, facts, deadlines, tasks, timers and
 * links. The store's case rows are a cache of this fold; `verify-audit` recomputes it and compares.
 *
 * Pure and total: a step that is in the history happened, so the fold never refuses one (refusals
 * happen before a step is written, in step.ts). What the fold cannot recompute from the definition
 * alone is written on the step itself, in its `effects`: the due dates it started (a bank holiday
 * announced later must not move a deadline already met or missed), the old values a correction
 * replaced, and the ids of the cases it linked.
 */
import { CREATE_EVENT, processVersion, type CompiledPartnership, type CompiledProcess } from './catalogue.ts';
import type { Effect, EventDef, IsoDate, TransitionDef } from './definition.ts';
import { PSEUDO_ROLES } from './definition.ts';
import { compareDates, dateInZone, isIsoDate } from './dates/index.ts';
import { fieldsOfValue } from './facts.ts';
import { evaluateCondition, evaluateValue, isPresent, readPath, type EvalEnv } from './expressions.ts';
import { labelOn, partnerLabelOn, statutoryPartnersOn } from './held.ts';
import { itemAnswers, itemDeadlines, updateList } from './lists.ts';

export interface CaseDeadline {
  id: string;
  label: string;
  due: IsoDate;
  /** The date field that meets it, or null for a deadline that only says how long something lasts. */
  satisfiedBy: string | null;
  met: boolean | null;
  /** A correction changed whether it was met: reports count it apart, and the case page says so. */
  corrected: boolean;
}

export interface CaseTask {
  id: string;
  label: string;
  done: boolean;
}

export interface Timer {
  event: string;
  at: IsoDate;
}

/** A link to another case, and how this case relates to it. */
export interface LinkRef {
  caseId: string;
  process: string;
  relation: string;
}

export interface FieldChange {
  field: string;
  from: unknown;
  to: unknown;
}

/** What a step decided that its definition alone cannot recompute later; see the module comment. */
export interface StepEffects {
  /** Due dates of the deadlines this step started or moved. */
  dues?: Record<string, IsoDate>;
  /** A correction's old and new values. */
  changes?: FieldChange[];
  /** Cases this step started. */
  startedCases?: LinkRef[];
  /** On a started case's creation: the case that started it. */
  linkedFrom?: LinkRef;
  /** On a migration (`VERSION_MIGRATED`): the version the steps before it are read under, and the one it moved the case to. */
  migration?: VersionMove;
}

export interface VersionMove {
  fromVersion: number;
  toVersion: number;
}

/** One history entry, as stored. */
export interface HistoryStep {
  seq: number;
  type: string;
  from: string | null;
  to: string;
  /** A username, or `system` for the engine's own steps. */
  by: string;
  /** The exact instant (ISO, UTC). */
  at: string;
  /** The answers of this step's form, as given (with the form's defaults filled in). */
  data: Record<string, unknown>;
  effects: StepEffects;
}

/** Everything a case is now, as its history decides. */
export interface Projection {
  state: string;
  final: boolean;
  version: number;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
  /** Each answer as first recorded, corrections applied. */
  data: Record<string, unknown>;
  deadlines: CaseDeadline[];
  tasks: CaseTask[];
  /** Pending durable timers of the current state. */
  timers: Timer[];
  links: LinkRef[];
}

/** The engine's own step when the calendar in force moves open deadlines. */
export const CALENDAR_CHANGED_EVENT = 'CALENDAR_CHANGED';

/** The engine's own step that moves a running case to a newer version of its process, on purpose (engine/migration.ts). */
export const VERSION_MIGRATED_EVENT = 'VERSION_MIGRATED';

/** A migration step. Only the engine writes `effects`, so a configured event of the same name is never read as one. */
export function isMigration<S extends Pick<HistoryStep, 'type' | 'effects'>>(step: S): step is S & { effects: { migration: VersionMove } } {
  return step.type === VERSION_MIGRATED_EVENT && step.effects.migration !== undefined;
}

/** The transition a step took: the start, a configured event, or none for the engine's own steps. */
export function transitionOf(process: CompiledProcess, step: Pick<HistoryStep, 'type' | 'from' | 'effects'>): TransitionDef | EventDef | undefined {
  if (step.type === CREATE_EVENT) return step.effects.linkedFrom === undefined ? process.def.start : undefined;
  if (step.from === null || isMigration(step)) return undefined;
  return process.events.get(step.from)?.get(step.type);
}

export function isCorrection(transition: TransitionDef | EventDef | undefined): transition is EventDef & { corrects: string[] } {
  return transition !== undefined && 'corrects' in transition && Array.isArray(transition.corrects);
}

/** The environment a step's rules are evaluated in: its own answers over the case's facts. */
export function environment(
  partnership: CompiledPartnership,
  process: CompiledProcess,
  data: Record<string, unknown>,
  deadlines: readonly CaseDeadline[],
  today: IsoDate,
): EvalEnv {
  return {
    data,
    dates: partnership.def.dates ?? {},
    // The partners of the day: an agreement needs those who held the place then.
    statutoryPartners: statutoryPartnersOn(partnership.def, today).map((p) => p.id),
    ...(partnership.def.groups === undefined ? {} : { groups: partnership.def.groups }),
    today,
    deadlines: Object.fromEntries(deadlines.map((d) => [d.id, d.due])),
    calendar: partnership.calendar,
    conditions: process.def.conditions ?? {},
  };
}

/** The date of a step in the partnership's zone: what "today" was for the person who took it. */
export function stepDate(partnership: CompiledPartnership, at: string): IsoDate {
  return dateInZone(at, partnership.def.timeZone);
}

export interface Applied {
  projection: Projection;
  /** Due dates this step started or moved (to be written on a new step's `effects`). */
  dues: Record<string, IsoDate>;
  /** The effects of the transition whose conditions held. */
  effects: Effect[];
  env: EvalEnv;
}

/** Folds one step onto the case as it was (null before its creation). */
export function applyStep(partnership: CompiledPartnership, process: CompiledProcess, before: Projection | null, step: HistoryStep): Applied {
  const { def } = process;
  const transition = transitionOf(process, step);
  const correction = isCorrection(transition);
  const data = { ...(before?.data ?? {}) };
  if (correction) {
    for (const field of transition.corrects) {
      if (field in step.data) {
        data[field] = step.data[field];
      }
    }
  } else if (!isMigration(step)) {
    // A migration's data says what the engine did (both versions), not what anyone answered: never a fact.
    // First recorded wins: a later step's answer of the same name is that step's own, kept in its entry.
    // Answers about a list's item go to the item, not to the case.
    const ofItems = itemAnswers(def, transition);
    for (const [field, value] of Object.entries(step.data)) {
      if (ofItems.has(field)) continue;
      if (!(field in data) || (!isPresent(data[field]) && isPresent(value))) {
        data[field] = value;
      }
    }
  }
  const today = stepDate(partnership, step.at);
  const previous = before?.deadlines ?? [];
  const env = environment(partnership, process, correction ? data : { ...data, ...step.data }, previous, today);
  const effects = correction || transition === undefined ? [] : (transition.effects ?? []).filter((e) => e.when === undefined || evaluateCondition(e.when, env));

  const dues: Record<string, IsoDate> = {};
  const byId = new Map(previous.map((d) => [d.id, { ...d }]));
  const setDue = (id: string, due: IsoDate, item?: { label: string; satisfiedBy: string | null }) => {
    const deadlineDef = def.deadlines?.[id];
    const existing = byId.get(id);
    byId.set(id, {
      id,
      label: item?.label ?? deadlineDef?.label ?? existing?.label ?? id,
      due,
      satisfiedBy: item?.satisfiedBy ?? deadlineDef?.satisfiedBy ?? existing?.satisfiedBy ?? null,
      met: null,
      corrected: existing?.corrected ?? false,
    });
    dues[id] = due;
  };
  const recordedDue = (id: string): IsoDate | undefined => step.effects.dues?.[id];
  for (const effect of effects) {
    if (!('startDeadline' in effect)) continue;
    const deadlineDef = def.deadlines?.[effect.startDeadline];
    const due = recordedDue(effect.startDeadline) ?? (deadlineDef === undefined ? undefined : evaluateValue(deadlineDef.due, env));
    // A deadline measured from a date nobody has recorded cannot start yet.
    if (isIsoDate(due)) setDue(effect.startDeadline, due);
  }
  for (const effect of effects) {
    if (!('updateItem' in effect)) continue;
    const listDef = def.lists?.[effect.updateItem];
    if (listDef === undefined) continue;
    const { items, item } = updateList(listDef, data[effect.updateItem], step.data, env);
    data[effect.updateItem] = items;
    // Each item's own deadline starts with its due date, and moves with it while the item is open.
    for (const deadline of itemDeadlines(def, effect.updateItem, item, items.indexOf(item), env)) {
      const recorded = recordedDue(deadline.id);
      const existing = byId.get(deadline.id);
      if (recorded !== undefined) setDue(deadline.id, recorded, deadline);
      else if (isIsoDate(deadline.due) && (existing === undefined || (item.open && deadline.due !== existing.due))) setDue(deadline.id, deadline.due, deadline);
    }
  }
  if (correction) {
    // A corrected date that a running deadline counts from moves that deadline.
    for (const deadline of previous) {
      const deadlineDef = def.deadlines?.[deadline.id];
      if (deadlineDef === undefined) continue;
      const reads = fieldsOfValue(deadlineDef.due, def.conditions);
      if (!transition.corrects.some((f) => reads.has(f))) continue;
      const due = recordedDue(deadline.id) ?? evaluateValue(deadlineDef.due, env);
      if (isIsoDate(due) && due !== deadline.due) setDue(deadline.id, due);
    }
  }
  if (step.type === CALENDAR_CHANGED_EVENT && step.by === PSEUDO_ROLES.system) {
    for (const [id, due] of Object.entries(step.effects.dues ?? {})) if (byId.has(id)) setDue(id, due);
  }
  const deadlines = [...byId.values()].map((deadline) => {
    const met = assess(deadline, data);
    const wasMet = previous.find((d) => d.id === deadline.id)?.met ?? null;
    return { ...deadline, met, corrected: deadline.corrected || (correction && met !== wasMet && byIdHad(previous, deadline.id)) };
  });

  const state = step.to;
  const final = def.states[state]?.final === true;
  const timerEnv = { ...env, deadlines: Object.fromEntries(deadlines.map((d) => [d.id, d.due])) };
  // A migration re-arms the timers of the state as the version it moves to defines them.
  const reEntered = before === null || state !== before.state || isMigration(step);
  const timers = reEntered
    ? timersOf(process, state, timerEnv)
    : (before?.timers ?? []).filter((t) => !(step.by === PSEUDO_ROLES.system && t.event === step.type));

  const links = [...(before?.links ?? [])];
  for (const link of step.effects.startedCases ?? []) links.push(link);
  if (step.effects.linkedFrom !== undefined) links.push(step.effects.linkedFrom);

  return {
    projection: {
      state,
      final,
      version: step.seq,
      createdBy: before?.createdBy ?? step.by,
      createdAt: before?.createdAt ?? step.at,
      updatedAt: step.at,
      data,
      deadlines,
      tasks: applyTaskEffects(partnership, process, effects, before?.tasks ?? [], env),
      timers,
      links,
    },
    dues,
    effects,
    env,
  };
}

function byIdHad(deadlines: readonly CaseDeadline[], id: string): boolean {
  return deadlines.some((d) => d.id === id);
}

/** `met`: null while the satisfying field is empty, true when on or before the due date, false when later. */
function assess(deadline: CaseDeadline, data: Record<string, unknown>): boolean | null {
  if (deadline.satisfiedBy === null) return null;
  const value = readPath(data, deadline.satisfiedBy);
  return isIsoDate(value) ? compareDates(value, deadline.due) <= 0 : null;
}

function applyTaskEffects(
  partnership: CompiledPartnership,
  process: CompiledProcess,
  effects: Effect[],
  existing: readonly CaseTask[],
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
        if (!tasks.has(id)) tasks.set(id, { id, label: taskLabel(partnership, template, item, env.today), done: false });
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

/** A task's label as on the day it was created: the partner's and the group's names of that day. */
function taskLabel(partnership: CompiledPartnership, template: string, item: unknown, today: IsoDate): string {
  const itemText = item === undefined ? '' : String(item);
  const partner = partnership.def.statutoryPartners.find((p) => p.id === item);
  const filled = template.replaceAll('{itemLabel}', partner === undefined ? itemText : partnerLabelOn(partner, today)).replaceAll('{item}', itemText);
  return labelOn(partnership.def, filled, today);
}

export function timersOf(process: CompiledProcess, state: string, env: EvalEnv): Timer[] {
  return (process.def.states[state]?.timers ?? []).flatMap((timer) => {
    const at = evaluateValue(timer.at, env);
    return isIsoDate(at) ? [{ event: timer.event, at }] : [];
  });
}

/**
 * The whole fold: the case as its history decides, or undefined for an empty history. `process` is
 * the version the case runs on now; the steps of a migrated case are each read under the version
 * they were taken under (see `stepsUnder`).
 */
export function project(partnership: CompiledPartnership, process: CompiledProcess, history: readonly HistoryStep[]): Projection | undefined {
  let projection: Projection | null = null;
  for (const { step, under } of stepsUnder(partnership, process, history)) projection = applyStep(under.partnership, under.process, projection, step).projection;
  return projection ?? undefined;
}

export interface StepUnder {
  step: HistoryStep;
  under: { partnership: CompiledPartnership; process: CompiledProcess };
}

/**
 * Each step with the version of its process it was taken under. Without a migration, `process`
 * for all. With one, the steps before the first migration are read under the version it moved from,
 * each migration and the steps after it under the version it moved to, and those after the last
 * under `process`, the case's version now. Other versions come from `partnership.versions`; a
 * version the catalogue does not hold cannot be read, and says so.
 */
export function stepsUnder(partnership: CompiledPartnership, process: CompiledProcess, history: readonly HistoryStep[]): StepUnder[] {
  const now = { partnership, process };
  const moves = history.filter(isMigration);
  const first = moves[0];
  if (first === undefined) return history.map((step) => ({ step, under: now }));
  const named = (version: number) => {
    const found = processVersion(partnership, process.def.id, version);
    if (found === undefined) throw new Error(`${partnership.def.id}/${process.def.id} version ${version} is not stored, so the history of a case migrated from it cannot be read`);
    return found;
  };
  let under = named(first.effects.migration.fromVersion);
  let seen = 0;
  return history.map((step) => {
    if (isMigration(step)) under = ++seen === moves.length ? now : named(step.effects.migration.toVersion);
    return { step, under };
  });
}
