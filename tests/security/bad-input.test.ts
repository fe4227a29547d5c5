import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { verifyAudit } from '../../server/store/audit.ts';
import { shippedCatalogue } from '../support/catalogue.ts';
import { ApiClient, startTestServer, type TestServer } from '../support/server.ts';
import { bodyOf, hostileKey, hostileText, json, member, objectOf, queryString, segment, headerChoice, type Body, type HeaderChoice } from './hostile.ts';
import { openTestConnection } from '../support/database.ts';

/**
 * Random and hostile requests to every route of the contract. Whatever arrives, the server
 * answers it as the contract says: never a 5xx, every 4xx in the error shape, and nothing stored
 * by a request it refused. Runs per route are moderate (2 cores); FUZZ_RUNS raises them.
 */
const RUNS = Number(process.env.FUZZ_RUNS ?? 100);
const TODAY = '2020-10-01';

let server: TestServer;
let partner: ApiClient;
/** Who may reach the configuration routes' parsers (anyone else is refused before them). */
let businessUnit: ApiClient;
let rotherhamCase: string;
/** The Merton case that events go to, and its version as last acknowledged. */
const target = { id: '', version: 1 };
/** What the requests that succeeded should have added: the rest must add nothing. */
const expected = { cases: 0, history: 0 };
const tally = { requests: 0, byStatus: new Map<number, number>() };
let before: Counts;
let prototypeKeys: string[];
const logs: string[] = [];

interface Counts {
  cases: number;
  history: number;
  deadlines: number;
  tasks: number;
  links: number;
  timers: number;
}

async function counts(): Promise<Counts> {
  const db = await openTestConnection(server.databaseUrl);
  try {
    const count = async (table: string) => (await db.get<{ n: number }>(`SELECT COUNT(*) AS n FROM ${table}`))!.n;
    return { cases: await count('cases'), history: await count('history'), deadlines: await count('deadlines'), tasks: await count('tasks'), links: await count('links'), timers: await count('timers') };
  } finally {
    await db.close();
  }
}

async function newTarget(): Promise<void> {
  const created = await partner.createCase('merton', 'dispute-resolution', { summary: 'Fuzzing target' });
  expect(created.status).toBe(201);
  target.id = created.body.id;
  target.version = 1;
}

beforeAll(async () => {
  prototypeKeys = [Object.prototype, Array.prototype, Function.prototype].flatMap((p) => Object.getOwnPropertyNames(p));
  // Failed sign-ins are part of the fuzzing here; the throttle has its own test.
  server = await startTestServer({ now: TODAY, maxFailedLogins: 1_000_000, log: (line) => logs.push(line) });
  partner = await ApiClient.signIn(server, 'merton.statutory-partner');
  businessUnit = await ApiClient.signIn(server, 'merton.business-unit');
  const rotherham = await ApiClient.signIn(server, 'rotherham.practitioner');
  const other = await rotherham.createCase('rotherham', 'dispute-resolution', { scope: 'systemic', summary: 'Another partnership', agenciesInvolved: ['RMBC'] });
  expect(other.status).toBe(201);
  rotherhamCase = other.body.id;
  await newTarget();
  before = await counts();
});

afterAll(async () => {
  const statuses = [...tally.byStatus.entries()].sort(([a], [b]) => a - b).map(([s, n]) => `${s}×${n}`).join(' ');
  console.log(`bad input: ${tally.requests} hostile requests to ${ROUTES} routes; answers ${statuses}; ${reachedEngine.events} hostile events reached the engine, ${accepted.events} events and ${accepted.cases} cases were valid and stored exactly as sent`);
  await server.close();
});

interface Request {
  method: string;
  path: string;
  headers: HeaderChoice;
  body: Body;
  /** Sent as the business unit rather than the statutory partner. */
  as?: 'business-unit';
}

