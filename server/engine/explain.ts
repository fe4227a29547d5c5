/**
 * Why a guard refused: the answers its failure rests on, and the dates it worked out, so a page can
 * put the guard's message beside the question to change and say which date would do. Pure: it reads
 * the same environment the guard was evaluated in.
 */
import type { Condition, IsoDate, ValueExpr } from './definition.ts';
import { isIsoDate } from './dates/index.ts';
import type { GuardProblem } from './errors.ts';
import { evaluateCondition, evaluateValue, readPath, type EvalEnv } from './expressions.ts';
import { fieldsOfCondition, fieldsOfValue } from './facts.ts';

/** A date a failed rule worked out, and how the answer at `path` must stand to it. */
export interface DateLimit {
  /** JSON Pointer of the answer the rule limits. */
  path: string;
  must: 'before' | 'onOrBefore' | 'after' | 'onOrAfter';
  date: IsoDate;
  /** The answers the date was worked out from, with their dates (none for a partnership's date or today). */
  from: { path: string; date: IsoDate }[];
}

/** A guard's refusal as the API gives it: its id and message, what it reads, and the dates it worked out. */
export interface GuardRefusal extends GuardProblem {
  /** JSON Pointers of the answers the failed part of the rule reads, the one to change first. */
  paths: string[];
  dates: DateLimit[];
}

/** `reviewerCriteria.conflictOfInterest` → `/reviewerCriteria/conflictOfInterest`. */
export function fieldPointer(field: string): string {
  return field
    .split('.')
    .map((part) => `/${part.replaceAll('~', '~0').replaceAll('/', '~1')}`)
    .join('');
}

/**
 * Explains a condition that evaluated false in `env`: the fields of the parts that failed (of an
 * `implies`, its consequence: what the person can still give), in the order the rule names them,
 * and for each failed date comparison of an answer with a worked-out date, that date.
 */
export function explainFailure(condition: Condition, env: EvalEnv): Pick<GuardRefusal, 'paths' | 'dates'> {
  const fields = new Set<string>();
  const dates: DateLimit[] = [];
  blame(condition, env, fields, dates);
  return { paths: [...fields].map(fieldPointer), dates };
}

function blame(condition: Condition, env: EvalEnv, fields: Set<string>, dates: DateLimit[]): void {
  if ('all' in condition) {
    for (const part of condition.all) if (!evaluateCondition(part, env)) blame(part, env, fields, dates);
  } else if ('any' in condition) {
    // Every alternative failed; any of them would do.
    for (const part of condition.any) blame(part, env, fields, dates);
  } else if ('implies' in condition) {
    const [when, then] = condition.implies;
    const known = fields.size;
    blame(then, env, fields, dates);
    // A consequence that reads only the case (nothing to answer here) leaves the premise to change.
    if (fields.size === known) fieldsOfCondition(when, env.conditions, fields);
  } else if ('ref' in condition) {
    const named = env.conditions[condition.ref];
    if (named !== undefined) blame(named, env, fields, dates);
  } else {
    fieldsOfCondition(condition, env.conditions, fields);
    if ('before' in condition) dateLimit(condition.before, 'before', env, dates);
    if ('onOrBefore' in condition) dateLimit(condition.onOrBefore, 'onOrBefore', env, dates);
  }
}

const MIRRORED = { before: 'after', onOrBefore: 'onOrAfter' } as const;

/** `[answer, worked-out date]` or the other way round; two answers compared work out nothing. */
function dateLimit([a, b]: [ValueExpr, ValueExpr], must: 'before' | 'onOrBefore', env: EvalEnv, dates: DateLimit[]): void {
  const limited = isField(a) && !isField(b) ? { field: a.field, other: b, must } : isField(b) && !isField(a) ? { field: b.field, other: a, must: MIRRORED[must] } : undefined;
  if (limited === undefined) return;
  const date = evaluateValue(limited.other, env);
  if (!isIsoDate(date)) return;
  const from = [...fieldsOfValue(limited.other, env.conditions)].flatMap((field) => {
    const value = readPath(env.data, field);
    return isIsoDate(value) ? [{ path: fieldPointer(field), date: value }] : [];
  });
  dates.push({ path: fieldPointer(limited.field), must: limited.must, date, from });
}

function isField(expr: ValueExpr): expr is { field: string } {
  return expr !== null && typeof expr === 'object' && 'field' in expr;
}
