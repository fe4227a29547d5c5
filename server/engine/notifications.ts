/**
 * Who is told when a decision is committed, and who is reminded of a deadline: pure, from the
 * process definition, the case as it was and is, and the people of the partnership (no partnership,
 * process or state is named here).
 *
 * A role the case newly waits for (in `waitingFor` after the decision, not before it) tells every
 * person holding it who may read the case: once per person per step, even if they hold two of the
 * roles. `raiser` newly waited for tells the person who raised the case. Nobody is told of what they
 * did themselves (the person whose step it was).
 */
import type { CompiledProcess } from './catalogue.ts';
import { PSEUDO_ROLES } from './definition.ts';
import { waitingRoles } from './waiting.ts';

export interface Person {
  username: string;
  roles: readonly string[];
}

/** What telling depends on of a case: its state now and whoever raised it. */
export interface NotifiedCase {
  state: string;
  final: boolean;
  createdBy: string;
}

/** Need to know, as the caller decides it (cases/access.ts `mayRead`): may this person read the case? */
export type MayRead = (person: Person) => boolean;

export interface Recipient {
  username: string;
  /** The role they are told for (the first of theirs the case waits for). */
  role: string;
}

/** The people to tell that the case now waits for them. */
export function newlyWaitingRecipients(
  process: CompiledProcess,
  previousState: string | null,
  after: NotifiedCase,
  people: readonly Person[],
  mayRead: MayRead,
  actor?: string,
): Recipient[] {
  if (after.final) return [];
  const before = new Set(previousState === null ? [] : waitingRoles(process, previousState));
  if (previousState === after.state) return [];
  const fresh = waitingRoles(process, after.state).filter((role) => !before.has(role));
  return recipientsFor(fresh, after.createdBy, people, mayRead).filter((r) => r.username !== actor);
}

/** The people holding one of `roles` (or the raiser, for `raiser`) who may read the case. */
export function recipientsFor(roles: readonly string[], createdBy: string, people: readonly Person[], mayRead: MayRead): Recipient[] {
  const out = new Map<string, Recipient>();
  for (const role of roles) {
    for (const person of people) {
      if (out.has(person.username)) continue;
      const holds = role === PSEUDO_ROLES.raiser ? person.username === createdBy : person.roles.includes(role);
      if (holds && mayRead(person)) out.set(person.username, { username: person.username, role });
    }
  }
  return [...out.values()];
}

export type ReminderKind = 'due-soon' | 'overdue';

/**
 * Which reminder a deadline due on `due` calls for today: `due-soon` from `workingDaysBefore` working
 * days before it until the day it is due, `overdue` once the day after it has come; none before.
 * `reminderFrom` is the first day of the `due-soon` window (the calendar's count back from `due`).
 */
export function reminderKind(today: string, due: string, reminderFrom: string): ReminderKind | undefined {
  if (today > due) return 'overdue';
  if (today >= reminderFrom) return 'due-soon';
  return undefined;
}

export const DEFAULT_REMINDER_WORKING_DAYS = 2;
