/**
 * Need to know: who may read a case. Each process says, as data (`access.read` in its file), who
 * may read its cases beyond those who may act on them now:
 *
 * - whoever's roles may send an event leaving the case's current state (always: nobody acts blind),
 *   corrections apart: they leave every state, closed ones too, so they grant nothing, and whoever
 *   may send one must be a reader some other way (the configuration checks say so);
 * - holders of `access.read.roles`, every case of the process in any state;
 * - with `raiser: true`, the person who raised the case;
 * - with `participants: true`, everyone who sent an event on it (a `by` of its history).
 *
 * Nobody else reads it: the case routes answer 404, as for a case that does not exist, and lists,
 * search, statechart counts, reports and the escalation log leave it out. `mayRead` decides one case
 * in memory; `readableCasesSql` says the same thing as SQL over the `cases` table, so that lists and
 * counts need no case loaded to be filtered. The two must agree (tests/security/need-to-know.test.ts).
 */
import { allProcessVersions, type CompiledPartnership, type CompiledProcess } from '../engine/catalogue.ts';
import { PSEUDO_ROLES, type EventDef } from '../engine/definition.ts';

/** A signed-in person, as far as reading goes. */
export interface Reader {
  username: string;
  roles: readonly string[];
}

/** What reading depends on of a case. */
export interface ReadableCase {
  /** The username of the person who raised it. */
  createdBy: string;
  /** Its current state. */
  state: string;
  /** Usernames in its history's `by` (the engine's own `system` may be among them). */
  participants: readonly string[];
}

/** The roles an event names that a person could hold: never the engine's own `system`. */
function personRoles(roles: readonly string[]): string[] {
  return roles.filter((r) => r !== PSEUDO_ROLES.system);
}

/** The events leaving a state that let whoever may send them read the case: all but corrections. */
function actingEvents(process: CompiledProcess, state: string): EventDef[] {
  return [...(process.events.get(state)?.values() ?? [])].filter((event) => event.corrects === undefined);
}

/**
 * The states of a process in which a person may act by their roles alone (`own`), and those in which
 * they may act only as the case's raiser (`asRaiser`: an event there names `raiser` and none of
 * their roles).
 */
function actingStates(process: CompiledProcess, roles: readonly string[]): { own: string[]; asRaiser: string[] } {
  const own: string[] = [];
  const asRaiser: string[] = [];
  for (const state of process.events.keys()) {
    const named = actingEvents(process, state).flatMap((e) => personRoles(e.roles));
    if (named.some((r) => roles.includes(r))) own.push(state);
    else if (named.includes(PSEUDO_ROLES.raiser)) asRaiser.push(state);
  }
  return { own, asRaiser };
}

/** True when the person's roles may read every case of the process, whatever its state. */
export function mayReadEvery(process: CompiledProcess, user: Pick<Reader, 'roles'>): boolean {
  return (process.def.access?.read.roles ?? []).some((role) => user.roles.includes(role));
}

/**
 * May this person read this case of this process? Call it before showing a case or acting on it,
 * and answer 404 (never 403) when it says no, so that a case one may not read is indistinguishable
 * from one that does not exist. The caller checks the partnership first: this looks only at the
 * process's `access.read`, the person's roles and username, and the case's raiser, state and the
 * usernames in its history. Someone whose roles (or `raiser`, on their own case) may send an event
 * leaving the current state, other than a correction, may always read it.
 */
export function mayRead(process: CompiledProcess, user: Reader, c: ReadableCase): boolean {
  const read = process.def.access?.read;
  if (mayReadEvery(process, user)) return true;
  if (read?.raiser === true && c.createdBy === user.username) return true;
  if (read?.participants === true && user.username !== PSEUDO_ROLES.system && c.participants.includes(user.username)) return true;
  const roles = c.createdBy === user.username ? [...user.roles, PSEUDO_ROLES.raiser] : user.roles;
  return actingEvents(process, c.state).some((event) => personRoles(event.roles).some((r) => roles.includes(r)));
}

/** A WHERE fragment and its parameters. */
export interface SqlFilter {
  sql: string;
  params: string[];
}

/**
 * The cases of a partnership's processes that this person may read, as a condition on the `cases`
 * table (named `alias` in the query), the same rule as `mayRead` under each case's process version:
 * `(process = ? AND (<every case> | created_by = ? OR state IN (…) OR EXISTS (history by them))) OR …`.
 * A process whose file is gone keeps its stored versions for its cases; one with neither is read by
 * nobody. Add `partnership = ?` yourself.
 */
export function readableCasesSql(partnership: CompiledPartnership, user: Reader, alias = 'cases'): SqlFilter {
  const params: string[] = [];
  const col = (name: string) => `${alias}.${name}`;
  const placeholders = (values: readonly string[]) => {
    params.push(...values);
    return values.map(() => '?').join(', ');
  };
  const clauses: string[] = [];
  // Each case is read under its own version's rules: one clause per stored version (its number is
  // an integer of ours, written inline); a process with no stored version is the files' for any number.
  const ofProcess = (process: CompiledProcess) =>
    partnership.versions?.has(process.def.id) === true
      ? `${col('process')} = ? AND ${col('process_version')} = ${Math.trunc(process.def.version)}`
      : `${col('process')} = ?`;
  for (const process of allProcessVersions(partnership)) {
    const read = process.def.access?.read;
    if (mayReadEvery(process, user)) {
      params.push(process.def.id);
      clauses.push(`(${ofProcess(process)})`);
      continue;
    }
    const start = params.length;
    params.push(process.def.id);
    const any: string[] = [];
    const { own, asRaiser } = actingStates(process, user.roles);
    if (read?.raiser === true) {
      params.push(user.username);
      any.push(`${col('created_by')} = ?`);
    }
    if (own.length > 0) any.push(`${col('state')} IN (${placeholders(own)})`);
    if (read?.raiser !== true && asRaiser.length > 0) {
      const states = placeholders(asRaiser);
      params.push(user.username);
      any.push(`(${col('state')} IN (${states}) AND ${col('created_by')} = ?)`);
    }
    if (read?.participants === true && user.username !== PSEUDO_ROLES.system) {
      params.push(user.username);
      any.push(`EXISTS (SELECT 1 FROM history h_read WHERE h_read.case_id = ${col('id')} AND h_read.by = ?)`);
    }
    if (any.length === 0) {
      params.length = start;
      continue;
    }
    clauses.push(`(${ofProcess(process)} AND (${any.join(' OR ')}))`);
  }
  return { sql: clauses.length === 0 ? 'FALSE' : `(${clauses.join(' OR ')})`, params };
}
