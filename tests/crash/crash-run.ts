/**
 * The crash run: "nothing acknowledged is ever lost, nothing refused is ever kept".
 *
 * It starts the real server as a child process on a SQLite file (or the PostgreSQL database it is given), lets several clients create
 * cases (Merton disputes, or with `--workload scr` Rotherham's SCRs in transition, which have deadlines, a durable
 * timer and a linked case: tests/crash/workloads.ts) and send events with `expectedVersion` at the same time, and kills the server
 * with SIGKILL at random moments (at least one, and some more, while it is still starting). After every restart it opens
 * the file and checks every request it has ever made:
 *
 * - every transition answered 200/201 is in the history, exactly once, at the seq it was sent for;
 * - no transition that was refused (any 4xx, or never delivered) is;
 * - a transition that got no answer is there once or not at all, and if there, with everything
 *   that belongs to it (the case row moved with it; its tasks exist);
 * - each case's history is a legal walk of the process (seq 1, 2, 3…; each `from` is the previous
 *   `to`; each edge exists in the definition), its state is the last `to`, its version the last seq;
 * - verify-audit passes: the hash chain verifies, and every case's row, deadlines, tasks, timers and
 *   links are what replaying its history decides; `PRAGMA integrity_check` is ok and no foreign key dangles;
 * - each timer fired at most once, and none that is due is left unfired once a start has completed;
 * - a linked case exists exactly when the history of the case that started it says so, and names it back;
 * - every answer the server completes is JSON and no 5xx: anything else is a violation, never
 *   mistaken for an answer cut off by a kill.
 *
 * Each transition carries a unique marker in its form data, so the file says which request it came from.
 *
 *   npm run test:crash [-- --kills 50 --clients 6 --workload scr]
 *
 * tests/crash/crash.test.ts runs a shorter version as part of `npm test`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { loadCatalogue } from '../../server/config/index.ts';
import { targetsOf } from '../../server/engine/describe.ts';
import type { Catalogue } from '../../server/engine/catalogue.ts';
import type { LinkRef, StepEffects } from '../../server/engine/project.ts';
import { verifyAudit } from '../../server/store/audit.ts';
import { databaseLocation, redactPassword } from '../../server/main.ts';
import { openReadOnly } from '../../server/store/database.ts';
import { ChildServer, NotServingError } from '../support/child-server.ts';
import { DISPUTES, SCR_TRANSITIONS, type CheckedRow, type Workload } from './workloads.ts';

const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface CrashRunOptions {
  /** SIGKILLs in all, each followed by a restart and a full check. */
  kills: number;
  /** Clients sending requests at the same time, one request in flight each. */
  clients: number;
  /**
   * How much the server answers under load before a kill: a random number in [min, max] of
   * answers, counted rather than timed, so a slow machine gets the same load as a fast one. The
   * kill lands just after one answer, while the other clients' requests are in flight.
   */
  answersPerRound: [number, number];
  /** The share of kills that hit the server while it is starting up, before it serves. */
  startupKillShare: number;
  /** The server's database (an empty one): a new SQLite file when not given; `npm run test:crash -- --database postgres://…`. */
  databaseUrl?: string;
  /** What the clients do: Merton disputes unless told. */
  workload?: Workload;
  log?: (line: string) => void;
}

