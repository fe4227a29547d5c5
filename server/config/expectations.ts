/**
 * The scenario file format (workflows/scenario.schema.json) and how a step's `expect` is matched
 * against what came back. Shared by tests/scenarios/scenarios.test.ts, which runs the scenarios
 * over HTTP against the real server, and the simulator (server/config/scenarios.ts: `npx workflows
 * simulate` and the business unit's configuration pages), which runs them through the pure engine:
 * both compare with the same words.
 */

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export interface Expect {
  status?: number;
  code?: string;
  guards?: string[];
  fields?: string[];
  messageIncludes?: string;
  state?: string;
  final?: boolean;
  version?: number;
  deadlines?: Record<string, { due?: string; met?: boolean | null; overdue?: boolean; corrected?: boolean } | null>;
  tasks?: Record<string, boolean | null>;
  /** Text each task's label must contain: what it names as of the day it was created. */
  taskLabels?: Record<string, string>;
  links?: { process: string; relation: string }[];
  data?: JsonObject;
  available?: string[];
  /** Per event type, text its warnings must contain, one warning each; an empty list: it warns of nothing. */
  warnings?: Record<string, string[]>;
  history?: { type?: string; from?: string | null; to?: string; by?: string }[];
  rows?: JsonObject[];
  report?: JsonObject;
}

export interface Step {
  note?: string;
  create?: { as?: string; process?: string; partnership?: string; data?: JsonObject };
  event?: { type: string; as?: string; data?: JsonObject; expectedVersion?: number };
  get?: { as?: string };
  escalationLog?: { as?: string; from?: string; to?: string };
  summary?: { as?: string; from?: string; to?: string };
  restart?: { today: string };
  case?: 'previous' | { linked: string };
  expect?: Expect;
}

export interface Scenario {
  name: string;
  description?: string;
  steps: Step[];
}

export interface ScenarioFile {
  process: string;
  today: string;
  description?: string;
  scenarios: Scenario[];
}

export interface CaseView {
  id: string;
  partnership: string;
  process: string;
  state: string;
  final: boolean;
  version: number;
  data: JsonObject;
  deadlines: { id: string; due: string; met: boolean | null; overdue: boolean; corrected: boolean }[];
  tasks: { id: string; label: string; done: boolean }[];
  links: { id: string; process: string; relation: string }[];
  available: { type: string; warnings?: string[] }[];
  history: { seq: number; type: string; from: string | null; to: string; by: string }[];
}

export interface ErrorBody {
  error: { code: string; message: string; details?: unknown };
}

export interface Reply {
  status: number;
  body: unknown;
}

/**
 * Who each step of a scenario acts as: its `as`, else the previous step's; a bare role is the
 * partnership's demo user `<partnership>.<role>`. Called without `as` it names the one acting now.
 */
export function scenarioActor(partnership: string): (as: string | undefined) => string {
  let user: string | undefined;
  return (as) => {
    const chosen = as ?? user;
    if (chosen === undefined) throw new Error('The first step needs `as`: a role of the partnership');
    user = chosen;
    return chosen.includes('.') ? chosen : `${partnership}.${chosen}`;
  };
}

/** Every key of `expected` equals `actual`'s, recursively for objects; arrays and scalars compared whole. */
export function subsetProblems(actual: unknown, expected: unknown, path: string): string[] {
  if (expected !== null && typeof expected === 'object' && !Array.isArray(expected)) {
    if (actual === null || typeof actual !== 'object' || Array.isArray(actual)) return [`${path}: expected an object, got ${JSON.stringify(actual)}`];
    return Object.entries(expected).flatMap(([k, v]) => subsetProblems((actual as Record<string, unknown>)[k], v, `${path}.${k}`));
  }
  return JSON.stringify(actual) === JSON.stringify(expected) ? [] : [`${path}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`];
}

export const sorted = (xs: string[]) => [...xs].sort();

export function isCaseView(body: unknown): body is CaseView {
  return body !== null && typeof body === 'object' && 'id' in body && 'history' in body;
}

export function errorOf(body: unknown): ErrorBody['error'] | undefined {
  return body !== null && typeof body === 'object' && 'error' in body ? (body as ErrorBody).error : undefined;
}

