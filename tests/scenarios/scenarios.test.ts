/**
 * Runs every scenario file under workflows/<partnership>/scenarios/ against the real server, over HTTP,
 * one server and one fresh SQLite database per file with "today" fixed at the file's `today`.
 * The last test checks that the scenarios, together, walk every path of the catalogue: every
 * transition and route branch, every guard's refusal, and a role refusal per process.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { parse } from 'yaml';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { loadCatalogue } from '../../server/config/index.ts';
import { routesOf, sourceStates } from '../../server/engine/catalogue.ts';
import {
  caseProblems,
  errorOf,
  errorProblems,
  isCaseView,
  scenarioActor,
  subsetProblems,
  type CaseView,
  type Reply,
  type Scenario,
  type ScenarioFile,
} from '../../scripts/cli/expectations.ts';

const addFormats = (addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ?? addFormatsModule;

const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const WORKFLOWS = join(ROOT, 'workflows');

const ajv = new Ajv2020({ allErrors: true, strict: true, strictRequired: false });
addFormats(ajv);
const validateScenarioFile = ajv.compile(JSON.parse(readFileSync(join(WORKFLOWS, 'scenario.schema.json'), 'utf8')) as object);

function scenarioFiles(): { partnership: string; path: string }[] {
  const found: { partnership: string; path: string }[] = [];
  for (const entry of readdirSync(WORKFLOWS, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    const dir = join(WORKFLOWS, entry.name, 'scenarios');
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      continue;
    }
    for (const name of names.filter((n) => n.endsWith('.yaml')).sort()) found.push({ partnership: entry.name, path: join(dir, name) });
  }
  return found;
}

// ------------------------------------------------------------------ what the catalogue asks to be walked

const loaded = loadCatalogue(ROOT);
if (!loaded.ok) throw new Error(`The configuration does not load: ${loaded.problems.map((p) => `${p.file}:${p.line}: ${p.message}`).join('\n')}`);
const catalogue = loaded.catalogue;

const seen = {
  transitions: new Set<string>(),
  guards: new Set<string>(),
  forbidden: new Set<string>(),
};

function recordCase(view: CaseView): void {
  for (const h of view.history) seen.transitions.add([view.partnership, view.process, h.from ?? '', h.type, h.to].join('|'));
}

// ------------------------------------------------------------------ a small HTTP client

interface Session {
  cookie: string;
  csrfToken: string;
}

class Client {
  private readonly sessions = new Map<string, Session>();
  constructor(readonly baseUrl: string) {}

  async session(username: string): Promise<Session> {
    const known = this.sessions.get(username);
    if (known) return known;
    const res = await fetch(`${this.baseUrl}/api/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password: 'demo' }),
    });
    const body = (await res.json()) as { csrfToken?: string };
    if (res.status !== 200 || typeof body.csrfToken !== 'string') {
      throw new Error(`Could not sign in as ${username}: ${res.status} ${JSON.stringify(body)} (is "${username.split('.')[1]}" a role of ${username.split('.')[0]}?)`);
    }
    const cookie = res.headers
      .getSetCookie()
      .map((c) => c.split(';')[0]!)
      .join('; ');
    const session = { cookie, csrfToken: body.csrfToken };
    this.sessions.set(username, session);
    return session;
  }

  async request(username: string, method: 'GET' | 'POST', path: string, body?: unknown): Promise<Reply> {
    const session = await this.session(username);
    const headers: Record<string, string> = { cookie: session.cookie, accept: 'application/json' };
    if (method !== 'GET') {
      headers['content-type'] = 'application/json';
      headers['x-csrf-token'] = session.csrfToken;
    }
    const res = await fetch(`${this.baseUrl}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text === '' ? null : JSON.parse(text);
    } catch {
      // Leave non-JSON bodies as text; the failure message shows them.
    }
    return { status: res.status, body: parsed };
  }
}

// ------------------------------------------------------------------ running a scenario

interface StartServer {
  (options: { port?: number; host?: string; databaseUrl?: string; now?: string; demo?: boolean; root?: string }): Promise<{ url: string; close(): Promise<void> }>;
}

/** The running server of a file; `restart` stops it and starts another on the same database, at a new today. */
interface Server {
  client: Client;
  restart(today: string): Promise<void>;
}