function headersFor(choice: HeaderChoice, method: string, as: ApiClient): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of choice.extra) headers[name] = value;
  if (choice.contentType !== undefined) headers['content-type'] = choice.contentType;
  if (choice.contentEncoding !== undefined) headers['content-encoding'] = choice.contentEncoding;
  if (choice.accept !== undefined) headers.accept = choice.accept;
  const csrf = { correct: as.csrfToken, missing: undefined, wrong: `${as.csrfToken.slice(1)}A`, empty: '', long: 'x'.repeat(4000) }[choice.csrf];
  if (csrf !== undefined && method !== 'GET') headers['x-csrf-token'] = csrf;
  const origin = { none: undefined, own: server.url, other: 'https://evil.example', null: 'null', garbage: '::::' }[choice.origin];
  if (origin !== undefined) headers.origin = origin;
  const cookie = { ours: as.cookie, none: undefined, mangled: `${as.cookie}x`, json: 'sid=j:{"__proto__":{"admin":true}}', garbage: '=;;sid;sid=%E0%A4;__proto__=1' }[choice.cookie];
  if (cookie !== undefined) headers.cookie = cookie;
  return headers;
}

/** Sends one request and checks the answer against the contract; returns status and body. */
async function send(request: Request): Promise<{ status: number; body: any }> {
  const res = await fetch(`${server.url}${request.path}`, {
    method: request.method,
    headers: headersFor(request.headers, request.method, request.as === 'business-unit' ? businessUnit : partner),
    body: request.body as BodyInit | undefined,
    redirect: 'manual',
  });
  const text = await res.text();
  tally.requests++;
  tally.byStatus.set(res.status, (tally.byStatus.get(res.status) ?? 0) + 1);
  const context = `${request.method} ${request.path.slice(0, 200)} → ${res.status} ${text.slice(0, 300)}`;
  expect(res.status, context).toBeLessThan(500);
  let body: any = text;
  // "/api/../x" is "/x" once the client has normalised it: the client app's pages, not the API.
  const underApi = new URL(`${server.url}${request.path}`).pathname.startsWith('/api/');
  if (res.status >= 400 && request.method !== 'HEAD' && underApi) {
    expect(res.headers.get('content-type'), context).toMatch(/^application\/json/);
    body = JSON.parse(text);
    expect(Object.keys(body), context).toEqual(['error']);
    expect(body.error, context).toEqual({ code: expect.stringMatching(/^[a-z_]+$/), message: expect.any(String), ...('details' in body.error ? { details: body.error.details } : {}) });
    expect(body.error.message.length, context).toBeGreaterThan(10);
  } else if (text !== '' && res.headers.get('content-type')?.startsWith('application/json')) {
    body = JSON.parse(text);
  }
  return { status: res.status, body };
}

const PARTNERSHIPS = ['merton', 'merton', 'merton', 'rotherham', 'leicester'];
const PROCESSES = ['dispute-resolution', 'dispute-resolution', 'cspr', 'veto-review'];
const FORMS = ['dispute-start', 'partners-meeting', 'withdrawal', 'cspr-incident'];
const EVENT_TYPES = ['UNRESOLVED', 'AGREED', 'WITHDRAW', 'LETTER_SENT', 'DETERMINED', 'CREATE', 'CLOSE', 'CORRECT_DATES', 'CALENDAR_CHANGED', '__proto__', 'constructor', 'toString', ''];

/** Event-shaped bodies: the right keys with wrong, hostile or almost-right values. */
const eventBody = objectOf([
  member('type', fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...EVENT_TYPES).map((t) => JSON.stringify(t)) }, { weight: 1, arbitrary: json.value })),
  member(
    'data',
    fc.oneof(
      { weight: 4, arbitrary: fc.array(fc.tuple(hostileKey, fc.oneof(json.value, hostileText.map((s) => JSON.stringify(s)))), { maxLength: 4 }).map((entries) => `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${v}`).join(',')}}`) },
      { weight: 1, arbitrary: json.value },
    ),
  ),
  member('expectedVersion', fc.oneof({ weight: 4, arbitrary: fc.constant('CURRENT') }, { weight: 2, arbitrary: fc.constantFrom('1', '0', '-1', '1.5', '"1"', 'null', '1e308', '9007199254740993', '[1]', '{"valueOf":1}') }, { weight: 1, arbitrary: json.value })),
]);

const createBody = objectOf([
  member(
    'data',
    fc.oneof(
      { weight: 4, arbitrary: fc.array(fc.tuple(hostileKey, fc.oneof(json.value, hostileText.map((s) => JSON.stringify(s)))), { maxLength: 4 }).map((entries) => `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${v}`).join(',')}}`) },
      { weight: 1, arbitrary: json.value },
    ),
  ),
]);

