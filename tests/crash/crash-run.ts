/**
 * The crash run: "nothing acknowledged is ever lost, nothing refused is ever kept".
 *
 * It starts the real server as a child process on a SQLite file (or the PostgreSQL database it is given), lets several clients create
 * Merton disputes and send events with `expectedVersion` at the same time, and kills the server
 * with SIGKILL at random moments (at least one, and some more, while it is still starting). After every restart it opens
 * the file and checks every request it has ever made:
 *
 * - every transition answered 200/201 is in the history, exactly once, at the seq it was sent for;
 * - no transition that was refused (any 4xx, or never delivered) is;
 * - a transition that got no answer is there once or not at all, and if there, with everything
 *   that belongs to it (the case row moved with it; its tasks exist);
 * - each case's history is a legal walk of the process (seq 1, 2, 3…; each `from` is the previous
 *   `to`; each edge exists in the definition), its state is the last `to`, its version the last seq;
 * - the hash chain verifies, `PRAGMA integrity_check` is ok and no foreign key dangles;
 * - every answer the server completes is JSON and no 5xx: anything else is a violation, never
 *   mistaken for an answer cut off by a kill.
 *
 * Each transition carries a unique marker in its form data, so the file says which request it came from.
 *
 *   npm run test:crash [-- --kills 50 --clients 6]
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
import type { Catalogue, CompiledProcess } from '../../server/engine/catalogue.ts';
import { verifyAudit } from '../../server/store/audit.ts';
import { databaseLocation, redactPassword } from '../../server/main.ts';
import { openReadOnly } from '../../server/store/database.ts';
import { ChildServer, NotServingError } from '../support/child-server.ts';

const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const TODAY = '2020-10-01';

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
  /** Checks of one acknowledged transition against the file, summed over the restarts. */
  transitionChecks: number;
  violations: string[];
  seconds: number;
}

export const DEFAULT_OPTIONS: CrashRunOptions = { kills: 20, clients: 4, answersPerRound: [5, 40], startupKillShare: 0.15 };

// ---------------------------------------------------------------------------------------------
// The server as a child process

// The server runs as a child process: tests/support/child-server.ts, on port 0 at every start.

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
class UnexpectedAnswer extends Error {}

class Session {
  private cookie = '';
  private csrfToken = '';