export function caseProblems(view: CaseView, e: Expect): string[] {
  const problems: string[] = [];
  if (e.state !== undefined && view.state !== e.state) problems.push(`state: expected ${e.state}, got ${view.state}`);
  if (e.final !== undefined && view.final !== e.final) problems.push(`final: expected ${e.final}, got ${view.final}`);
  if (e.version !== undefined && view.version !== e.version) problems.push(`version: expected ${e.version}, got ${view.version}`);
  for (const [id, want] of Object.entries(e.deadlines ?? {})) {
    const got = view.deadlines.find((d) => d.id === id);
    if (want === null) {
      if (got) problems.push(`deadline ${id}: expected none, got ${JSON.stringify(got)}`);
    } else if (!got) {
      problems.push(`deadline ${id}: missing (deadlines: ${view.deadlines.map((d) => d.id).join(', ') || 'none'})`);
    } else {
      problems.push(...subsetProblems(got, want, `deadline ${id}`));
    }
  }
  for (const [id, done] of Object.entries(e.tasks ?? {})) {
    const got = view.tasks.find((t) => t.id === id);
    if (done === null) {
      if (got) problems.push(`task ${id}: expected none, got ${JSON.stringify(got)}`);
    } else if (!got) {
      problems.push(`task ${id}: missing (tasks: ${view.tasks.map((t) => t.id).join(', ') || 'none'})`);
    } else if (got.done !== done) {
      problems.push(`task ${id}: expected done=${done}, got done=${got.done}`);
    }
  }
  if (e.links !== undefined) {
    const got = sorted(view.links.map((l) => `${l.process}/${l.relation}`));
    const want = sorted(e.links.map((l) => `${l.process}/${l.relation}`));
    if (JSON.stringify(got) !== JSON.stringify(want)) problems.push(`links: expected ${want.join(', ') || 'none'}, got ${got.join(', ') || 'none'}`);
  }
  if (e.data !== undefined) problems.push(...subsetProblems(view.data, e.data, 'data'));
  if (e.available !== undefined) {
    const got = sorted(view.available.map((a) => a.type));
    const want = sorted(e.available);
    if (JSON.stringify(got) !== JSON.stringify(want)) problems.push(`available: expected [${want.join(', ')}], got [${got.join(', ')}]`);
  }
  for (const [type, texts] of Object.entries(e.warnings ?? {})) {
    const event = view.available.find((a) => a.type === type);
    if (event === undefined) {
      problems.push(`warnings.${type}: the event is not available`);
      continue;
    }
    const got = event.warnings ?? [];
    if (texts.length === 0 && got.length > 0) problems.push(`warnings.${type}: expected none, got ${JSON.stringify(got)}`);
    for (const text of texts) if (!got.some((w) => w.includes(text))) problems.push(`warnings.${type}: expected one containing "${text}", got ${JSON.stringify(got)}`);
  }
  for (const [id, text] of Object.entries(e.taskLabels ?? {})) {
    const task = view.tasks.find((t) => t.id === id);
    if (task === undefined) problems.push(`taskLabels.${id}: no such task`);
    else if (!task.label.includes(text)) problems.push(`taskLabels.${id}: expected a label containing "${text}", got "${task.label}"`);
  }
  if (e.history !== undefined) {
    if (view.history.length !== e.history.length) {
      problems.push(`history: expected ${e.history.length} entries, got ${view.history.length}: ${view.history.map((h) => `${h.type} ${h.from}→${h.to} by ${h.by}`).join('; ')}`);
    } else {
      e.history.forEach((want, i) => problems.push(...subsetProblems(view.history[i], want, `history[${i}]`)));
    }
  }
  return problems;
}

export function errorProblems(reply: Reply, e: Expect): string[] {
  const problems: string[] = [];
  const error = errorOf(reply.body);
  if (e.code !== undefined && error?.code !== e.code) problems.push(`code: expected ${e.code}, got ${error?.code ?? 'none'}`);
  if (e.guards !== undefined) {
    const details = Array.isArray(error?.details) ? (error.details as { guard?: string }[]) : [];
    const got = sorted(details.map((d) => d.guard ?? '?'));
    if (JSON.stringify(got) !== JSON.stringify(sorted(e.guards))) problems.push(`guards: expected [${sorted(e.guards).join(', ')}], got [${got.join(', ')}]`);
  }
  if (e.fields !== undefined) {
    const details = Array.isArray(error?.details) ? (error.details as { path?: string }[]) : [];
    for (const field of e.fields) {
      if (!details.some((d) => d.path === field)) problems.push(`fields: expected a problem at ${field}, got ${JSON.stringify(details)}`);
    }
  }
  if (e.messageIncludes !== undefined) {
    const texts = [error?.message ?? '', ...(Array.isArray(error?.details) ? (error.details as { message?: string }[]).map((d) => d.message ?? '') : [])];
    if (!texts.some((t) => t.includes(e.messageIncludes!))) problems.push(`message: expected to include "${e.messageIncludes}", got "${error?.message ?? ''}"`);
  }
  return problems;
}

