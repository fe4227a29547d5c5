/**
 * Runs scenario files (workflows/<partnership>/scenarios/) through the pure engine (decideCreate,
 * decideEvent, decideTimer, project), with no server and no database, answering each step as the
 * API would (status, error code, the case as the API shows it) so that the scenario's expectations
 * are matched exactly as tests/scenarios/scenarios.test.ts matches them over HTTP. `npx workflows
 * simulate` prints the result; the configuration pages show it, for the running processes and for
 * an uploaded change before it is published.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { parse } from 'yaml';
import { fixedClock, type Clock } from '../clock.ts';
import { mayRead } from '../cases/access.ts';
import type { Catalogue, CompiledPartnership, CompiledProcess } from '../engine/catalogue.ts';
import { isRequestError, NotFoundError, VersionConflictError } from '../engine/errors.ts';
import { environment, project, type HistoryStep, type Projection } from '../engine/project.ts';
import { decideCreate, decideEvent, decideTimer, dueTimer, nameStartedCases, type Actor, type Decision } from '../engine/step.ts';
import { availableEvents, deadlineView } from '../engine/view.ts';
import { taskViews } from '../engine/waiting.ts';
import {
  caseProblems,
  errorOf,
  errorProblems,
  isCaseView,
  scenarioActor,
  type CaseView,
  type Expect,
  type Reply,
  type Scenario,
  type ScenarioFile,
  type Step,
} from './expectations.ts';

const addFormats = (addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ?? addFormatsModule;

// ------------------------------------------------------------------ an engine without a server

interface SimCase {
  id: string;
  partnership: CompiledPartnership;
  process: CompiledProcess;
  history: HistoryStep[];
  projection: Projection;
}

interface User extends Actor {
  partnership: string;
}

/** The cases of one file, kept in memory, and the API's answers to each request about them. */
class World {
  private readonly cases = new Map<string, SimCase>();
  clock: Clock;

  constructor(
    private readonly catalogue: Catalogue,
    today: string,
  ) {
    this.clock = fixedClock(today, this.timeZone());
  }

  private timeZone(): string {
    return [...this.catalogue.partnerships.values()][0]?.def.timeZone ?? 'Europe/London';
  }

  /** The demo user `<partnership>.<role>`, as the demo sign-in would have them. */
  user(username: string): User {
    const [partnershipId, role] = username.split('.') as [string, string | undefined];
    const partnership = this.catalogue.partnerships.get(partnershipId);
    if (partnership === undefined || role === undefined || !partnership.def.roles.some((r) => r.id === role)) {
      throw new Error(`There is no demo user ${username} (is "${role}" a role of ${partnershipId}?)`);
    }
    return { username, roles: [role], partnership: partnershipId };
  }

  private answer(status: number, run: () => unknown): Reply {
    try {
      return { status, body: run() };
    } catch (error) {
      if (!isRequestError(error)) throw error;
      const status = { bad_request: 400, unauthenticated: 401, forbidden: 403, not_found: 404, version_conflict: 409, event_not_allowed: 409, validation_failed: 422, guard_rejected: 422, process_invalid: 422 }[error.code];
      return { status, body: { error: { code: error.code, message: error.message, ...(error.details === undefined ? {} : { details: error.details }) } } };
    }
  }

  create(user: User, partnershipId: string, processId: string, data: Record<string, unknown>): Reply {
    return this.answer(201, () => {
      const partnership = this.catalogue.partnerships.get(partnershipId);
      if (partnership === undefined || partnershipId !== user.partnership) throw new NotFoundError(`No partnership "${partnershipId}" for you`);
      const process = partnership.processes.get(processId);
      if (process === undefined) throw new NotFoundError(`${partnership.def.name} has no process "${processId}"`);
      const decision = decideCreate(partnership, process, { data, actor: user, at: this.clock.now() });
      const id = randomUUID();
      this.commit({ id, partnership, process, history: [], projection: decision.projection }, decision);
      return this.view(user, id);
    });
  }

  event(user: User, caseId: string, request: { type: string; data: Record<string, unknown>; expectedVersion: number }): Reply {
    return this.answer(200, () => {
      const c = this.readable(user, caseId);
      if (c.projection.version !== request.expectedVersion) {
        throw new VersionConflictError(`The case has changed since you loaded it (it is now at version ${c.projection.version}); reload it and try again`, {
          currentVersion: c.projection.version,
        });
      }
      const decision = decideEvent(c.partnership, c.process, c.projection, { ...request, actor: user, at: this.clock.now() });
      this.commit(c, decision);
      return this.view(user, caseId);
    });
  }

