import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ApiClient, startTestServer, type TestServer } from '../support/server.ts';

/**
 * The definition routes: the caller's partnership, a process (newest or a stored version), a form with
 * its choices on a day, the form's validator, and the statechart with its cases counted per state for
 * the reader. Each refusal says what to send instead.
 */
let server: TestServer;
let partner: ApiClient;
let businessUnit: ApiClient;
const P = '/api/partnerships/merton';

beforeAll(async () => {
  server = await startTestServer({ now: '2026-03-02' });
  partner = await ApiClient.signIn(server, 'merton.statutory-partner');
  businessUnit = await ApiClient.signIn(server, 'merton.business-unit');
  for (const summary of ['One', 'Two', 'Three']) {
    const created = await partner.createCase('merton', 'dispute-resolution', { summary });
    if (summary === 'Three') await partner.sendEvent(created.body.id, 'UNRESOLVED', { attendees: ['lb-merton'] }, 1);
  }
});
afterAll(() => server.close());

describe('definitions', () => {
  test("the caller's partnership, its processes, and whether they may configure it", async () => {
    const [mine] = (await businessUnit.get('/api/partnerships')).body;
    expect(mine).toMatchObject({ id: 'merton', name: expect.any(String), mayConfigure: true });
    expect(mine.processes).toContainEqual({ id: 'dispute-resolution', title: expect.any(String), version: 1 });
    expect(mine.roles.map((r: { id: string }) => r.id)).toContain('statutory-partner');
    expect((await partner.get('/api/partnerships')).body[0].mayConfigure).toBe(false);
  });

  test('a process, newest or a stored version; a version that is not a whole number from 1 is refused, one not stored not found', async () => {
    const newest = await partner.get(`${P}/processes/dispute-resolution`);
    expect(newest.body).toMatchObject({ newestVersion: 1, versions: [{ version: 1, createdAt: expect.any(String) }] });
    expect((await partner.get(`${P}/processes/dispute-resolution?version=1`)).body.newestVersion).toBe(1);
    for (const bad of ['0', '01', 'abc', '1.5', '1234567890']) {
      const res = await partner.get(`${P}/processes/dispute-resolution?version=${bad}`);
      expect(res.status, bad).toBe(400);
      expect(res.body.error.message).toBe('version must be a whole number from 1 (a version of the process)');
    }
    const missing = await partner.get(`${P}/processes/dispute-resolution?version=2`);
    expect(missing.status).toBe(404);
    expect(missing.body.error.message).toMatch(/has no version 2; its versions are 1$/);
    expect((await partner.get(`${P}/processes/no-such-process`)).status).toBe(404);
    expect((await partner.get('/api/partnerships/rotherham/processes/dispute-resolution')).status).toBe(404);
  });

  test("a form: the newest, or as a version of a process has it, with its choices on a day; its validator as a script", async () => {
    const start = (await partner.get(`${P}/processes/dispute-resolution`)).body.start.form as string;
    const form = await partner.get(`${P}/forms/${start}`);
    expect(form.body).toMatchObject({ id: start, schema: expect.any(Object), ui: expect.any(Object) });
    expect((await partner.get(`${P}/forms/${start}?process=dispute-resolution&version=1`)).body.schema).toEqual(form.body.schema);
    expect((await partner.get(`${P}/forms/${start}?on=2019-01-01`)).status).toBe(200);
    const refusals: [string, number, RegExp][] = [
      [`${P}/forms/no-such-form`, 404, /has no form "no-such-form"/],
      [`${P}/forms/${start}?process=dispute-resolution`, 400, /^Give process and version together/],
      [`${P}/forms/${start}?version=1`, 400, /^Give process and version together/],
      [`${P}/forms/${start}?process=dispute-resolution&version=9`, 404, /has no version 9/],
      [`${P}/forms/${start}?on=2026-02-30`, 400, /^Give `on` as a date, YYYY-MM-DD$/],
      [`${P}/forms/${start}?on=tomorrow`, 400, /^Give `on` as a date/],
      [`${P}/forms/no-such-form/validator.js`, 404, /has no form/],
    ];
    for (const [path, status, message] of refusals) {
      const res = await partner.get(path);
      expect(res.status, path).toBe(status);
      expect(res.body.error.message, path).toMatch(message);
    }
    const validator = await partner.get(`${P}/forms/${start}/validator.js`);
    expect(validator.status).toBe(200);
    expect(validator.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(validator.headers.get('cache-control')).toBe('private, no-cache');
    expect(String(validator.body).length).toBeGreaterThan(100);
  });

  test('the statechart: every state a node, the cases counted on each for the reader, the edges between them', async () => {
    const graph = (await businessUnit.get(`${P}/processes/dispute-resolution/graph`)).body;
    const process = (await businessUnit.get(`${P}/processes/dispute-resolution`)).body;
    expect(graph.version).toBe(1);
    expect(graph.versions).toEqual([{ version: 1, count: 3 }]);
    const nodes = new Map(graph.nodes.map((n: { id: string }) => [n.id, n]));
    expect([...nodes.keys()].sort()).toEqual(process.states.map((s: { id: string }) => s.id).sort());
    expect(nodes.get('stage-1-partners-meet')).toMatchObject({ count: 2, overdue: 0, final: false, versions: [{ version: 1, count: 2 }] });
    expect(nodes.get('stage-2-arbitration')).toMatchObject({ count: 1, versions: [{ version: 1, count: 1 }] });
    expect(nodes.get('resolved')).toMatchObject({ count: 0, final: true, versions: [] });
    expect(graph.nodes.every((n: { retired?: boolean }) => n.retired === undefined)).toBe(true);
    expect(graph.edges.length).toBeGreaterThan(5);
    // Someone who may read none of them sees the chart with nothing counted.
    const practitioner = await ApiClient.signIn(server, 'merton.practitioner');
    const theirs = (await practitioner.get(`${P}/processes/dispute-resolution/graph`)).body;
    expect(theirs.versions).toEqual([]);
    expect(theirs.nodes.every((n: { count: number }) => n.count === 0)).toBe(true);
    expect((await partner.get(`${P}/processes/dispute-resolution/graph?version=x`)).status).toBe(400);
  });
});
