import type { Condition, GroupDef, IsoDate, Scalar, ValueExpr } from './definition.ts';
import { dutyHoldersOn } from './held.ts';
import type { WorkingDayCalendar } from './dates/index.ts';
import { addCalendarDays, addMonths, compareDates, isIsoDate } from './dates/index.ts';

/** Everything a condition may look at; built by the engine, never by config. */
export interface EvalEnv {
  /** The case data as it will be after the event: the event's data over the case's. */
  data: Record<string, unknown>;
  /** The partnership's named dates (e.g. `arrangementsStart`). */
  dates: Record<string, string>;
  /** The ids of the statutory partners on `today`. */
  statutoryPartners: string[];
  /** The partnership's groups with the dates they existed (`{group: duty}` reads them on `today`); absent when it names none. */
  groups?: readonly GroupDef[];
  today: IsoDate;
  /** Due dates of the deadlines the case has, by id. */
  deadlines: Record<string, IsoDate>;
  calendar: WorkingDayCalendar;
  conditions: Record<string, Condition>;
}

/** Reads `a.b.c` from nested objects; absent anywhere along the way is `undefined`. */
export function readPath(data: unknown, path: string): unknown {
  let value: unknown = data;
  for (const key of path.split('.')) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

/** Given: not missing, not blank text, not an empty list. */
export function isPresent(value: unknown): boolean {
  if (value === undefined || value === null) return false;
  if (typeof value === 'string') return value.trim() !== '';
  if (Array.isArray(value)) return value.length > 0;
  return true;
}

/** A date operand that is missing yields `undefined`, so a rule on an empty field never throws. */
function dateOf(expr: ValueExpr, env: EvalEnv): IsoDate | undefined {
  const value = evaluateValue(expr, env);
  return isIsoDate(value) ? value : undefined;
}

function shifted(
  [expr, n]: [ValueExpr, number],
  env: EvalEnv,
  shift: (date: IsoDate, n: number) => IsoDate,
): IsoDate | undefined {
  const date = dateOf(expr, env);
  return date === undefined ? undefined : shift(date, n);
}

export function evaluateValue(expr: ValueExpr, env: EvalEnv): unknown {
  if (expr === null || typeof expr !== 'object') return expr satisfies Scalar;
  if ('field' in expr) return readPath(env.data, expr.field);
  if ('date' in expr) return env.dates[expr.date];
  if ('today' in expr) return env.today;
  if ('deadline' in expr) return env.deadlines[expr.deadline];
  if ('statutoryPartners' in expr) return env.statutoryPartners;
  if ('group' in expr) return dutyHoldersOn({ groups: [...(env.groups ?? [])] }, expr.group, env.today);
  if ('pluck' in expr) {
    const { from, key, where = {} } = expr.pluck;
    const items = evaluateValue(from, env);
    if (!Array.isArray(items)) return [];
    return items
      .filter((item) => Object.entries(where).every(([k, v]) => readPath(item, k) === v))
      .map((item) => readPath(item, key));
  }
  if ('sum' in expr) {
    const items = evaluateValue(expr.sum.from, env);
    if (!Array.isArray(items)) return 0;
    const key = expr.sum.key;
    return items.reduce<number>((total, item) => {
      const n = key === undefined ? item : readPath(item, key);
      return total + (typeof n === 'number' ? n : 0);
    }, 0);
  }
  if ('without' in expr) {
    const [items, removed] = expr.without.map((e) => evaluateValue(e, env));
    if (!Array.isArray(items)) return [];
    return Array.isArray(removed) ? items.filter((item) => !removed.includes(item)) : items;
  }
  if ('workingDaysAfter' in expr) return shifted(expr.workingDaysAfter, env, (d, n) => env.calendar.addWorkingDays(d, n));
  if ('workingDaysBefore' in expr) return shifted(expr.workingDaysBefore, env, (d, n) => env.calendar.addWorkingDays(d, -n));
  if ('calendarDaysAfter' in expr) return shifted(expr.calendarDaysAfter, env, addCalendarDays);
  if ('monthsAfter' in expr) return shifted(expr.monthsAfter, env, addMonths);
  if ('earliest' in expr) {
    const dates = expr.earliest.map((e) => dateOf(e, env)).filter((d): d is IsoDate => d !== undefined);
    return dates.length === 0 ? undefined : dates.reduce((a, b) => (compareDates(a, b) <= 0 ? a : b));
  }
  if ('firstPresent' in expr) {
    for (const candidate of expr.firstPresent) {
      const value = evaluateValue(candidate, env);
      if (isPresent(value)) return value;
    }
    return undefined;
  }
  return assertNever(expr);
}

/** Compares two dates; false when either is missing, so the guard's message is what the user sees. */
function compareOperands(pair: [ValueExpr, ValueExpr], env: EvalEnv, accept: (order: number) => boolean): boolean {
  const a = dateOf(pair[0], env);
  const b = dateOf(pair[1], env);
  return a !== undefined && b !== undefined && accept(compareDates(a, b));
}

export function evaluateCondition(condition: Condition, env: EvalEnv): boolean {
  if ('all' in condition) return condition.all.every((c) => evaluateCondition(c, env));
  if ('any' in condition) return condition.any.some((c) => evaluateCondition(c, env));
  if ('not' in condition) return !evaluateCondition(condition.not, env);
  if ('implies' in condition) {
    const [when, then] = condition.implies;
    return !evaluateCondition(when, env) || evaluateCondition(then, env);
  }
  if ('ref' in condition) {
    const named = env.conditions[condition.ref];
    if (named === undefined) throw new Error(`Unknown condition "${condition.ref}"`);
    return evaluateCondition(named, env);
  }
  if ('isTrue' in condition) return evaluateValue(condition.isTrue, env) === true;
  if ('present' in condition) return isPresent(evaluateValue(condition.present, env));
  if ('equals' in condition) {
    const [a, b] = condition.equals;
    return evaluateValue(a, env) === evaluateValue(b, env);
  }
  if ('before' in condition) return compareOperands(condition.before, env, (o) => o < 0);
  if ('onOrBefore' in condition) return compareOperands(condition.onOrBefore, env, (o) => o <= 0);
  if ('includes' in condition) {
    const [list, item] = condition.includes.map((e) => evaluateValue(e, env));
    return Array.isArray(list) && list.includes(item);
  }
  if ('includesAll' in condition) {
    const [haystack, needles] = condition.includesAll.map((e) => evaluateValue(e, env));
    if (!Array.isArray(haystack) || !Array.isArray(needles)) return false;
    return needles.every((n) => haystack.includes(n));
  }
  return assertNever(condition);
}

/** Exhaustiveness check for tagged unions: a new variant without a branch fails to compile. */
export function assertNever(value: never): never {
  throw new Error(`Unexpected variant: ${JSON.stringify(value)}`);
}