  constructor(
    private readonly server: ChildServer,
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
class Model {
  open = new Map<string, KnownCase>();
  ops: Op[] = [];
  private counter = 0;
  private answers = 0;
  private waiting: { count: number; done: () => void } | undefined;

  constructor(private readonly runId: string) {}

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

const ATTENDED = ['lb-merton'];
const ABSENT = 'merton-ccg';

/** The next request for a case in `state`, with the marker in a free-text field of its form. */
function nextEvent(state: string, marker: string, random: () => number): { role: string; type: string; data: Record<string, unknown> } | undefined {
  const roll = random();
  if (roll < 0.04) return { role: 'business-unit', type: 'WITHDRAW', data: { reason: marker } };
  switch (state) {
    case 'stage-1-partners-meet':
      return { role: 'statutory-partner', type: 'UNRESOLVED', data: { attendees: ATTENDED, reason: marker } };
    case 'stage-2-arbitration':
    case 'stage-3-determination':
      if (roll < 0.08) {
        // Refused by its guard (that partner attended): must never be stored.
        return { role: 'independent-person', type: 'LETTER_SENT', data: { partner: ATTENDED[0], sentOn: TODAY, reference: marker } };
      }
      if (roll < 0.2) {
        return state === 'stage-2-arbitration'
          ? { role: 'independent-person', type: 'UNRESOLVED', data: { reason: marker } }
          : { role: 'independent-person', type: 'DETERMINED', data: { determination: marker } };
      }
      // Recording a letter keeps the case where it is, so cases live long and collect many transitions.
      return { role: 'independent-person', type: 'LETTER_SENT', data: { partner: ABSENT, sentOn: TODAY, reference: marker } };
    default:
      return undefined;
  }
}

const ROLES = ['statutory-partner', 'independent-person', 'business-unit'] as const;

class Client {
  sessions = new Map<string, Session>();
  inFlight: Promise<void> | undefined;

  constructor(
    server: ChildServer,
    private readonly model: Model,
    private readonly random: () => number,
  ) {
    for (const role of ROLES) this.sessions.set(role, new Session(server, `merton.${role}`));
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
    const event = nextEvent(known.state, marker, this.random);
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
    const answer = await this.attempt(op, () =>
      this.sessions.get('statutory-partner')!.send('POST', '/api/partnerships/merton/processes/dispute-resolution/cases', { data: { summary: marker } }),
    );
    if (answer?.status === 201) {
      op.caseId = answer.body.id;
      this.model.learn(answer.body);
    }
  }

  private async refresh(known: KnownCase): Promise<void> {
    try {
      const answer = await this.sessions.get('business-unit')!.send('GET', `/api/cases/${known.id}`);
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
type Tally = Pick<CrashRunResult, 'acknowledged' | 'refused' | 'undelivered' | 'unanswered' | 'unansweredCommitted' | 'cases' | 'historyRows'>;

/** Every check of the header comment, against the file as the restarted server sees it. */
export async function checkDatabase(databaseUrl: string, ops: Op[], definition: CompiledProcess, catalogue: Catalogue, round: string): Promise<{ violations: string[]; tally: Tally }> {
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
    const audit = await verifyAudit(db, catalogue);
    if (audit.firstBroken !== undefined) fail(`audit chain broken: ${JSON.stringify(audit.firstBroken)}`);
    for (const d of audit.differences) fail(`case ${d.caseId} differs from its history: ${d.what}`);

    const cases = await db.all<{ id: string; state: string; version: number; final: number; data: string }>('SELECT id, state, version, final, data FROM cases');
    const history = await db.all<{ case_id: string; seq: number; type: string; from_state: string | null; to_state: string; data: string }>(
      'SELECT case_id, seq, type, from_state, to_state, data FROM history ORDER BY position',
    );
    const tasks = await db.all<{ case_id: string; done: number }>('SELECT case_id, done FROM tasks');

    const byCase = new Map<string, typeof history>();
    const byMarker = new Map<string, (typeof history)[number][]>();
    for (const row of history) {
      if (!byCase.has(row.case_id)) byCase.set(row.case_id, []);
      byCase.get(row.case_id)!.push(row);
      for (const value of Object.values(JSON.parse(row.data) as Record<string, unknown>)) {
        if (typeof value === 'string' && value.startsWith('crash-')) {
          if (!byMarker.has(value)) byMarker.set(value, []);
          byMarker.get(value)!.push(row);
        }
      }
    }

    // Each case: a legal walk from its creation, ending where the case row says it is.
    const finals = new Set(Object.entries(definition.def.states).filter(([, s]) => s.final).map(([id]) => id));
    for (const c of cases) {
      const rows = (byCase.get(c.id) ?? []).sort((a, b) => a.seq - b.seq);
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
      if (c.state !== last.to_state) fail(`case ${c.id} is in ${c.state} but its history ends in ${last.to_state}`);
      if (c.version !== last.seq) fail(`case ${c.id} is at version ${c.version} but its last seq is ${last.seq}`);
      if ((c.final === 1) !== finals.has(c.state)) fail(`case ${c.id}: final=${c.final} in state ${c.state}`);
      // Derived rows belong to the transition that made them: tasks exist exactly when stage 1 ended unresolved.
      const caseTasks = tasks.filter((t) => t.case_id === c.id);
      const escalated = rows.some((r) => r.type === 'UNRESOLVED' && r.from_state === 'stage-1-partners-meet');
      if (escalated !== caseTasks.length > 0) fail(`case ${c.id}: ${caseTasks.length} task(s), but stage 1 ${escalated ? 'was' : 'was not'} unresolved`);
      const lettered = rows.some((r) => r.type === 'LETTER_SENT');
      if (lettered !== caseTasks.some((t) => t.done === 1)) fail(`case ${c.id}: a letter ${lettered ? 'was' : 'was not'} recorded but the tasks disagree`);
    }
    for (const caseId of byCase.keys()) if (!cases.some((c) => c.id === caseId)) fail(`history of a case that does not exist: ${caseId}`);

    // Each request: acknowledged → stored once where it was sent; refused → absent; cut off → all or nothing.
    const tally: Tally = { acknowledged: 0, refused: 0, undelivered: 0, unanswered: 0, unansweredCommitted: 0, cases: cases.length, historyRows: history.length };
    for (const op of ops) {
      if (op.outcome === undefined) continue;
      const found = byMarker.get(op.marker) ?? [];
      if (found.length > 1) fail(`${op.marker} (${op.type}) is stored ${found.length} times`);
      const row = found[0];
      const placed = (r: (typeof history)[number]) =>
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

// ---------------------------------------------------------------------------------------------
// The run

/** A small seeded generator, so a failing run can be repeated with CRASH_SEED. */
function mulberry32(seed: number): () => number {
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

export async function crashRun(options: Partial<CrashRunOptions> = {}): Promise<CrashRunResult> {
  const { kills, clients: clientCount, answersPerRound, startupKillShare, databaseUrl: given, log = () => {} } = { ...DEFAULT_OPTIONS, ...options };
  const started = Date.now();
  const seed = Number(process.env.CRASH_SEED ?? Math.floor(Math.random() * 2 ** 31));
  const random = mulberry32(seed);
  log(`crash run: ${kills} kills, ${clientCount} clients, seed ${seed} (repeat with CRASH_SEED=${seed})`);

  const loaded = loadCatalogue(PROJECT_ROOT);
  if (!loaded.ok) throw new Error('the configuration does not load');
  const definition = loaded.catalogue.partnerships.get('merton')!.processes.get('dispute-resolution')!;

  const dir = mkdtempSync(join(tmpdir(), 'crash-run-'));
  const databaseUrl = given ?? `sqlite:${join(dir, 'db.sqlite')}`;
  const server = new ChildServer({ DATABASE_URL: databaseUrl, WORKFLOW_NOW: TODAY });
  const model = new Model(seed.toString(36));
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
  let tally: Tally = { acknowledged: 0, refused: 0, undelivered: 0, unanswered: 0, unansweredCommitted: 0, cases: 0, historyRows: 0 };

  try {
    await startTimed();
    for (const client of clients) await client.signIn();

    while (kill < kills) {
      // Clients run flat out until the kill; each keeps one request in flight.
      let running = true;
      const target = answersPerRound[0] + Math.floor(random() * (answersPerRound[1] - answersPerRound[0] + 1));
      const enough = model.moreAnswers(target);
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
      await enough;
      // No new requests from here; those in flight meet the kill.
      running = false;
      await server.kill();
      await Promise.all(loops);
      log(`kill ${++kill}: under load, ${model.ops.length} requests so far`);
      // Until one has landed, every round tries a kill during start-up: a run without one proves nothing about it.
      if (kill < kills && (killsDuringStartup === 0 || random() < startupKillShare)) {
        // Killed again while starting (migrations, due timers, listening): the next start must cope.
        const starting = server.start().catch(() => undefined);
        // The moment is random within the time the last start took; whether it was still starting is read, not assumed.
        await Promise.race([starting, sleep(random() * startupMs * 0.9)]);
        const duringStartup = !server.serving;
        await server.kill();
        await starting;
        kill++;
        if (duringStartup) killsDuringStartup++;
        log(`kill ${kill}: ${duringStartup ? 'during start-up' : 'just after start-up'}`);
      }
      await startTimed();
      const checked = await checkDatabase(databaseUrl, model.ops, definition, loaded.catalogue, `after kill ${kill}`);
      violations.push(...checked.violations);
      tally = checked.tally;
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
    `transition checks (all rounds): ${r.transitionChecks}`,
    `violations:                     ${r.violations.length}`,
    `time:                           ${r.seconds} s`,
  ].join('\n');
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const { values } = parseArgs({ options: { kills: { type: 'string' }, clients: { type: 'string' }, database: { type: 'string' } } });
  const result = await crashRun({
    kills: values.kills === undefined ? 40 : Number(values.kills),
    clients: values.clients === undefined ? 6 : Number(values.clients),
    databaseUrl: values.database,
    log: (line) => console.log(line),
  });
  console.log(`\n${formatSummary(result)}`);
  for (const violation of result.violations.slice(0, 50)) console.error(`VIOLATION ${violation}`);
  process.exitCode = result.violations.length > 0 ? 1 : 0;
}