const loginBody = objectOf([
  member('username', fc.oneof(fc.constantFrom('merton.statutory-partner', 'merton.nobody', '__proto__', 'constructor').map((s) => JSON.stringify(s)), json.value)),
  member('password', fc.oneof(fc.constantFrom('demo', 'wrong', '').map((s) => JSON.stringify(s)), json.value)),
]);

/** A browser's headers after signing in: the envelope is right, so the content reaches the engine. */
const SIGNED_IN: HeaderChoice = { contentType: 'application/json', contentEncoding: undefined, accept: undefined, csrf: 'correct', origin: 'none', cookie: 'ours', extra: [] };
const accepted = { events: 0, cases: 0 };
const reachedEngine = { events: 0 };

/** Form data with the form's own field names holding wrong, hostile or almost-right values, plus stray keys. */
function formData(fields: string[]): fc.Arbitrary<string> {
  const value = fc.oneof(
    { weight: 3, arbitrary: hostileText.map((s) => JSON.stringify(s)) },
    { weight: 2, arbitrary: fc.subarray(['lb-merton', 'merton-ccg', 'met-police']).map((a) => JSON.stringify(a)) },
    { weight: 2, arbitrary: fc.array(fc.oneof(fc.constantFrom('"lb-merton"', '"merton-ccg"', '"met-police"'), json.scalar), { maxLength: 4 }).map((a) => `[${a.join(',')}]`) },
    { weight: 1, arbitrary: fc.constantFrom('"2020-10-01"', '"2020-02-30"', '"2020-1-1"', '"10/01/2020"', '"2020-10-01T00:00:00Z"', '""') },
    { weight: 2, arbitrary: json.value },
  );
  return objectOf(fields.map((field) => member(field, value)));
}

/** A valid partners' meeting with hostile free text: stored when the event is UNRESOLVED, refused by a guard or the form otherwise. */
const validMeeting = fc
  .tuple(fc.subarray(['lb-merton', 'merton-ccg', 'met-police']), hostileText)
  .map(([attendees, reason]) => JSON.stringify({ attendees, reason }));

const anyMethod = fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'HEAD');

interface Route {
  name: string;
  runs: number;
  request: fc.Arbitrary<Request>;
  /** Bookkeeping after an answer: what a success stored, so the final count can be exact. */
  after?: (request: Request, answer: { status: number; body: any }) => Promise<void> | void;
}

const get = (path: fc.Arbitrary<string>, options?: Parameters<typeof headerChoice>[0]): fc.Arbitrary<Request> =>
  fc.record({ method: fc.constant('GET'), path, headers: headerChoice(options), body: fc.constant(undefined) });

const p = segment(PARTNERSHIPS);
const proc = segment(PROCESSES);
const caseId = fc.oneof({ weight: 3, arbitrary: fc.constant('TARGET') }, { weight: 1, arbitrary: fc.constantFrom('ROTHERHAM', '00000000-0000-0000-0000-000000000000') }, { weight: 2, arbitrary: segment(['TARGET']) });
const withQuery = (path: fc.Arbitrary<string>) => fc.tuple(path, queryString).map(([base, q]) => (q === '' ? base : `${base}?${q}`));

