/**
 * What every part of the benchmark shares: the sizes (from the environment), progress on stderr,
 * percentiles, the process the writes are measured on, and HTTP clients.
 */
import { resolve } from 'node:path';
import { loadCatalogue } from '../server/config/index.ts';
import type { CompiledPartnership, CompiledProcess } from '../server/engine/catalogue.ts';
import { PSEUDO_ROLES, type EventDef } from '../server/engine/definition.ts';

export const ROOT = resolve(import.meta.dirname, '..');

/** "Today" of the servers whose measurements do not depend on the date: a day the shipped calendars cover. */
export const TODAY = '2020-10-01';
/** Noon in London on that day: the instant the engine's steps are taken at. */
export const AT = '2020-10-01T11:00:00Z';

function sizeFromEnv(name: string, fallback: number): number {
  const text = process.env[name];
  if (text === undefined || text === '') return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a whole number from 1, not "${text}"`);
  return value;
}

/** The sizes are the defaults; smaller ones make a quick run while developing. */
export const SIZES = {
  cases: sizeFromEnv('BENCH_CASES', 100_000),
  /** Cases created through the API before the database multiplies them up to `cases`. */
  seedCases: sizeFromEnv('BENCH_SEED_CASES', 1_000),
  partnerships: sizeFromEnv('BENCH_PARTNERSHIPS', 150),
  transitions: sizeFromEnv('BENCH_TRANSITIONS', 1_000),
  clients: sizeFromEnv('BENCH_CLIENTS', 8),
  readSamples: sizeFromEnv('BENCH_READ_SAMPLES', 100),
  /** The most a slow read route is sampled for, in seconds; it still gets at least 5 samples. */
  readSecondsPerRoute: sizeFromEnv('BENCH_READ_SECONDS', 20),
  engineMs: sizeFromEnv('BENCH_ENGINE_MS', 3_000),
};

/** The PostgreSQL server to measure on, if any: a role that may create and drop databases. */
export const POSTGRES_URL = process.env.BENCH_POSTGRES_URL === '' ? undefined : process.env.BENCH_POSTGRES_URL;

const started = performance.now();

/** A line of progress on stderr, so stdout holds only the table. */
export function progress(line: string): void {
  process.stderr.write(`[bench ${((performance.now() - started) / 1000).toFixed(0).padStart(4)} s] ${line}\n`);
}

/** The nearest-rank percentile, in the unit of the samples. */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) throw new Error('no samples');
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil((sorted.length * p) / 100) - 1)]!;
}

export function ms(value: number): string {
  return value >= 100 ? `${value.toFixed(0)} ms` : `${value.toFixed(1)} ms`;
}

export function mib(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(0)} MiB`;
}

export async function timed<T>(run: () => Promise<T>): Promise<{ result: T; ms: number }> {
  const start = performance.now();
  const result = await run();
  return { result, ms: performance.now() - start };
}

export function loadShippedCatalogue() {
  const loaded = loadCatalogue(ROOT);
  if (!loaded.ok) throw new Error('the configuration does not load; run npm run validate');
  return loaded.catalogue;
}

/** The process writes are measured on, and one transition of it, chosen by what they are. */
export interface Target {
  partnership: CompiledPartnership;
  process: CompiledProcess;
  /** A role that may start the process; its demo user raises the cases. */
  startRole: string;
  startData: Record<string, unknown>;
  /** The state a case starts in. */
  from: string;
  /** An event the raiser may send from the first state, with answers its form accepts. */
  event: EventDef;
  eventData: Record<string, unknown>;
}

/**
 * The first process whose start form takes a summary alone and whose first state has an event the
 * raiser may send with a reason alone: one person's step from a waiting state to the next, the
 * commonest transition there is. Each validation gets a copy: a validator may strip what its form
 * does not know.
 */
export function chooseTarget(catalogue: ReturnType<typeof loadShippedCatalogue>): Target {
  const startData = { summary: 'Benchmark' };
  const eventData = { reason: 'benchmark' };
  for (const partnership of catalogue.partnerships.values()) {
    for (const process of partnership.processes.values()) {
      const from = process.def.start.to;
      const startForm = process.def.start.form ? partnership.forms.get(process.def.start.form) : undefined;
      if (from === undefined || startForm === undefined || startForm.validate({ ...startData }).length > 0) continue;
      const event = [...(process.events.get(from)?.values() ?? [])].find((e) => {
        const form = e.form ? partnership.forms.get(e.form) : undefined;
        return e.roles.includes(PSEUDO_ROLES.raiser) && e.corrects === undefined && e.to !== undefined && (form === undefined || form.validate({ ...eventData }).length === 0);
      });
      if (event !== undefined) return { partnership, process, startRole: process.def.start.roles[0]!, startData, from, event, eventData };
    }
  }
  throw new Error('no process starts with a summary alone and lets its raiser move it on with a reason');
}

export interface Reply {
  status: number;
  body: unknown;
  bytes: number;
}

/** One person's cookie and CSRF token, and requests over keep-alive fetch. */
export class Client {
  private cookie = '';
  private csrf = '';

  constructor(readonly url: string) {}

  static async signIn(url: string, username: string, password = 'demo'): Promise<Client> {
    const client = new Client(url);
    const reply = await client.request('POST', '/api/session', { username, password });
    if (reply.status !== 200) throw new Error(`sign-in as ${username} failed: ${reply.status}`);
    const session = reply.body as { csrfToken: string };
    client.csrf = session.csrfToken;
    return client;
  }

  async request(method: string, path: string, body?: unknown): Promise<Reply> {
    const res = await fetch(`${this.url}${path}`, {
      method,
      headers: {
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(this.cookie ? { cookie: this.cookie } : {}),
        ...(this.csrf && method !== 'GET' ? { 'x-csrf-token': this.csrf } : {}),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const setCookie = res.headers.get('set-cookie');
    if (setCookie) this.cookie = setCookie.split(';')[0]!;
    const text = await res.text();
    let parsed: unknown = text;
    if ((res.headers.get('content-type') ?? '').includes('json') && text !== '') parsed = JSON.parse(text);
    return { status: res.status, body: parsed, bytes: Buffer.byteLength(text) };
  }

  get = (path: string) => this.request('GET', path);
}

/** Runs `work(i)` for i in [0, count) on `workers` concurrent loops; the latency of each, in ms. */
export async function concurrently(count: number, workers: number, work: (i: number, worker: number) => Promise<void>): Promise<number[]> {
  const latencies: number[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: workers }, async (_, worker) => {
      while (next < count) {
        const i = next++;
        const start = performance.now();
        await work(i, worker);
        latencies.push(performance.now() - start);
      }
    }),
  );
  return latencies;
}