export interface CrashRunResult {
  /** SIGKILLs actually sent, counted as they happen. */
  kills: number;
  /** Of those, the ones that hit a server that had not yet said it serves. */
  killsDuringStartup: number;
  requests: number;
  /** Transitions (creations and events) answered 200/201, each checked after every later restart. */
  acknowledged: number;
  /** Requests refused with a 4xx: none may be stored. */
  refused: number;
  /** Requests that found nothing listening (sent just as the server died): none may be stored. */
  undelivered: number;
  /** Requests cut off by a kill; committed is how many of them turned out to be stored. */
  unanswered: number;
  unansweredCommitted: number;
  cases: number;
  historyRows: number;
  /** Rows of the cache tables after the last check, each compared there with what the history decides. */
  deadlines: number;
  tasks: number;
  /** Timers still waiting in the timers table, after the last check and at the most after any check. */
  timersPending: number;
  timersWaitingMost: number;
  /** Due timers a start-up kill on a new day left unfired, for the next start to fire (measured, not chosen). */
  dueTimersLeftByKills: number;
  /** History entries sent by the system for a timer: each at most once per case. */
  timersFired: number;
  /** Cases started by another case's step, each found linked both ways. */
  linkedCases: number;
  /** Checks of one acknowledged transition against the file, summed over the restarts. */
  transitionChecks: number;
  violations: string[];
  seconds: number;
}

export const DEFAULT_OPTIONS: CrashRunOptions = { kills: 20, clients: 4, answersPerRound: [5, 40], startupKillShare: 0.15 };

// ---------------------------------------------------------------------------------------------
// Clients

type Outcome = 'ok' | 'refused' | 'undelivered' | 'unanswered';

export interface Op {
  marker: string;
  kind: 'create' | 'event';
  type: string;
  caseId?: string;
  expectedVersion?: number;
  outcome?: Outcome;
  status?: number;
}

interface Answer {
  status: number;
  body: any;
}

/** The request never reached the server (nothing listening): it cannot have been stored. */
class NotDelivered extends Error {}

/** The server completed an answer no client should get (a 5xx, a body that is not JSON): a violation, not a kill. */
export class UnexpectedAnswer extends Error {}

/** Where a client's requests go: one server, or whichever of several is serving (its `url` throws NotServingError when none is). */
export interface Target {
  readonly url: string;
}

class Session {
  private cookie = '';
  private csrfToken = '';

  constructor(
    private readonly server: Target,
    readonly username: string,
  ) {}

  async signIn(): Promise<void> {
    const res = await this.send('POST', '/api/session', { username: this.username, password: 'demo' });
    if (res.status !== 200) throw new Error(`sign-in as ${this.username}: ${res.status}`);
  }

  async send(method: string, path: string, body?: unknown): Promise<Answer> {
    let res: Response;
    try {
      res = await fetch(`${this.server.url}${path}`, {
        method,
        headers: {
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...(this.cookie ? { cookie: this.cookie } : {}),
          ...(this.csrfToken && method !== 'GET' ? { 'x-csrf-token': this.csrfToken } : {}),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(20_000),
      });
    } catch (error) {
      const code = (error as { cause?: { code?: string } }).cause?.code;
      // Nothing listening, or nothing started yet: the request never left.
      if (code === 'ECONNREFUSED' || error instanceof NotServingError) throw new NotDelivered(String(code ?? (error as Error).message));
      throw error;
    }
    // A kill mid-answer makes reading the body fail; a body read whole was sent whole, so it must be JSON.
    const text = await res.text();
    let parsed: any;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      throw new UnexpectedAnswer(`unexpected ${res.status} to ${method} ${path} with a body that is not JSON: ${text.slice(0, 200)}`);
    }
    const setCookie = res.headers.get('set-cookie');
    if (setCookie) this.cookie = setCookie.split(';')[0]!;
    if (path === '/api/session' && method === 'POST' && res.status === 200) this.csrfToken = parsed.csrfToken;
    return { status: res.status, body: parsed };
  }
}

interface KnownCase {
  id: string;
  state: string;
  version: number;
  /** False after a conflict or a lost answer: read it again before the next event. */
  fresh: boolean;
}

/** What the clients believe about the cases: shared, so clients race each other on the same case. */
export class Model {
  open = new Map<string, KnownCase>();
  ops: Op[] = [];
  /** The servers' today, which the clients write into date fields. */
  today: string;
  private counter = 0;
  private answers = 0;
  private waiting: { count: number; done: () => void } | undefined;

  constructor(
    private readonly runId: string,
    readonly workload: Workload,
  ) {
    this.today = workload.days[0]!;
  }