const routes: Route[] = [
  {
    name: 'POST /api/session',
    runs: Math.ceil(RUNS / 2), // each attempt costs a scrypt
    // Never with our cookie: a successful sign-in would (rightly) end the session the other requests use.
    request: fc.record({ method: fc.constant('POST'), path: fc.constant('/api/session'), headers: headerChoice({ cookie: ['none'] }), body: bodyOf(loginBody) }),
  },
  { name: 'GET /api/session', runs: RUNS, request: get(withQuery(fc.constant('/api/session'))) },
  {
    name: 'DELETE /api/session',
    runs: RUNS,
    // Never with our token: signing out for real is not bad input.
    request: fc.record({ method: fc.constant('DELETE'), path: fc.constant('/api/session'), headers: headerChoice({ csrf: ['wrong', 'missing'] }), body: bodyOf(json.object) }),
  },
  { name: 'GET /api/partnerships', runs: RUNS, request: get(withQuery(fc.constant('/api/partnerships'))) },
  { name: 'GET /api/partnerships/:p/processes/:proc', runs: RUNS, request: get(fc.tuple(p, proc).map(([a, b]) => `/api/partnerships/${a}/processes/${b}`)) },
  { name: 'GET /api/partnerships/:p/forms/:formId', runs: RUNS, request: get(fc.tuple(p, segment(FORMS)).map(([a, b]) => `/api/partnerships/${a}/forms/${b}`)) },
  { name: 'GET /api/partnerships/:p/forms/:formId/validator.js', runs: Math.ceil(RUNS / 2), request: get(fc.tuple(p, segment(FORMS)).map(([a, b]) => `/api/partnerships/${a}/forms/${b}/validator.js`)) },
  { name: 'GET /api/partnerships/:p/processes/:proc/graph', runs: RUNS, request: get(withQuery(fc.tuple(p, proc).map(([a, b]) => `/api/partnerships/${a}/processes/${b}/graph`))) },
  { name: 'GET /api/cases', runs: RUNS * 2, request: get(withQuery(fc.constant('/api/cases'))) },
  { name: 'GET /api/cases/:id', runs: RUNS, request: get(caseId.map((id) => `/api/cases/${id}`)) },
  { name: 'GET /api/partnerships/:p/escalation-log', runs: RUNS, request: get(withQuery(p.map((a) => `/api/partnerships/${a}/escalation-log`))) },
  { name: 'GET /api/partnerships/:p/reports/summary', runs: RUNS, request: get(withQuery(p.map((a) => `/api/partnerships/${a}/reports/summary`))) },
  {
    name: 'POST /api/partnerships/:p/processes/:proc/cases',
    runs: RUNS * 2,
    request: fc.record({ method: fc.constant('POST'), path: fc.tuple(p, proc).map(([a, b]) => `/api/partnerships/${a}/processes/${b}/cases`), headers: headerChoice(), body: bodyOf(createBody) }),
    after(_request, answer) {
      if (answer.status !== 201) return;
      expected.cases += 1 + answer.body.links.length;
      expected.history += answer.body.version;
    },
  },
  {
    name: 'POST /api/cases/:id/events',
    runs: RUNS * 3,
    request: fc.record({ method: fc.constant('POST'), path: caseId.map((id) => `/api/cases/${id}/events`), headers: headerChoice(), body: bodyOf(eventBody) }),
    async after(request, answer) {
      if (answer.status !== 200) return;
      expect(request.path).toContain(target.id);
      expected.history += answer.body.version - target.version;
      // Past stage 1 the partner may send nothing, and the engine would refuse before reading the data: start afresh.
      await newTarget();
      expected.cases += 1;
      expected.history += 1;
    },
  },
  // The dry runs: the same parsers and refusals as the routes above, and never anything stored.
  {
    name: 'POST /api/partnerships/:p/processes/:proc/cases/check',
    runs: RUNS,
    request: fc.record({ method: fc.constant('POST'), path: fc.tuple(p, proc).map(([a, b]) => `/api/partnerships/${a}/processes/${b}/cases/check`), headers: headerChoice(), body: bodyOf(createBody) }),
  },
  {
    name: 'POST /api/cases/:id/events/check',
    runs: RUNS,
    request: fc.record({ method: fc.constant('POST'), path: caseId.map((id) => `/api/cases/${id}/events/check`), headers: headerChoice(), body: bodyOf(eventBody) }),
  },
  {
    name: 'POST …/cases with a well-formed request and hostile form data',
    runs: RUNS,
    request: fc.record({ method: fc.constant('POST'), path: fc.constant('/api/partnerships/merton/processes/dispute-resolution/cases'), headers: fc.constant(SIGNED_IN), body: objectOf([member('data', formData(['summary']))], false) }),
    after(request, answer) {
      accepted.cases += answer.status === 201 ? 1 : 0;
      if (answer.status !== 201) return;
      expect(answer.body.data).toEqual(JSON.parse(request.body as string).data);
      expected.cases += 1;
      expected.history += 1;
    },
  },
  {
    name: 'POST /api/cases/:id/events with a well-formed request and hostile form data',
    runs: RUNS * 2,
    request: fc.record({
      method: fc.constant('POST'),
      path: fc.constant('/api/cases/TARGET/events'),
      headers: fc.constant(SIGNED_IN),
      body: objectOf([member('type', fc.constantFrom('"UNRESOLVED"', '"AGREED"', '"WITHDRAW"')), member('data', fc.oneof({ weight: 4, arbitrary: formData(['attendees', 'meetingDate', 'outcome', 'reason']) }, { weight: 1, arbitrary: validMeeting })), fc.constant(['expectedVersion', 'CURRENT'] as [string, string])], false),
    }),
    async after(request, answer) {
      accepted.events += answer.status === 200 ? 1 : 0;
      reachedEngine.events += [200, 422].includes(answer.status) ? 1 : 0;
      if (answer.status !== 200) return;
      // What was accepted is stored exactly as sent.
      const sent = JSON.parse(request.body as string);
      expect(answer.body.history.at(-1).data).toEqual(sent.data);
      expected.history += answer.body.version - target.version;
      await newTarget();
      expected.cases += 1;
      expected.history += 1;
    },
  },
  {
    name: 'GET /api/partnerships/:p/configuration/… (processes, scenarios, differences, a version\'s file)',
    runs: RUNS,
    request: fc.record({
      method: fc.constant('GET'),
      path: withQuery(
        fc.tuple(p, proc, segment(['1', '2', '0', '-1', 'x'])).chain(([a, b, n]) =>
          fc.constantFrom(`/api/partnerships/${a}/configuration/processes`, `/api/partnerships/${a}/configuration/scenarios`, `/api/partnerships/${a}/configuration/processes/${b}/difference`, `/api/partnerships/${a}/configuration/processes/${b}/versions/${n}/file`, `/api/partnerships/${a}/configuration/processes/${b}/versions/${n}/template-difference`),
        ),
      ),
      headers: headerChoice(),
      body: fc.constant(undefined),
      as: fc.constant('business-unit' as const),
    }),
  },
  {
    name: 'POST /api/partnerships/:p/configuration/processes/:proc/check and /publish with hostile process files',
    // Each check loads the whole configuration with the upload in it.
    runs: Math.ceil(RUNS / 5),
    request: fc.record({
      method: fc.constant('POST'),
      path: fc.tuple(p, proc, fc.constantFrom('check', 'publish')).map(([a, b, action]) => `/api/partnerships/${a}/configuration/processes/${b}/${action}`),
      headers: headerChoice(),
      body: bodyOf(objectOf([member('content', fc.oneof(hostileText.map((t) => JSON.stringify(t)), fc.constantFrom('"id: dispute-resolution"', '"extends: __proto__"', '"states: {__proto__: {label: x}}"'), json.value)), member('basedOn', fc.oneof(fc.constantFrom('1', '0', '1.5', '"1"'), json.value))])),
      as: fc.constant('business-unit' as const),
    }),
  },
  {
    name: 'any method, any path under /api',
    runs: RUNS,
    request: fc.record({
      method: anyMethod,
      // Not the session route itself: signing out or in again with our own cookie is not bad input, and would end the session the other requests use.
      path: withQuery(
        fc
          .array(segment(['api', 'cases', 'partnerships', 'session', 'merton', 'processes', 'forms', 'graph', 'events', 'openapi.json']), { minLength: 1, maxLength: 6 })
          .map((parts) => `/api/${parts.join('/')}`)
          .filter((path) => !/^\/api\/session\/?$/i.test(new URL(path, 'http://x').pathname)),
      ),
      headers: headerChoice(),
      body: fc.option(bodyOf(json.object), { nil: undefined }),
    }),
    after(request, answer) {
      // A random walk can stumble on a real write; count it like the others.
      if (request.method === 'POST' && answer.status === 201) {
        expected.cases += 1 + answer.body.links.length;
        expected.history += answer.body.version;
      }
    },
  },
];
const ROUTES = routes.length;