  get(user: User, caseId: string): Reply {
    return this.answer(200, () => {
      this.readable(user, caseId);
      return this.view(user, caseId);
    });
  }

  /** A new today, and the timers that came due fire, as at the server's start-up. */
  restart(today: string): void {
    this.clock = fixedClock(today, this.timeZone());
    for (const c of this.cases.values()) {
      for (let i = 0; i < 16; i++) {
        const due = dueTimer(c.projection.timers, this.clock.today(c.partnership.def.timeZone));
        if (due === undefined) break;
        this.commit(c, decideTimer(c.partnership, c.process, c.projection, due.event, this.clock.now()));
      }
    }
  }

  private readable(user: User, caseId: string): SimCase {
    const c = this.cases.get(caseId);
    if (c === undefined || c.partnership.def.id !== user.partnership) throw new NotFoundError(`No case "${caseId}" for you`);
    if (!mayRead(c.process, user, { createdBy: c.projection.createdBy, state: c.projection.state, participants: c.history.map((h) => h.by) })) {
      throw new NotFoundError(`No case "${caseId}" for you`);
    }
    return c;
  }

  /** As the service commits a decision: linked cases first, named on the step that started them. */
  private commit(c: SimCase, decision: Decision): void {
    const { steps, started } = nameStartedCases(decision, { caseId: c.id, process: c.process.def.id }, randomUUID);
    for (const { id, process, step } of started) {
      const linkedProcess = c.partnership.processes.get(process)!;
      this.cases.set(id, { id, partnership: c.partnership, process: linkedProcess, history: [step], projection: project(c.partnership, linkedProcess, [step])! });
    }
    c.history = [...c.history, ...steps];
    c.projection = project(c.partnership, c.process, c.history)!;
    this.cases.set(c.id, c);
  }

  /** The case as the API shows it (the fields scenarios compare). */
  private view(user: User, caseId: string): CaseView {
    const c = this.cases.get(caseId)!;
    const p = c.projection;
    const today = this.clock.today(c.partnership.def.timeZone);
    return {
      id: c.id,
      partnership: c.partnership.def.id,
      process: c.process.def.id,
      state: p.state,
      final: p.final,
      version: p.version,
      data: p.data as CaseView['data'],
      deadlines: p.deadlines.map((d) => deadlineView(d, today, p.final)),
      tasks: taskViews(c.partnership.def, c.process, p.tasks),
      links: p.links.map((l) => ({ id: l.caseId, process: l.process, relation: l.relation })),
      // As the service says them: warnings read the case's tasks and rules.
      available: availableEvents(c.process, p.state, user, p.createdBy, {
        tasks: taskViews(c.partnership.def, c.process, p.tasks),
        env: environment(c.partnership, c.process, p.data, p.deadlines, today),
      }),
      history: c.history.map(({ effects, ...entry }) => (effects.changes === undefined ? entry : { ...entry, changes: effects.changes })),
    };
  }
}

// ------------------------------------------------------------------ running a scenario, step by step

export type Outcome = 'ok' | 'FAIL' | 'not simulated (needs the server)';

/** One step of a scenario as the engine ran it: what it expected, what happened, and any difference. */
export interface Row {
  step: number;
  what: string;
  expected: string;
  actual: string;
  outcome: Outcome;
  problems: string[];
}

function describeExpect(e: Expect, defaultStatus: number): string {
  const parts: string[] = [];
  if (e.status !== undefined && e.status !== defaultStatus) parts.push(String(e.status));
  if (e.code !== undefined) parts.push(e.code);
  if (e.guards !== undefined) parts.push(`guards ${e.guards.join(', ')}`);
  if (e.fields !== undefined) parts.push(`fields ${e.fields.join(', ')}`);
  if (e.state !== undefined) parts.push(e.state);
  if (e.final === true) parts.push('final');
  for (const [id, d] of Object.entries(e.deadlines ?? {})) {
    if (d === null) parts.push(`no ${id}`);
    else parts.push(`${id}${d.due ? ` ${d.due}` : ''}${d.met === true ? ' met' : d.met === false ? ' missed' : ''}${d.overdue ? ' overdue' : ''}`);
  }
  return parts.join('; ') || (defaultStatus === 201 ? 'created' : 'accepted');
}

/**
 * What came back, briefly: the refusal, the state, and the deadlines the step asks about (or, when it
 * asks about none, the open ones).
 */