  /** A client got a whole answer (of any status). */
  answered(): void {
    this.answers++;
    if (this.waiting !== undefined && this.answers >= this.waiting.count) {
      this.waiting.done();
      this.waiting = undefined;
    }
  }

  /** Resolves once `more` answers beyond those so far have come in. */
  moreAnswers(more: number): Promise<void> {
    return new Promise((done) => (this.waiting = { count: this.answers + more, done }));
  }

  marker(): string {
    return `crash-${this.runId}-op${++this.counter}`;
  }

  /** A recent open case: few enough that clients often collide on one. */
  pick(random: () => number): KnownCase | undefined {
    const recent = [...this.open.values()].slice(-6);
    return recent[Math.floor(random() * recent.length)];
  }

  learn(view: { id: string; state: string; version: number; final: boolean }): void {
    if (view.final) this.open.delete(view.id);
    else this.open.set(view.id, { id: view.id, state: view.state, version: view.version, fresh: true });
  }
}


export class Client {
  sessions = new Map<string, Session>();

  constructor(
    server: Target,
    private readonly model: Model,
    private readonly random: () => number,
  ) {
    for (const role of model.workload.roles) this.sessions.set(role, new Session(server, `${model.workload.partnership}.${role}`));
  }

  async signIn(): Promise<void> {
    for (const session of this.sessions.values()) await session.signIn();
  }

  /** One request: a creation, or an event on a case some client knows. */
  async step(): Promise<void> {
    const known = this.model.pick(this.random);
    if (known === undefined || this.model.open.size < 3 || this.random() < 0.15) return this.create();
    if (!known.fresh) return this.refresh(known);
    const marker = this.model.marker();
    const event = this.model.workload.nextEvent(known.state, marker, this.random, this.model.today);
    if (event === undefined) return;
    // Now and then a client sends a version it should know is old: a refusal that must leave no trace.
    const expectedVersion = this.random() < 0.05 ? known.version - 1 : known.version;
    const op: Op = { marker, kind: 'event', type: event.type, caseId: known.id, expectedVersion };
    this.model.ops.push(op);
    const answer = await this.attempt(op, () =>
      this.sessions.get(event.role)!.send('POST', `/api/cases/${known.id}/events`, { type: event.type, data: event.data, expectedVersion }),
    );
    if (answer?.status === 200) this.model.learn(answer.body);
    else if (op.outcome === 'unanswered' || answer?.body?.error?.code === 'version_conflict') known.fresh = false;
  }

  private async create(): Promise<void> {
    const marker = this.model.marker();
    const op: Op = { marker, kind: 'create', type: 'CREATE' };
    this.model.ops.push(op);
    const { partnership, process } = this.model.workload;
    const creation = this.model.workload.create(marker, this.model.today);
    const answer = await this.attempt(op, () => this.sessions.get(creation.role)!.send('POST', `/api/partnerships/${partnership}/processes/${process}/cases`, { data: creation.data }));
    if (answer?.status === 201) {
      op.caseId = answer.body.id;
      this.model.learn(answer.body);
    }
  }

  private async refresh(known: KnownCase): Promise<void> {
    try {
      const answer = await this.sessions.get(this.model.workload.reader)!.send('GET', `/api/cases/${known.id}`);
      if (answer.status === 200) this.model.learn(answer.body);
      else if (answer.status >= 500) throw new UnexpectedAnswer(`unexpected ${answer.status} to GET /api/cases/${known.id}: ${JSON.stringify(answer.body)}`);
    } catch (error) {
      if (error instanceof UnexpectedAnswer) throw error;
      // the server went down: read it again next time
    }
  }

