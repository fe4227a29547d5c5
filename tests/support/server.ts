import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fixedClock, type Clock } from '../../server/clock.ts';
import type { IsoDate } from '../../server/engine/definition.ts';
import { startServer, type RunningServer, type ServerOptions } from '../../server/main.ts';
import { dropTestDatabase, newTestDatabase } from './database.ts';

/**
 * A real server on 127.0.0.1 with a database of its own (a SQLite file, or in the `postgres`
 * project a PostgreSQL database: tests/support/database.ts), and a way to restart it on the same one.
 */
export interface TestServer {
  url: string;
  dir: string;
  databaseUrl: string;
  restart(options?: Partial<ServerOptions>): Promise<void>;
  /** Runs one timer check now, as the minute's interval does; resolves with how many timers fired. */
  checkTimersNow(): Promise<number>;
  /** Runs one purge of ended sessions and forgotten sign-in failures now, as the quarter-hour's interval does. */
  purgeNow(): Promise<{ sessions: number; signInFailures: number }>;
  close(): Promise<void>;
}

/** A timer check interval so long that it never runs during a test: only the test's own `checkTimersNow` fires timers. */
export const CHECK_TIMERS_ONLY_WHEN_ASKED = { timerCheckMs: 24 * 60 * 60_000 } as const;

/**
 * A clock the test moves (pass it as the server's `clock`): it stands still at the moment it was last
 * set, so what a timer check or a step sees as today is exactly what the test chose. Moments are
 * date-times read as WORKFLOW_NOW reads them (`2020-09-30T00:30` is London's wall-clock time; `Z` or
 * an offset is exact); a bare date is refused, since WORKFLOW_NOW gives it the real time of day.
 */
export class MovableClock implements Clock {
  private current: Clock;

  constructor(
    moment: string,
    private readonly timeZone = 'Europe/London',
  ) {
    this.current = MovableClock.at(moment, timeZone);
  }

  private static at(moment: string, timeZone: string): Clock {
    if (!moment.includes('T')) throw new Error(`MovableClock needs a date-time, not "${moment}": a date alone would follow the real time of day`);
    return fixedClock(moment, timeZone);
  }

  today(zone: string): IsoDate {
    return this.current.today(zone);
  }

  now(): string {
    return this.current.now();
  }

  moveTo(moment: string): void {
    this.current = MovableClock.at(moment, this.timeZone);
  }
}

export async function startTestServer(options: Partial<ServerOptions> = {}): Promise<TestServer> {
  const dir = mkdtempSync(join(tmpdir(), 'workflows-test-'));
  const databaseUrl = await newTestDatabase(dir);
  const base: ServerOptions = { port: 0, host: '127.0.0.1', databaseUrl, demo: true, ...options };
  let running: RunningServer;
  try {
    running = await startServer(base);
  } catch (error) {
    await dropTestDatabase(databaseUrl);
    throw error;
  }
  const handle: TestServer = {
    url: running.url,
    dir,
    databaseUrl,
    async restart(more = {}) {
      await running.close();
      running = await startServer({ ...base, ...more });
      handle.url = running.url;
    },
    checkTimersNow: () => running.checkTimersNow(),
    purgeNow: () => running.purgeNow(),
    async close() {
      await running.close();
      await dropTestDatabase(databaseUrl);
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return handle;
}

export interface ApiResponse<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

/** One signed-in person talking to the API over HTTP, with their cookie and CSRF token. */
export class ApiClient {
  cookie = '';
  csrfToken = '';
  user: { username: string; partnership: string; roles: string[] } | undefined;

  constructor(private readonly server: { url: string }) {}

  static async signIn(server: { url: string }, username: string, password = 'demo'): Promise<ApiClient> {
    const client = new ApiClient(server);
    const res = await client.request('POST', '/api/session', { username, password });
    if (res.status !== 200) throw new Error(`sign-in as ${username} failed: ${res.status} ${JSON.stringify(res.body)}`);
    return client;
  }

  async request<T = any>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<ApiResponse<T>> {
    const res = await fetch(`${this.server.url}${path}`, {
      method,
      headers: {
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(this.cookie ? { cookie: this.cookie } : {}),
        ...(this.csrfToken && method !== 'GET' ? { 'x-csrf-token': this.csrfToken } : {}),
        ...headers,
      },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const setCookie = res.headers.get('set-cookie');
    if (setCookie) this.cookie = setCookie.split(';')[0]!;
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON (CSV, HTML): keep the text
    }
    if (path === '/api/session' && method === 'POST' && res.status === 200) {
      const session = parsed as { csrfToken: string; user: ApiClient['user'] };
      this.csrfToken = session.csrfToken;
      this.user = session.user;
    }
    return { status: res.status, body: parsed as T, headers: res.headers };
  }

  get = <T = any>(path: string) => this.request<T>('GET', path);

  createCase(partnership: string, process: string, data: Record<string, unknown>) {
    return this.request('POST', `/api/partnerships/${partnership}/processes/${process}/cases`, { data });
  }

  sendEvent(caseId: string, type: string, data: Record<string, unknown>, expectedVersion: number) {
    return this.request('POST', `/api/cases/${caseId}/events`, { type, data, expectedVersion });
  }
}