function describeReply(reply: Reply, view: CaseView | undefined, e: Expect): string {
  const parts: string[] = [];
  const error = errorOf(reply.body);
  if (error) {
    parts.push(`${reply.status} ${error.code}`);
    if (error.code === 'guard_rejected' && Array.isArray(error.details)) parts.push(`guards ${(error.details as { guard?: string }[]).map((d) => d.guard).join(', ')}`);
    if (error.code === 'validation_failed' && Array.isArray(error.details)) {
      parts.push(`fields ${[...new Set((error.details as { path?: string }[]).map((d) => d.path || '(form)'))].join(', ')}`);
    }
  }
  if (view) {
    parts.push(`${view.state}${view.final ? ' (final)' : ''}`);
    const asked = Object.keys(e.deadlines ?? {});
    const shown = asked.length > 0 ? asked.map((id) => view.deadlines.find((d) => d.id === id) ?? id) : view.deadlines.filter((d) => d.met === null);
    for (const d of shown) {
      if (typeof d === 'string') parts.push(`no ${d}`);
      else parts.push(`${d.id} ${d.due}${d.met === true ? ' met' : d.met === false ? ' missed' : ''}${d.overdue ? ' overdue' : ''}`);
    }
  }
  return parts.join('; ');
}

function runScenario(world: World, file: ScenarioFile, partnership: string, scenario: Scenario): Row[] {
  const rows: Row[] = [];
  let current: CaseView | undefined;
  const usernameOf = scenarioActor(partnership);

  for (const [index, step] of scenario.steps.entries()) {
    const row = (what: string, expected: string, actual: string, outcome: Outcome, problems: string[] = []) =>
      rows.push({ step: index + 1, what: step.note ? `${what} (${step.note})` : what, expected, actual, outcome, problems });
    try {
      if (!runStep(world, file, partnership, step, usernameOf, () => current, (v) => (current = v), row)) break;
    } catch (error) {
      row(stepName(step), describeExpect(step.expect ?? {}, step.create ? 201 : 200), 'could not run', 'FAIL', [(error as Error).message]);
      break;
    }
  }
  return rows;
}

function stepName(step: Step): string {
  if (step.create) return `create ${step.create.process ?? ''}`.trim();
  if (step.event) return step.event.type;
  if (step.get) return 'get';
  if (step.restart) return `restart on ${step.restart.today}`;
  return step.summary ? 'summary report' : 'escalation log';
}

/** Runs one step; false when the scenario cannot go on (a failed step: later steps build on it). */
function runStep(
  world: World,
  file: ScenarioFile,
  partnership: string,
  step: Step,
  usernameOf: (as: string | undefined) => string,
  current: () => CaseView | undefined,
  setCurrent: (view: CaseView) => void,
  row: (what: string, expected: string, actual: string, outcome: Outcome, problems?: string[]) => void,
): boolean {
  const e = step.expect ?? {};
  if (step.restart) {
    world.restart(step.restart.today);
    row(stepName(step), '', 'timers due fired', 'ok');
    return true;
  }
  if (step.escalationLog || step.summary) {
    const report = (step.escalationLog ?? step.summary)!;
    usernameOf(report.as);
    row(stepName(step), step.summary ? 'report' : `${e.rows?.length ?? '?'} rows`, '', 'not simulated (needs the server)');
    return true;
  }
  if (step.case !== undefined && step.case !== 'previous') {
    const from = current();
    if (!from) throw new Error('no case to follow a link from');
    const relation = step.case.linked;
    const link = from.links.find((l) => l.relation === relation);
    if (!link) throw new Error(`the case has no link "${relation}" (links: ${from.links.map((l) => l.relation).join(', ') || 'none'})`);
    const linked = world.get(world.user(usernameOf(step.create?.as ?? step.event?.as ?? step.get?.as)), link.id);
    if (!isCaseView(linked.body)) throw new Error(`could not read the linked case: ${linked.status} ${JSON.stringify(linked.body)}`);
    setCurrent(linked.body);
  }

  let reply: Reply;
  let defaultStatus = 200;
  let what: string;
  if (step.create) {
    defaultStatus = 201;
    const processId = step.create.process ?? file.process;
    what = `create ${processId}`;
    reply = world.create(world.user(usernameOf(step.create.as)), step.create.partnership ?? partnership, processId, step.create.data ?? {});
    if (reply.status === 201 && isCaseView(reply.body)) setCurrent(reply.body);
  } else if (step.event) {
    const c = current();
    if (!c) throw new Error('an event needs a case; start the scenario with a create step');
    what = step.event.type;
    reply = world.event(world.user(usernameOf(step.event.as)), c.id, { type: step.event.type, data: step.event.data ?? {}, expectedVersion: step.event.expectedVersion ?? c.version });
    if (reply.status === 200 && isCaseView(reply.body)) setCurrent(reply.body);
  } else {
    const c = current();
    if (!c) throw new Error('nothing to get; start the scenario with a create step');
    what = 'get';
    reply = world.get(world.user(usernameOf(step.get?.as)), c.id);
    if (reply.status === 200 && isCaseView(reply.body)) setCurrent(reply.body);
  }
  what = `${what} as ${usernameOf(undefined).split('.').slice(1).join('.')}`;

  const problems: string[] = [];
  const wantStatus = e.status ?? defaultStatus;
  if (reply.status !== wantStatus) problems.push(`status: expected ${wantStatus}, got ${reply.status}: ${JSON.stringify(reply.body)}`);
  problems.push(...errorProblems(reply, e));
  let view = isCaseView(reply.body) ? reply.body : undefined;
  const c = current();
  if (!view && c) {
    // After a refusal, read the case again: nothing should have changed.
    const again = world.get(world.user(usernameOf(undefined)), c.id);
    view = isCaseView(again.body) ? again.body : undefined;
  }
  const wantsCase = ['state', 'final', 'version', 'deadlines', 'tasks', 'taskLabels', 'links', 'data', 'available', 'warnings', 'history'].some((k) => k in e);
  if (wantsCase) {
    if (!view) problems.push('no case to compare with');
    else problems.push(...caseProblems(view, e));
  }
  row(what, describeExpect(e, defaultStatus), describeReply(reply, view, e), problems.length === 0 ? 'ok' : 'FAIL', problems);
  return problems.length === 0;
}