/** Placeholders become real values at send time, when the target case and its version are known. */
function resolve(request: Request): Request {
  const body = typeof request.body === 'string' ? request.body.replace(/"expectedVersion":CURRENT/g, `"expectedVersion":${target.version}`).replace(/CURRENT/g, String(target.version)) : request.body;
  const path = request.path.replace(/TARGET/g, target.id).replace(/ROTHERHAM/g, rotherhamCase);
  return { ...request, path, body: request.method === 'GET' || request.method === 'HEAD' ? undefined : body };
}

describe('hostile input to every route', () => {
  for (const route of routes) {
    test(`${route.name}: never a 5xx, every 4xx in the contract's shape`, async () => {
      await fc.assert(
        fc.asyncProperty(route.request, async (generated) => {
          const request = resolve(generated);
          const answer = await send(request);
          await route.after?.(request, answer);
        }),
        { numRuns: route.runs, includeErrorInReport: true },
      );
    }, 120_000);
  }

  test('nothing was stored but what succeeded, no prototype was polluted, the chain verifies', async () => {
    const after = await counts();
    expect(after.cases - before.cases).toBe(expected.cases);
    expect(after.history - before.history).toBe(expected.history);
    const db = await openTestConnection(server.databaseUrl);
    try {
      expect(await verifyAudit(db, shippedCatalogue())).toMatchObject({ ok: true });
      // PostgreSQL checks its own pages; SQLite is asked.
      if (db.dialect === 'sqlite') expect(await db.all('PRAGMA integrity_check')).toEqual([{ integrity_check: 'ok' }]);
    } finally {
      await db.close();
    }
    expect([Object.prototype, Array.prototype, Function.prototype].flatMap((p) => Object.getOwnPropertyNames(p))).toEqual(prototypeKeys);
    expect(({} as Record<string, unknown>).admin).toBeUndefined();
    // The server kept working throughout: the session used for every request is still good.
    expect((await partner.get('/api/session')).status).toBe(200);
    expect(logs.filter((line) => line.startsWith('internal error'))).toEqual([]);
  });
});