async function runScenario(server: Server, file: ScenarioFile, partnership: string, scenario: Scenario): Promise<void> {
  let client = server.client;
  let current: CaseView | undefined;
  const versions = new Map<string, number>();
  const remember = (view: CaseView) => {
    versions.set(view.id, view.version);
    recordCase(view);
  };
  const usernameOf = scenarioActor(partnership);

  for (const [index, step] of scenario.steps.entries()) {
    const label = `step ${index + 1}${step.note ? ` (${step.note})` : ''}`;
    const e = step.expect ?? {};
    if (step.restart) {
      await server.restart(step.restart.today);
      client = server.client;
      continue;
    }
    if (step.case !== undefined && step.case !== 'previous') {
      if (!current) throw new Error(`${label}: no case to follow a link from`);
      const relation = step.case.linked;
      const link = current.links.find((l) => l.relation === relation);
      if (!link) throw new Error(`${label}: the case has no link "${relation}" (links: ${current.links.map((l) => l.relation).join(', ') || 'none'})`);
      const linked = await client.request(usernameOf(step.create?.as ?? step.event?.as ?? step.get?.as), 'GET', `/api/cases/${link.id}`);
      if (!isCaseView(linked.body)) throw new Error(`${label}: could not read the linked case: ${linked.status} ${JSON.stringify(linked.body)}`);
      current = linked.body;
      remember(current);
    }

    let reply: Reply;
    let defaultStatus = 200;
    let processId = current?.process ?? file.process;
    if (step.create) {
      defaultStatus = 201;
      const p = step.create.partnership ?? partnership;
      processId = step.create.process ?? file.process;
      reply = await client.request(usernameOf(step.create.as), 'POST', `/api/partnerships/${p}/processes/${processId}/cases`, { data: step.create.data ?? {} });
      if (reply.status === 201 && isCaseView(reply.body)) current = reply.body;
    } else if (step.event) {
      if (!current) throw new Error(`${label}: an event needs a case; start the scenario with a create step`);
      const expectedVersion = step.event.expectedVersion ?? versions.get(current.id) ?? current.version;
      reply = await client.request(usernameOf(step.event.as), 'POST', `/api/cases/${current.id}/events`, {
        type: step.event.type,
        data: step.event.data ?? {},
        expectedVersion,
      });
      if (reply.status === 200 && isCaseView(reply.body)) current = reply.body;
    } else if (step.get) {
      if (!current) throw new Error(`${label}: nothing to get; start the scenario with a create step`);
      reply = await client.request(usernameOf(step.get.as), 'GET', `/api/cases/${current.id}`);
      if (reply.status === 200 && isCaseView(reply.body)) current = reply.body;
    } else {
      const report = (step.escalationLog ?? step.summary)!;
      const query = new URLSearchParams({ ...(report.from ? { from: report.from } : {}), ...(report.to ? { to: report.to } : {}) });
      const path = step.escalationLog ? 'escalation-log' : 'reports/summary';
      reply = await client.request(usernameOf(report.as), 'GET', `/api/partnerships/${partnership}/${path}?${query}`);
    }
    if (current && isCaseView(reply.body)) remember(current);

    const error = errorOf(reply.body);
    const eventType = step.create ? 'CREATE' : step.event?.type;
    if (error?.code === 'guard_rejected' && Array.isArray(error.details)) {
      for (const d of error.details as { guard?: string }[]) seen.guards.add([partnership, processId, eventType, d.guard].join('|'));
    }
    if (error?.code === 'forbidden') seen.forbidden.add([partnership, processId].join('|'));

    const problems: string[] = [];
    const wantStatus = e.status ?? defaultStatus;
    if (reply.status !== wantStatus) {
      problems.push(`status: expected ${wantStatus}, got ${reply.status}: ${JSON.stringify(reply.body)}`);
    }
    problems.push(...errorProblems(reply, e));
    if (step.summary) {
      if (e.report !== undefined) {
        const processes = (reply.body as { processes?: { process: string }[] } | null)?.processes ?? [];
        const entry = processes.find((x) => x.process === file.process);
        if (!entry) problems.push(`report: no entry for ${file.process} in ${JSON.stringify(reply.body)}`);
        else problems.push(...subsetProblems(entry, e.report, 'report'));
      }
    } else if (step.escalationLog) {
      if (e.rows !== undefined) {
        const rows = Array.isArray(reply.body) ? (reply.body as { caseId?: string }[]).filter((r) => r.caseId === current?.id) : [];
        if (rows.length !== e.rows.length) problems.push(`rows: expected ${e.rows.length} for this case, got ${rows.length}: ${JSON.stringify(rows)}`);
        else e.rows.forEach((want, i) => problems.push(...subsetProblems(rows[i], want, `rows[${i}]`)));
      }
    } else {
      const wantsCase = ['state', 'final', 'version', 'deadlines', 'tasks', 'links', 'data', 'available', 'history'].some((k) => k in e);
      if (wantsCase) {
        let view = isCaseView(reply.body) ? reply.body : undefined;
        // After a refusal, read the case again: nothing should have changed.
        if (!view && current) {
          const again = await client.request(usernameOf(undefined), 'GET', `/api/cases/${current.id}`);
          view = isCaseView(again.body) ? again.body : undefined;
        }
        if (!view) problems.push('no case to compare with');
        else problems.push(...caseProblems(view, e));
      }
    }
    if (problems.length > 0) {
      const what = step.create ? `create ${processId}` : step.event ? `event ${step.event.type}` : step.get ? 'get' : step.summary ? 'summary report' : 'escalation log';
      throw new Error(`${label}: ${what} as ${usernameOf(undefined)} (case in ${current?.state ?? 'no state'}):\n  - ${problems.join('\n  - ')}`);
    }
  }
}

// ------------------------------------------------------------------ the tests

const files = scenarioFiles();