// ------------------------------------------------------------------ scenario files

/** Where a partnership's scenario files are. */
export function scenariosDir(root: string, partnership: string): string {
  return join(root, 'workflows', partnership, 'scenarios');
}

/** The scenario files of a partnership (of one process: PROCESS.yaml and PROCESS.*.yaml), sorted. */
export function scenarioFiles(root: string, partnership: string, process?: string): string[] {
  const dir = scenariosDir(root, partnership);
  if (!existsSync(dir)) return [];
  const mine = (n: string) => process === undefined || n === `${process}.yaml` || n.startsWith(`${process}.`);
  return readdirSync(dir)
    .filter((n) => n.endsWith('.yaml') && mine(n))
    .sort()
    .map((n) => join(dir, n));
}

/**
 * Reads scenario files against workflows/scenario.schema.json (compiled once). A file that is not
 * YAML or not in the format gives its problems, each a line naming the file as `name`.
 */
export function scenarioReader(root: string): (path: string, name: string) => { ok: true; file: ScenarioFile } | { ok: false; problems: string[] } {
  const ajv = new Ajv2020({ allErrors: true, strict: true, strictRequired: false });
  addFormats(ajv);
  const checkShape = ajv.compile(JSON.parse(readFileSync(join(root, 'workflows', 'scenario.schema.json'), 'utf8')) as object);
  return (path, name) => {
    let file: ScenarioFile;
    try {
      file = parse(readFileSync(path, 'utf8')) as ScenarioFile;
    } catch (error) {
      return { ok: false, problems: [`${name}: not YAML: ${(error as Error).message}`] };
    }
    if (!checkShape(file)) {
      return {
        ok: false,
        problems: (checkShape.errors ?? []).map((e) => {
          const extra = (e.params as { additionalProperty?: string }).additionalProperty;
          return `${name}${e.instancePath}: ${e.message ?? 'is not valid'}${extra ? ` ("${extra}")` : ''}`;
        }),
      };
    }
    return { ok: true, file };
  };
}

/** One scenario of a file as the engine ran it. */
export interface ScenarioRun {
  name: string;
  rows: Row[];
  passed: boolean;
  /** Steps that need the server (reports, logs): neither passed nor failed. */
  skipped: number;
  /** Steps after a failed one, which build on it and so were not run. */
  notRun: number;
}

/** Runs every scenario of a file on the catalogue's newest processes: one world per file, as the HTTP tests have one database per file. */
export function runScenarioFile(catalogue: Catalogue, partnership: string, file: ScenarioFile): ScenarioRun[] {
  const world = new World(catalogue, file.today);
  return file.scenarios.map((scenario) => {
    const rows = runScenario(world, file, partnership, scenario);
    return {
      name: scenario.name,
      rows,
      passed: !rows.some((r) => r.outcome === 'FAIL'),
      skipped: rows.filter((r) => r.outcome !== 'ok' && r.outcome !== 'FAIL').length,
      notRun: scenario.steps.length - rows.length,
    };
  });
}
