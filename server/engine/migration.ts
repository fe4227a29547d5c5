/**
 * Moving running cases to a newer version of their process, on purpose. Without a migration a case
 * stays on the version it started on; a migration names the version its cases are on, the version
 * they move to, and where each state's cases go: a state it does not name goes to the state of the
 * same id in the newer version.
 *
 * Planning is pure and checks everything before anything is written: every state with a running
 * case in it must go somewhere that exists, and a migration never opens or closes a case (closed
 * cases keep the version they closed under; a running case moves to a running state, and closing it
 * is a decision people take with an event). A plan with any problem is refused whole.
 */
import type { CompiledPartnership, CompiledProcess } from './catalogue.ts';
import { PSEUDO_ROLES } from './definition.ts';
import { applyStep, VERSION_MIGRATED_EVENT, type HistoryStep, type Projection } from './project.ts';

/** A migration as its file says it. */
export interface MigrationSpec {
  process: string;
  from: number;
  to: number;
  /** Old state id → new state id; a state not named goes to the state of the same id. */
  states: Readonly<Record<string, string>>;
  /** Why the cases move, written in each case's history entry. */
  reason?: string;
}

/** A problem with a migration, at a path of keys in its file (the file's reader turns it into a line). */
export interface MigrationProblem {
  path: (string | number)[];
  message: string;
}

/** A case on the version a migration moves from, as the planner needs it. */
export interface MigratingCase {
  id: string;
  reference: string | null;
  state: string;
  final: boolean;
}

/** One case's move: from a state of the old version to a state of the new. */
export interface CaseMove {
  caseId: string;
  reference: string | null;
  from: string;
  to: string;
}

export type MigrationPlan =
  | { ok: true; spec: MigrationSpec; moves: CaseMove[]; closed: number }
  | { ok: false; spec: MigrationSpec; problems: MigrationProblem[] };

/** The two versions a migration moves between. */
export interface VersionPair {
  from: CompiledProcess;
  to: CompiledProcess;
}

const listOf = (states: Record<string, unknown>) => Object.keys(states).join(', ');

/** Where each running case goes, or every problem that stops the migration. */
export function planMigration(spec: MigrationSpec, versions: VersionPair, cases: readonly MigratingCase[]): MigrationPlan {
  const [from, to] = [versions.from.def.states, versions.to.def.states];
  const problems: MigrationProblem[] = [];
  if (spec.to <= spec.from) problems.push({ path: ['to'], message: `version ${spec.to} is not newer than version ${spec.from}: a migration moves cases to a newer version` });
  for (const [old, target] of Object.entries(spec.states)) {
    const problem = (message: string) => problems.push({ path: ['states', old], message });
    if (from[old] === undefined) problem(`"${old}" is not a state of version ${spec.from} (its states are ${listOf(from)})`);
    else if (from[old].final) problem(`"${old}" is a final state of version ${spec.from}: closed cases keep the version they closed under, so leave it out`);
    if (to[target] === undefined) problem(`"${target}" is not a state of version ${spec.to} (its states are ${listOf(to)})`);
    else if (to[target].final && from[old] !== undefined && from[old].final !== true) problem(`"${target}" is a final state of version ${spec.to}: a migration never closes a case; map "${old}" to a running state and close the cases with their event`);
  }
  const moves: CaseMove[] = [];
  const stranded = new Map<string, number>();
  let closed = 0;
  for (const c of cases) {
    if (c.final) {
      closed++;
      continue;
    }
    const target = spec.states[c.state] ?? c.state;
    if (from[c.state] === undefined) {
      problems.push({ path: [], message: `case ${c.reference ?? c.id} is in "${c.state}", which is not a state of version ${spec.from}: run npm run verify-audit` });
    } else if (to[target] === undefined || to[target].final) {
      stranded.set(c.state, (stranded.get(c.state) ?? 0) + 1);
    } else {
      moves.push({ caseId: c.id, reference: c.reference, from: c.state, to: target });
    }
  }
  for (const [state, count] of stranded) {
    // A state the file maps somewhere that will not do has had its problem said above; one it leaves to the same id has not.
    if (spec.states[state] !== undefined) continue;
    const why = to[state] === undefined ? `which version ${spec.to} does not have` : `which is a final state of version ${spec.to}`;
    problems.push({
      path: ['states'],
      message: `${count} running case(s) are in "${state}" (${from[state]!.label}), ${why}: map it under states to a running state of version ${spec.to} (${runningStates(to)})`,
    });
  }
  return problems.length > 0 ? { ok: false, spec, problems } : { ok: true, spec, moves, closed };
}

function runningStates(states: CompiledProcess['def']['states']): string {
  return Object.entries(states)
    .filter(([, s]) => !s.final)
    .map(([id]) => id)
    .join(', ');
}

/**
 * A case's migration step, by `system`, naming both versions (and the reason, when the file gives
 * one), and the case it makes under the newer version: its facts, deadlines (as recorded: a due date
 * already started is not recomputed), tasks and links kept, its state the move's target, and the
 * timers of that state armed as the newer version defines them.
 */
export function decideMigration(
  partnership: CompiledPartnership,
  to: CompiledProcess,
  current: Projection,
  spec: Pick<MigrationSpec, 'from' | 'to' | 'reason'>,
  target: string,
  at: string,
): { step: HistoryStep; projection: Projection } {
  const step: HistoryStep = {
    seq: current.version + 1,
    type: VERSION_MIGRATED_EVENT,
    from: current.state,
    to: target,
    by: PSEUDO_ROLES.system,
    at,
    data: { fromVersion: spec.from, toVersion: spec.to, ...(spec.reason === undefined ? {} : { reason: spec.reason }) },
    effects: { migration: { fromVersion: spec.from, toVersion: spec.to } },
  };
  return { step, projection: applyStep(partnership, to, current, step).projection };
}