describe('scenario files', () => {
  test('every process of every partnership has at least one scenario file', () => {
    const missing: string[] = [];
    for (const [p, partnership] of catalogue.partnerships) {
      for (const processId of partnership.processes.keys()) {
        const has = files.some((f) => f.partnership === p && (basename(f.path) === `${processId}.yaml` || basename(f.path).startsWith(`${processId}.`)));
        if (!has) missing.push(`workflows/${p}/scenarios/${processId}.yaml`);
      }
    }
    expect(missing, `add scenarios: ${missing.join(', ')}`).toEqual([]);
  });
});

for (const { partnership, path } of files) {
  const name = relative(ROOT, path);
  const file = parse(readFileSync(path, 'utf8')) as ScenarioFile;

  describe(name, () => {
    let running: { url: string; close(): Promise<void> } | undefined;
    let dir: string | undefined;
    let server: Server | undefined;
    const shapeOk = validateScenarioFile(file);
    const shapeErrors = (validateScenarioFile.errors ?? [])
      .map((e) => {
        const extra = (e.params as { additionalProperty?: string }).additionalProperty;
        return `${name}${e.instancePath}: ${e.message ?? 'is not valid'}${extra ? ` ("${extra}")` : ''}`;
      })
      .join('\n');

    beforeAll(async () => {
      if (!shapeOk) return;
      // Through a variable, so the type check does not depend on the server module while it is being written.
      const mainModule = '../../server/main.ts';
      const { startServer } = (await import(mainModule)) as { startServer: StartServer };
      dir = mkdtempSync(join(tmpdir(), 'scenarios-'));
      const databaseUrl = `sqlite:${join(dir, 'db.sqlite')}`;
      const start = async (today: string) => {
        running = await startServer({ port: 0, host: '127.0.0.1', databaseUrl, now: today, demo: true, root: ROOT });
        return new Client(running.url);
      };
      const current: Server = {
        client: await start(file.today),
        async restart(today) {
          await running?.close();
          running = undefined;
          current.client = await start(today);
        },
      };
      server = current;
    });

    afterAll(async () => {
      await running?.close();
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    test('matches workflows/scenario.schema.json', () => {
      expect(shapeOk, shapeErrors).toBe(true);
      expect(catalogue.partnerships.get(partnership)?.processes.has(file.process), `${partnership} has no process "${file.process}"`).toBe(true);
    });

    for (const scenario of shapeOk ? file.scenarios : []) {
      test(scenario.name, async () => {
        if (!server) throw new Error('the server did not start');
        await runScenario(server, file, partnership, scenario);
      });
    }
  });
}

describe('coverage of the catalogue by the scenarios', () => {
  test('every transition, route branch, guard refusal and a role refusal of every process', () => {
    const missingTransitions: string[] = [];
    const missingGuards: string[] = [];
    const missingForbidden: string[] = [];
    for (const [p, partnership] of catalogue.partnerships) {
      for (const [processId, process] of partnership.processes) {
        const { def } = process;
        for (const route of routesOf(def.start)) {
          const key = [p, processId, '', 'CREATE', route.to].join('|');
          if (!seen.transitions.has(key)) missingTransitions.push(`${p}/${processId}: create → ${route.to}`);
        }
        for (const event of def.events) {
          // Every source state and every route branch; with neither `to` nor `routes` the case stays put.
          const paths = sourceStates(event, def.states).flatMap((from) => {
            const targets = routesOf(event).map((r) => r.to);
            return (targets.length > 0 ? targets : [from]).map((to) => ({ from, to }));
          });
          const walked = paths.filter(({ from, to }) => seen.transitions.has([p, processId, from, event.type, to].join('|')));
          const recordsAnywhere = event.from === '*' || (routesOf(event).length === 0 && paths.length > 3);
          if (recordsAnywhere) {
            // An event allowed everywhere (WITHDRAW), or one that records something in many states,
            // needs walking from a few states, not all.
            const enough = Math.min(2, paths.length);
            if (walked.length < enough) missingTransitions.push(`${p}/${processId}: ${event.type} from at least ${enough} states (walked ${walked.length})`);
          } else {
            for (const path of paths.filter((x) => !walked.includes(x))) missingTransitions.push(`${p}/${processId}: ${event.type} ${path.from} → ${path.to}`);
          }
        }
        const guarded: [string, { id: string }[] | undefined][] = [['CREATE', def.start.guards], ...def.events.map((e) => [e.type, e.guards] as [string, { id: string }[] | undefined])];
        for (const [type, guards] of guarded) {
          for (const guard of guards ?? []) {
            if (!seen.guards.has([p, processId, type, guard.id].join('|'))) missingGuards.push(`${p}/${processId}: ${type} refused by ${guard.id}`);
          }
        }
        if (!seen.forbidden.has([p, processId].join('|'))) missingForbidden.push(`${p}/${processId}`);
      }
    }
    expect(missingTransitions, 'transitions no scenario walks').toEqual([]);
    expect(missingGuards, 'guards no scenario sees refuse').toEqual([]);
    expect(missingForbidden, 'processes without a role refusal (403)').toEqual([]);
  });
});
