import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
  close(): Promise<void>;
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
