import type { DateLimit, GuardIssue } from '../api.ts';
import { formatDate, midSentence } from '../format.ts';
import { findField, type Field } from './fields.ts';
import { pointerToPath } from './validation.ts';

/**
 * A guard's refusal placed beside the question it concerns: the first answer the rule reads that the
 * page asks (a date rule's own answer first), with the date the rule worked out said in words. A
 * refusal about nothing the page asks stays in the error summary only.
 */
export interface PlacedRefusal {
  /** The react-hook-form path of the question, or undefined when the page asks none it reads. */
  path?: string;
  message: string;
}

export function placeRefusals(issues: GuardIssue[], fields: Field[], asked: (path: string) => boolean): PlacedRefusal[] {
  return issues.map((issue) => {
    const candidates = [...(issue.dates ?? []).map((limit) => limit.path), ...(issue.paths ?? [])].map(pointerToPath);
    const path = candidates.find((candidate) => findField(fields, candidate) && asked(candidate));
    const worked = (issue.dates ?? []).filter((limit) => pointerToPath(limit.path) === path).map((limit) => workedOut(limit, fields));
    return { path, message: [issue.message, ...worked].join(' ') };
  });
}

const MUST: Record<DateLimit['must'], (date: string) => string> = {
  before: (date) => `before ${date}`,
  onOrBefore: (date) => `${date} or earlier`,
  after: (date) => `after ${date}`,
  onOrAfter: (date) => `${date} or later`,
};

/** "the date published on the partnership's website", or a question quoted. */
function named(path: string, fields: Field[]): string {
  const label = findField(fields, pointerToPath(path))?.label ?? 'the answer';
  return label.trim().endsWith('?') ? `the answer to “${label}”` : `the ${midSentence(label)}`;
}

/** "With the date published … as 10 May 2023, the date the report was sent … must be 27 April 2023 or earlier." */
export function workedOut(limit: DateLimit, fields: Field[]): string {
  const rule = `${named(limit.path, fields)} must be ${MUST[limit.must](formatDate(limit.date))}.`;
  if (limit.from.length === 0) return rule.charAt(0).toUpperCase() + rule.slice(1);
  const basis = limit.from.map((from) => `${named(from.path, fields)} as ${formatDate(from.date)}`).join(' and ');
  return `With ${basis}, ${rule}`;
}
