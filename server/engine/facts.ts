/**
 * Which answers are *facts*: answers that some rule reads beyond the step that gives them. A fact is
 * recorded once, by the first step that gives it, and changes only through a correction event, so a
 * later step can never quietly turn a missed statutory deadline into a met one.
 *
 * Derived from the configuration, not declared beside it, so it cannot fall out of step: a field is a
 * fact when a deadline reads it (its due date or what satisfies it), a timer reads it, the reports date
 * cases by it, or a guard, route or effect of an event whose own form does not carry it reads it (that
 * event reads it from the case, so some other step recorded it).
 */
import type { CompiledPartnership, CompiledProcess } from './catalogue.ts';
import type { Condition, Effect, ProcessDef, TransitionDef, ValueExpr } from './definition.ts';
import { assertNever } from './expressions.ts';

/** The top-level field names a form's JSON Schema defines. */
export function formFields(partnership: CompiledPartnership, formId: string | null | undefined): Set<string> {
  if (formId === null || formId === undefined) return new Set();
  const schema = partnership.forms.get(formId)?.schema;
  const properties = (schema?.properties ?? {}) as Record<string, unknown>;
  return new Set(Object.keys(properties));
}

/** The first segment of every `field` path an expression reads (`reviewerCriteria.x` reads `reviewerCriteria`). */
export function fieldsOfValue(expr: ValueExpr, conditions: ProcessDef['conditions'], into = new Set<string>()): Set<string> {
  if (expr === null || typeof expr !== 'object') return into;
  if ('field' in expr) into.add(expr.field.split('.')[0]!);
  else if ('pluck' in expr) fieldsOfValue(expr.pluck.from, conditions, into);
  else if ('sum' in expr) fieldsOfValue(expr.sum.from, conditions, into);
  else if ('without' in expr) expr.without.forEach((e) => fieldsOfValue(e, conditions, into));
  else if ('workingDaysAfter' in expr) fieldsOfValue(expr.workingDaysAfter[0], conditions, into);
  else if ('workingDaysBefore' in expr) fieldsOfValue(expr.workingDaysBefore[0], conditions, into);
  else if ('calendarDaysAfter' in expr) fieldsOfValue(expr.calendarDaysAfter[0], conditions, into);
  else if ('monthsAfter' in expr) fieldsOfValue(expr.monthsAfter[0], conditions, into);
  else if ('earliest' in expr) expr.earliest.forEach((e) => fieldsOfValue(e, conditions, into));
  else if ('firstPresent' in expr) expr.firstPresent.forEach((e) => fieldsOfValue(e, conditions, into));
  else if ('date' in expr || 'today' in expr || 'deadline' in expr || 'statutoryPartners' in expr || 'group' in expr) return into;
  else assertNever(expr);
  return into;
}

export function fieldsOfCondition(condition: Condition, conditions: ProcessDef['conditions'], into = new Set<string>(), seen = new Set<string>()): Set<string> {
  if ('all' in condition) condition.all.forEach((c) => fieldsOfCondition(c, conditions, into, seen));
  else if ('any' in condition) condition.any.forEach((c) => fieldsOfCondition(c, conditions, into, seen));
  else if ('not' in condition) fieldsOfCondition(condition.not, conditions, into, seen);
  else if ('implies' in condition) condition.implies.forEach((c) => fieldsOfCondition(c, conditions, into, seen));
  else if ('ref' in condition) {
    const named = conditions?.[condition.ref];
    // A named condition used twice is read once; an unknown one is the config checker's to report.
    if (named !== undefined && !seen.has(condition.ref)) {
      seen.add(condition.ref);
      fieldsOfCondition(named, conditions, into, seen);
    }
  } else if ('isTrue' in condition) fieldsOfValue(condition.isTrue, conditions, into);
  else if ('present' in condition) fieldsOfValue(condition.present, conditions, into);
  else {
    const operands =
      'equals' in condition ? condition.equals
      : 'before' in condition ? condition.before
      : 'onOrBefore' in condition ? condition.onOrBefore
      : 'includes' in condition ? condition.includes
      : 'includesAll' in condition ? condition.includesAll
      : assertNever(condition);
    operands.forEach((e) => fieldsOfValue(e, conditions, into));
  }
  return into;
}

function fieldsOfEffect(effect: Effect, conditions: ProcessDef['conditions'], into: Set<string>): void {
  if (effect.when !== undefined) fieldsOfCondition(effect.when, conditions, into);
  if ('createTasks' in effect && effect.forEach !== undefined) fieldsOfValue(effect.forEach, conditions, into);
  if ('completeTask' in effect && effect.key !== undefined) fieldsOfValue(effect.key, conditions, into);
  if ('startCase' in effect) Object.values(effect.startCase.data).forEach((e) => fieldsOfValue(e, conditions, into));
}

/** Every field the rules of one transition (guards, routes, effects) read. */
export function fieldsReadBy(transition: TransitionDef, conditions: ProcessDef['conditions']): Set<string> {
  const into = new Set<string>();
  for (const guard of transition.guards ?? []) fieldsOfCondition(guard.check, conditions, into);
  for (const route of transition.routes ?? []) if (route.when !== undefined) fieldsOfCondition(route.when, conditions, into);
  for (const effect of transition.effects ?? []) fieldsOfEffect(effect, conditions, into);
  return into;
}

const factsCache = new WeakMap<CompiledProcess, ReadonlySet<string>>();

/** The facts of a process (see the module comment); computed once per compiled process. */
export function factsOf(partnership: CompiledPartnership, process: CompiledProcess): ReadonlySet<string> {
  const cached = factsCache.get(process);
  if (cached !== undefined) return cached;
  const { def } = process;
  const facts = new Set<string>();
  for (const deadline of Object.values(def.deadlines ?? {})) {
    // A deadline per item reads the item, whose answers are the list's, not the case's.
    if (deadline.each !== undefined) continue;
    if (deadline.satisfiedBy !== undefined) facts.add(deadline.satisfiedBy.split('.')[0]!);
    fieldsOfValue(deadline.due, def.conditions, facts);
  }
  // A list is kept by the engine from the answers of the steps that update it.
  for (const list of Object.keys(def.lists ?? {})) facts.add(list);
  for (const state of Object.values(def.states)) for (const timer of state.timers ?? []) fieldsOfValue(timer.at, def.conditions, facts);
  if (def.reports?.caseDate !== undefined) facts.add(def.reports.caseDate);
  for (const transition of [def.start, ...def.events]) {
    const own = formFields(partnership, transition.form);
    for (const field of fieldsReadBy(transition, def.conditions)) if (!own.has(field)) facts.add(field);
  }
  factsCache.set(process, facts);
  return facts;
}

/**
 * The date a deadline counts from: the date operand of its due-date arithmetic, when it has one
 * (`workingDaysAfter: [{field: awareOn}, 5]` counts from `awareOn`). A deadline that is a date in
 * itself (`{field: nextMeetingOn}`) counts from nothing.
 */
export function countedFrom(due: ValueExpr): ValueExpr | undefined {
  if (due === null || typeof due !== 'object') return undefined;
  if ('workingDaysAfter' in due) return due.workingDaysAfter[0];
  if ('calendarDaysAfter' in due) return due.calendarDaysAfter[0];
  if ('monthsAfter' in due) return due.monthsAfter[0];
  return undefined;
}