  private async attempt(op: Op, request: () => Promise<Answer>): Promise<Answer | undefined> {
    try {
      const answer = await request();
      this.model.answered();
      op.status = answer.status;
      if (answer.status === 200 || answer.status === 201) op.outcome = 'ok';
      else if (answer.status >= 400 && answer.status < 500) op.outcome = 'refused';
      else throw new UnexpectedAnswer(`unexpected ${answer.status} for ${op.marker}: ${JSON.stringify(answer.body)}`);
      if (answer.status === 401) await this.signIn();
      return answer;
    } catch (error) {
      if (error instanceof NotDelivered) op.outcome = 'undelivered';
      else if (error instanceof UnexpectedAnswer) throw error;
      else op.outcome = 'unanswered';
      return undefined;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Checking the file

/** The counts one check of the file adds up; the run's result sums them. */
type Tally = Pick<
  CrashRunResult,
  'acknowledged' | 'refused' | 'undelivered' | 'unanswered' | 'unansweredCommitted' | 'cases' | 'historyRows' | 'deadlines' | 'tasks' | 'timersPending' | 'timersFired' | 'linkedCases'
>;

export interface CheckContext {
  catalogue: Catalogue;
  /** Names the check in each violation (`after kill 3`). */
  round: string;
  /** The process checks beyond the general ones; none when not given. */
  workload?: Workload;
  /** The restarted server's today: a timer due by then must have fired during its start. */
  today?: string;
}

/** Every check of the header comment, against the file as the restarted server sees it. */
export async function checkDatabase(databaseUrl: string, ops: Op[], { catalogue, round, workload, today }: CheckContext): Promise<{ violations: string[]; tally: Tally }> {
  const violations: string[] = [];
  const fail = (message: string) => violations.push(`[${round}] ${message}`);
  const db = await openReadOnly(databaseLocation(databaseUrl));
  try {
    // PostgreSQL checks its pages and foreign keys itself, always; SQLite is asked.
    if (db.dialect === 'sqlite') {
      const integrity = (await db.all<{ integrity_check: string }>('PRAGMA integrity_check')).map((r) => r.integrity_check);
      if (integrity.join() !== 'ok') fail(`integrity_check: ${integrity.join('; ')}`);
      const dangling = await db.all('PRAGMA foreign_key_check');
      if (dangling.length > 0) fail(`foreign_key_check: ${JSON.stringify(dangling)}`);
    }
    // The projection (case rows, deadlines, tasks, timers, links) against the history is verify-audit's to compare.
    const audit = await verifyAudit(db, catalogue);
    if (audit.firstBroken !== undefined) fail(`audit chain broken: ${JSON.stringify(audit.firstBroken)}`);
    for (const d of audit.differences) fail(`case ${d.caseId} differs from its history: ${d.what}`);

    const cases = await db.all<{ id: string; partnership: string; process: string; state: string; version: number; final: number }>(
      'SELECT id, partnership, process, state, version, final FROM cases',
    );
    const history = await db.all<CheckedRow>('SELECT case_id, seq, type, from_state, to_state, by, data, effects FROM history ORDER BY position');
    const tasks = await db.all<{ case_id: string; done: number }>('SELECT case_id, done FROM tasks');
    const timers = await db.all<{ case_id: string; event: string; fire_on: string }>('SELECT case_id, event, fire_on FROM timers');
    const deadlines = await db.get<{ n: number }>('SELECT COUNT(*) AS n FROM deadlines');

    const byCase = new Map<string, CheckedRow[]>();
    const byMarker = new Map<string, CheckedRow[]>();
    for (const row of history) {
      if (!byCase.has(row.case_id)) byCase.set(row.case_id, []);
      byCase.get(row.case_id)!.push(row);
      // A started case copies answers (a marker among them) from the step that started it: that step is the request's row.
      if ((JSON.parse(row.effects) as StepEffects).linkedFrom !== undefined) continue;
      for (const value of Object.values(JSON.parse(row.data) as Record<string, unknown>)) {
        if (typeof value === 'string' && value.startsWith('crash-')) {
          if (!byMarker.has(value)) byMarker.set(value, []);
          byMarker.get(value)!.push(row);
        }
      }
    }

    // Each case: a legal walk from its creation, ending where the case row says it is.
    for (const c of cases) {
      const definition = catalogue.partnerships.get(c.partnership)?.processes.get(c.process);
      const rows = (byCase.get(c.id) ?? []).sort((a, b) => a.seq - b.seq);
      if (definition === undefined) {
        fail(`case ${c.id} is of ${c.partnership}/${c.process}, which is not configured`);
        continue;
      }
      if (rows.length === 0) {
        fail(`case ${c.id} has no history`);
        continue;
      }
      rows.forEach((row, i) => {
        if (row.seq !== i + 1) fail(`case ${c.id}: seq ${row.seq} where ${i + 1} was due`);
        if (i === 0) {
          if (row.type !== 'CREATE' || row.from_state !== null) fail(`case ${c.id} does not start with CREATE`);
          return;
        }
        const before = rows[i - 1]!.to_state;
        if (row.from_state !== before) fail(`case ${c.id} seq ${row.seq}: from ${row.from_state} but the case was in ${before}`);
        const event = definition.events.get(before)?.get(row.type);
        if (event === undefined || !targetsOf(event, [before]).includes(row.to_state)) {
          fail(`case ${c.id} seq ${row.seq}: ${row.type} from ${before} to ${row.to_state} is not an edge of the process`);
        }
      });
      const last = rows.at(-1)!;
      const finals = new Set(Object.entries(definition.def.states).filter(([, s]) => s.final).map(([id]) => id));
      if (c.state !== last.to_state) fail(`case ${c.id} is in ${c.state} but its history ends in ${last.to_state}`);
      if (c.version !== last.seq) fail(`case ${c.id} is at version ${c.version} but its last seq is ${last.seq}`);
      if ((c.final === 1) !== finals.has(c.state)) fail(`case ${c.id}: final=${c.final} in state ${c.state}`);
      workload?.checkCase?.(c.id, rows, tasks.filter((t) => t.case_id === c.id), fail);
    }
    for (const caseId of byCase.keys()) if (!cases.some((c) => c.id === caseId)) fail(`history of a case that does not exist: ${caseId}`);
    // A timer's entry is the system's, of an event a timer of the state it left sends (calendar moves are the system's too).
    const processOf = new Map(cases.map((c) => [c.id, catalogue.partnerships.get(c.partnership)?.processes.get(c.process)]));
    const isTimer = (row: CheckedRow) =>
      row.by === 'system' && row.from_state !== null && (processOf.get(row.case_id)?.def.states[row.from_state]?.timers ?? []).some((t) => t.event === row.type);
    const timersFired = checkTimers(history.filter(isTimer), timers, today, fail);
    const linkedCases = checkLinks(history, new Set(cases.map((c) => c.id)), fail);

    // Each request: acknowledged → stored once where it was sent; refused → absent; cut off → all or nothing.
    const tally: Tally = {
      ...EMPTY_TALLY,
      cases: cases.length,
      historyRows: history.length,
      deadlines: Number(deadlines?.n ?? 0),
      tasks: tasks.length,
      timersPending: timers.length,
      timersFired,
      linkedCases,
    };
    for (const op of ops) {
      if (op.outcome === undefined) continue;
      const found = byMarker.get(op.marker) ?? [];
      if (found.length > 1) fail(`${op.marker} (${op.type}) is stored ${found.length} times`);
      const row = found[0];
      const placed = (r: CheckedRow) =>
        op.kind === 'create' ? r.seq === 1 && r.type === 'CREATE' && (op.caseId === undefined || r.case_id === op.caseId) : r.case_id === op.caseId && r.type === op.type && r.seq === op.expectedVersion! + 1;
      if (op.outcome === 'ok') {
        tally.acknowledged++;
        if (row === undefined) fail(`${op.marker}: ${op.type} was acknowledged (${op.status}) but is not in the history`);
        else if (!placed(row)) fail(`${op.marker}: ${op.type} stored as ${row.type} seq ${row.seq} of ${row.case_id}, not where it was sent`);
      } else if (op.outcome === 'refused' || op.outcome === 'undelivered') {
        tally[op.outcome]++;
        if (row !== undefined) fail(`${op.marker}: ${op.type} was refused (${op.status ?? 'not delivered'}) but is in the history`);
      } else {
        tally.unanswered++;
        if (row !== undefined) {
          tally.unansweredCommitted++;
          if (!placed(row)) fail(`${op.marker}: unanswered ${op.type} stored as ${row.type} seq ${row.seq}, not where it was sent`);
        }
      }
    }
    return { violations, tally };
  } finally {
    await db.close();
  }
}

const EMPTY_TALLY: Tally = {
  acknowledged: 0,
  refused: 0,
  undelivered: 0,
  unanswered: 0,
  unansweredCommitted: 0,
  cases: 0,
  historyRows: 0,
  deadlines: 0,
  tasks: 0,
  timersPending: 0,
  timersFired: 0,
  linkedCases: 0,
};

/**
 * Each timer fires at most once (one entry per case and event among `timerEntries`, the history's timer
 * entries), and once a start has completed none that was due by its today is still waiting: a start
 * killed while it fired them leaves the rest to the next. Returns how many timer entries there are.
 */
export function checkTimers(timerEntries: readonly CheckedRow[], timers: readonly { case_id: string; event: string; fire_on: string }[], today: string | undefined, fail: (message: string) => void): number {
  const fired = new Map<string, number>();
  for (const row of timerEntries) {
    const key = `${row.case_id} ${row.type}`;
    fired.set(key, (fired.get(key) ?? 0) + 1);
  }
  for (const [key, times] of fired) if (times > 1) fail(`timer ${key} fired ${times} times`);
  if (today !== undefined) {
    for (const t of timers) if (t.fire_on <= today) fail(`timer ${t.event} of case ${t.case_id} was due on ${t.fire_on} but had not fired when the server served on ${today}`);
  }
  return [...fired.values()].reduce((sum, n) => sum + n, 0);
}

/**
 * A linked case exists exactly when the step that started it is in the history: every case a step
 * says it started exists and was created linked from that case; every case created linked from
 * another was started by one of that case's steps, once. Returns how many started cases there are.
 */
export function checkLinks(history: readonly CheckedRow[], caseIds: ReadonlySet<string>, fail: (message: string) => void): number {
  const startedBy = new Map<string, string[]>();
  const linkedFrom = new Map<string, LinkRef>();
  for (const row of history) {
    const effects = JSON.parse(row.effects) as StepEffects;
    for (const started of effects.startedCases ?? []) startedBy.set(started.caseId, [...(startedBy.get(started.caseId) ?? []), row.case_id]);
    if (effects.linkedFrom !== undefined) linkedFrom.set(row.case_id, effects.linkedFrom);
  }
  for (const [started, starters] of startedBy) {
    if (starters.length > 1) fail(`case ${started} was started ${starters.length} times (by ${starters.join(', ')})`);
    if (!caseIds.has(started)) fail(`case ${starters[0]} says it started case ${started}, which does not exist`);
    else if (linkedFrom.get(started)?.caseId !== starters[0]) fail(`case ${started}, started by ${starters[0]}, was not created linked from it`);
  }
  for (const [linked, from] of linkedFrom) if (startedBy.get(linked)?.[0] !== from.caseId) fail(`case ${linked} says case ${from.caseId} started it, but no step of that case did`);
  return startedBy.size;
}

// ---------------------------------------------------------------------------------------------
// The run

/** How many timers are waiting (those due by `dueBy` alone, when given). */
export async function timersWaiting(databaseUrl: string, dueBy?: string): Promise<number> {
  const db = await openReadOnly(databaseLocation(databaseUrl));
  try {
    const row = dueBy === undefined ? await db.get<{ n: number }>('SELECT COUNT(*) AS n FROM timers') : await db.get<{ n: number }>('SELECT COUNT(*) AS n FROM timers WHERE fire_on <= ?', [dueBy]);
    return Number(row!.n);
  } finally {
    await db.close();
  }
}

/** A small seeded generator, so a failing run can be repeated with CRASH_SEED. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

/** The seed of a run: CRASH_SEED repeats one. */
export function crashSeed(): number {
  return Number(process.env.CRASH_SEED ?? Math.floor(Math.random() * 2 ** 31));
}

/**
 * Starts the clients sending flat out, each with one request in flight. `stop` lets no new request
 * start, runs `whileInFlight` (a kill) as the last ones are still on their way, and waits for them.
 * A 5xx or a body that is not JSON goes into `violations`.
 */
export function startLoad(clients: readonly Client[], violations: string[]): { stop(whileInFlight?: () => Promise<void>): Promise<void> } {
  let running = true;
  const loops = clients.map(async (client) => {
    while (running) {
      try {
        await client.step();
      } catch (error) {
        if (error instanceof UnexpectedAnswer) violations.push(error.message);
        else await sleep(5);
      }
    }
  });
  return {
    async stop(whileInFlight = async () => {}) {
      running = false;
      await whileInFlight();
      await Promise.all(loops);
    },
  };
}

export async function crashRun(options: Partial<CrashRunOptions> = {}): Promise<CrashRunResult> {
  const { kills, clients: clientCount, answersPerRound, startupKillShare, databaseUrl: given, workload = DISPUTES, log = () => {} } = { ...DEFAULT_OPTIONS, ...options };
  const started = Date.now();
  const seed = crashSeed();
  const random = mulberry32(seed);
  log(`crash run: ${kills} kills, ${clientCount} clients, ${workload.partnership}/${workload.process}, seed ${seed} (repeat with CRASH_SEED=${seed})`);

  const loaded = loadCatalogue(PROJECT_ROOT);
  if (!loaded.ok) throw new Error('the configuration does not load');

  const dir = mkdtempSync(join(tmpdir(), 'crash-run-'));
  const databaseUrl = given ?? `sqlite:${join(dir, 'db.sqlite')}`;
  const model = new Model(seed.toString(36), workload);
  const server = new ChildServer({ DATABASE_URL: databaseUrl, WORKFLOW_NOW: model.today });
  const clients = Array.from({ length: clientCount }, () => new Client(server, model, random));
  const violations: string[] = [];
  let kill = 0;
  let killsDuringStartup = 0;
  /** How long the last start took to serve: start-up kills land at a random moment within it. */
  let startupMs = 1000;
  const startTimed = async () => {
    const began = Date.now();
    await server.start();
    startupMs = Date.now() - began;
  };
  let transitionChecks = 0;
  let timersWaitingMost = 0;
  let tally = EMPTY_TALLY;
  /** The day the servers run on after `kill` kills: the workload's days, each for an equal share of the kills. */
  const moveDay = (): boolean => {
    const day = workload.days[Math.min(workload.days.length - 1, Math.floor((kill * workload.days.length) / kills))]!;
    if (day === model.today) return false;
    model.today = day;
    server.setEnv({ WORKFLOW_NOW: day });
    log(`the servers' today moves to ${day}`);
    return true;
  };
  let dueTimersLeftByKills = 0;

  try {
    await startTimed();
    for (const client of clients) await client.signIn();

    while (kill < kills) {
      // Clients run flat out until the kill; each keeps one request in flight.
      const target = answersPerRound[0] + Math.floor(random() * (answersPerRound[1] - answersPerRound[0] + 1));
      const enough = model.moreAnswers(target);
      const load = startLoad(clients, violations);
      await enough;
      // No new requests from here; those in flight meet the kill.
      await load.stop(() => server.kill());
      log(`kill ${++kill}: under load, ${model.ops.length} requests so far`);
      // Time passes while the server is down: the timers whose date has come fire as it starts (or as it is killed starting).
      const dayMoved = moveDay();
      // Until one has landed, every round tries a kill during start-up: a run without one proves nothing about it.
      // So does the first start on a new day, which fires the timers that came due: a kill may cut that short.
      if (kill < kills && (killsDuringStartup === 0 || dayMoved || random() < startupKillShare)) {
        // Killed again while starting (migrations, due timers, listening): the next start must cope.
        const starting = server.start().catch(() => undefined);
        // The moment is random within the time the last start took; whether it was still starting is read, not assumed.
        await Promise.race([starting, sleep(random() * startupMs * 0.9)]);
        const duringStartup = !server.serving;
        await server.kill();
        await starting;
        kill++;
        if (duringStartup) killsDuringStartup++;
        const left = dayMoved ? await timersWaiting(databaseUrl, model.today) : 0;
        dueTimersLeftByKills += left;
        log(`kill ${kill}: ${duringStartup ? 'during start-up' : 'just after start-up'}${dayMoved ? `, ${left} due timer(s) left unfired` : ''}`);
      }
      await startTimed();
      const checked = await checkDatabase(databaseUrl, model.ops, { catalogue: loaded.catalogue, round: `after kill ${kill}`, workload, today: model.today });
      violations.push(...checked.violations);
      tally = checked.tally;
      timersWaitingMost = Math.max(timersWaitingMost, tally.timersPending);
      transitionChecks += tally.acknowledged;
      if (checked.violations.length > 0) break;
    }
  } finally {
    await server.stop().catch(() => undefined);
    if (violations.length === 0) rmSync(dir, { recursive: true, force: true });
    else log(`the database is kept for inspection: ${redactPassword(databaseUrl)}`);
  }
  return {
    kills: kill,
    killsDuringStartup,
    requests: model.ops.length,
    ...tally,
    timersWaitingMost,
    dueTimersLeftByKills,
    transitionChecks,
    violations,
    seconds: Math.round((Date.now() - started) / 100) / 10,
  };
}

export function formatSummary(r: CrashRunResult): string {
  return [
    `kills survived:                 ${r.kills} (${r.killsDuringStartup} during start-up), each followed by a full check`,
    `requests sent:                  ${r.requests}`,
    `transitions acknowledged:       ${r.acknowledged} (all found in the history, at the seq they were sent for)`,
    `refused with a 4xx:             ${r.refused} (none stored)`,
    `never delivered:                ${r.undelivered} (none stored)`,
    `cut off by a kill:              ${r.unanswered} (${r.unansweredCommitted} committed whole, the rest not at all)`,
    `cases:                          ${r.cases}, history rows ${r.historyRows}, hash chain (and SQLite's integrity_check) verified`,
    `cache tables (= the history):   ${r.deadlines} deadlines, ${r.tasks} tasks, ${r.timersPending} timers waiting (${r.timersWaitingMost} at the most); ${r.timersFired} timers fired (each once; ${r.dueTimersLeftByKills} left due by a start-up kill), ${r.linkedCases} linked cases`,
    `transition checks (all rounds): ${r.transitionChecks}`,
    `violations:                     ${r.violations.length}`,
    `time:                           ${r.seconds} s`,
  ].join('\n');
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const { values } = parseArgs({ options: { kills: { type: 'string' }, clients: { type: 'string' }, database: { type: 'string' }, workload: { type: 'string' } } });
  const workloads: Record<string, Workload> = { disputes: DISPUTES, scr: SCR_TRANSITIONS };
  const workload = workloads[values.workload ?? 'disputes'];
  if (workload === undefined) throw new Error(`--workload is one of ${Object.keys(workloads).join(', ')}`);
  const result = await crashRun({
    workload,
    kills: values.kills === undefined ? 40 : Number(values.kills),
    clients: values.clients === undefined ? 6 : Number(values.clients),
    databaseUrl: values.database,
    log: (line) => console.log(line),
  });
  console.log(`\n${formatSummary(result)}`);
  for (const violation of result.violations.slice(0, 50)) console.error(`VIOLATION ${violation}`);
  process.exitCode = result.violations.length > 0 ? 1 : 0;
}