describe('Unicode that breaks naive code is stored and returned exactly', () => {
  test('lone surrogates, NUL, right-to-left marks and emoji round-trip through a case', async () => {
    let tried = 0;
    await fc.assert(
      fc.asyncProperty(hostileText, async (summary) => {
        tried++;
        const created = await partner.createCase('merton', 'dispute-resolution', { summary });
        expect(created.status).toBe(201);
        const stored = await partner.get(`/api/cases/${created.body.id}`);
        expect(stored.body.data.summary).toBe(summary);
        expect(stored.body.history[0].data.summary).toBe(summary);
      }),
      { numRuns: Math.ceil(RUNS / 2) },
    );
    tally.requests += tried * 2;
    const db = await openTestConnection(server.databaseUrl);
    try {
      expect(await verifyAudit(db, shippedCatalogue())).toMatchObject({ ok: true });
    } finally {
      await db.close();
    }
  }, 120_000);
});

test("the README's figures: every route of the contract was sent every run it was given, and nothing less", () => {
  // At FUZZ_RUNS=100 (npm test) this is the README's 2,520 requests to 21 routes.
  expect(ROUTES).toBe(21);
  expect(tally.requests).toBe(routes.reduce((n, route) => n + route.runs, 0) + 2 * Math.ceil(RUNS / 2));
  if (RUNS === 100) expect(tally.requests).toBe(2_520);
});
