/** Who a case waits for and by when, in words (api: `waitingFor`, `nextDeadline`). */
import type { CaseSummary, NextDeadline, User, WaitingRole } from './apiTypes.ts';
import { formatDate } from './format.ts';

/** The pseudo-role of the person who raised a case. */
export const RAISER = 'raiser';

/** A role's label after "the": "the Independent Person", "the statutory partner", "the person who raised it". */
function withArticle(label: string): string {
  if (/^the /i.test(label)) return label;
  // A name in title case ("Independent Person", "Executive Group") keeps its capitals.
  const words = label.split(/\s+/);
  const titleCase = words.length > 1 && words.every((word) => /^[A-Z(]/.test(word));
  return `the ${titleCase || /^[A-Z]{2}/.test(label) ? label : label.charAt(0).toLowerCase() + label.slice(1)}`;
}

function orList(items: string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} or ${items.at(-1)}`;
}

/** "the Independent Person or the Independent Scrutineer". */
export function waitingWords(waitingFor: readonly WaitingRole[]): string {
  return orList(waitingFor.map((w) => withArticle(w.label)));
}

/** True when the case waits for one of this person's roles, or for them as its raiser. */
export function waitsForMe(item: Pick<CaseSummary, 'waitingFor' | 'createdBy'>, user: User): boolean {
  return (item.waitingFor ?? []).some((w) => (w.role === RAISER ? item.createdBy === user.username : user.roles.includes(w.role)));
}

/** "Complete the rapid review by 21 December 2026." */
export function deadlineWords(next: NextDeadline): string {
  return `${next.label} by ${formatDate(next.due)}`;
}
