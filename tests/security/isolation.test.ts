import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { loadCatalogue } from '../../server/config/index.ts';
import { ApiClient, startTestServer, type TestServer } from '../support/server.ts';
import { expectError, PROJECT_ROOT, storedCounts } from './support.ts';

/**
 * Partnership isolation on every route: a Rotherham or Leicester user learns nothing of Merton's
 * cases, processes, forms or figures (not even that they exist: 404, never 403), and Merton's
 * cases never appear in their lists, graphs or reports, not even for their business unit, who may
 * read every case of its own partnership (tests/security/need-to-know.test.ts covers who reads what
 * within one).
 */
const loaded = loadCatalogue(PROJECT_ROOT);
if (!loaded.ok) throw new Error('configuration');
const catalogue = loaded.catalogue;

let server: TestServer;
let merton: ApiClient;
const mertonCases: string[] = [];
const own: Record<string, { client: ApiClient; caseId: string }> = {};

/** Every demo user of a partnership, so that no role sees more than another. */
function usersOf(partnership: string): string[] {
  return catalogue.partnerships.get(partnership)!.def.roles.map((r) => `${partnership}.${r.id}`);
}

beforeAll(async () => {
  server = await startTestServer({ now: '2020-10-01' });
  merton = await ApiClient.signIn(server, 'merton.statutory-partner');
  for (let i = 0; i < 3; i++) {
    const created = await merton.createCase('merton', 'dispute-resolution', { summary: `Merton dispute ${i}` });
    mertonCases.push(created.body.id);
  }
  await merton.sendEvent(mertonCases[0]!, 'UNRESOLVED', { attendees: ['lb-merton'], reason: 'Escalated' }, 1);
  // One case of each other partnership's own dispute process, to see that theirs are counted and Merton's are not.
  const rotherham = await ApiClient.signIn(server, 'rotherham.practitioner');
  const r = await rotherham.createCase('rotherham', 'dispute-resolution', { scope: 'systemic', summary: 'Rotherham dispute', agenciesInvolved: ['RMBC'] });
  expect(r.status).toBe(201);
  own.rotherham = { client: rotherham, caseId: r.body.id };
  const leicester = await ApiClient.signIn(server, 'leicester.practitioner');
  const startForm = catalogue.partnerships.get('leicester')!.forms.get('dispute-start')!.schema as { required?: string[] };
  const l = await leicester.createCase('leicester', 'dispute-resolution', leicesterDispute(startForm.required ?? []));
  expect(l.status, JSON.stringify(l.body)).toBe(201);
  own.leicester = { client: leicester, caseId: l.body.id };
});
afterAll(() => server.close());

/** Leicester's start form, filled in from its schema's required fields. */
function leicesterDispute(required: string[]): Record<string, unknown> {
  const schema = catalogue.partnerships.get('leicester')!.forms.get('dispute-start')!.schema as { properties: Record<string, any> };
  return Object.fromEntries(
    required.map((field) => {
      const property = schema.properties[field];
      const choice = property.enum?.[0] ?? property.oneOf?.[0]?.const;
      if (choice !== undefined) return [field, choice];
      if (property.type === 'array') return [field, [property.items?.enum?.[0] ?? property.items?.oneOf?.[0]?.const ?? 'Leicester City Council']];
      if (property.format === 'date') return [field, '2020-09-30'];
      return [field, 'Leicester dispute'];
    }),
  );
}

const MERTON_READS = [
  '/api/partnerships/merton/processes/dispute-resolution',
  '/api/partnerships/merton/processes/cspr',
  '/api/partnerships/merton/forms/dispute-start',
  '/api/partnerships/merton/forms/partners-meeting',
  '/api/partnerships/merton/forms/dispute-start/validator.js',
  '/api/partnerships/merton/processes/dispute-resolution/graph',
  '/api/partnerships/merton/escalation-log',
  '/api/partnerships/merton/escalation-log?from=2020-01-01&to=2020-12-31',
  '/api/partnerships/merton/reports/summary',
];

describe.each(['rotherham', 'leicester'])('a %s user', (partnership) => {
  test('gets 404 for every Merton case, process, form, graph and report, as every one of their roles', async () => {
    for (const username of usersOf(partnership)) {
      const outsider = await ApiClient.signIn(server, username);
      for (const id of mertonCases) {
        expectError(await outsider.get(`/api/cases/${id}`), 404, 'not_found');
      }
      for (const path of MERTON_READS) expectError(await outsider.get(path), 404, 'not_found');
    }
  });

  test('cannot start a Merton case or move one, and nothing is stored', async () => {
    const before = await storedCounts(server.databaseUrl);
    for (const username of usersOf(partnership)) {
      const outsider = await ApiClient.signIn(server, username);
      expectError(await outsider.createCase('merton', 'dispute-resolution', { summary: 'Intruder' }), 404, 'not_found');
      for (const id of mertonCases) {
        expectError(await outsider.sendEvent(id, 'UNRESOLVED', { attendees: ['lb-merton'] }, 1), 404, 'not_found');
        expectError(await outsider.sendEvent(id, 'WITHDRAW', { reason: 'Intruder' }, 1), 404, 'not_found');
      }
    }
    expect(await storedCounts(server.databaseUrl)).toEqual(before);
    // The 404 says no more than "not yours": a Merton id looks exactly like one that does not exist.
    const outsider = own[partnership]!.client;
    const real = await outsider.get(`/api/cases/${mertonCases[0]}`);
    const unknown = await outsider.get('/api/cases/00000000-0000-4000-8000-000000000000');
    expect(real.body.error.message.replace(mertonCases[0]!, 'ID')).toBe(unknown.body.error.message.replace('00000000-0000-4000-8000-000000000000', 'ID'));
  });

  // As the person who raised their partnership's one case, and as its business unit, who reads every
  // case of the partnership (need to know would hide Merton's cases from most roles anyway).
  test.each(['raiser', 'business-unit'])('sees only their own partnership in lists, graphs and reports, as %s', async (who) => {
    const outsider = who === 'raiser' ? own[partnership]!.client : await ApiClient.signIn(server, `${partnership}.business-unit`);
    const partnerships = await outsider.get('/api/partnerships');
    expect(partnerships.body.map((p: { id: string }) => p.id)).toEqual([partnership]);

    const queries = ['', '?process=dispute-resolution', '?state=stage-1-partners-meet', '?state=stage-2-arbitration', '?limit=1', '?overdue=true', '?mine=true'];
    for (const query of queries) {
      let cursor: string | null = null;
      do {
        const page: any = await outsider.get(`/api/cases${query}${cursor ? `${query ? '&' : '?'}cursor=${cursor}` : ''}`);
        expect(page.status).toBe(200);
        for (const item of page.body.items) {
          expect(item.partnership).toBe(partnership);
          expect(mertonCases).not.toContain(item.id);
        }
        cursor = page.body.nextCursor;
      } while (cursor !== null);
    }
    const all = await outsider.get('/api/cases?limit=200');
    expect(all.body.items.map((i: { id: string }) => i.id)).toEqual([own[partnership]!.caseId]);

    // The graph counts their one case, not Merton's three of a process with the same id.
    const graph = await outsider.get(`/api/partnerships/${partnership}/processes/dispute-resolution/graph`);
    expect(graph.body.nodes.reduce((sum: number, n: { count: number }) => sum + n.count, 0)).toBe(1);
    const log = await outsider.get(`/api/partnerships/${partnership}/escalation-log`);
    expect(log.status).toBe(200);
    for (const row of log.body) expect(mertonCases).not.toContain(row.caseId);
    const summary = await outsider.get(`/api/partnerships/${partnership}/reports/summary`);
    expect(JSON.stringify(summary.body)).not.toMatch(new RegExp(mertonCases.join('|')));
    const opened = summary.body.processes.reduce((sum: number, p: { opened: number }) => sum + (p.opened ?? 0), 0);
    expect(opened).toBe(1);
  });
});

test('and the other way round: a Merton user gets 404 for their cases and counts only Merton\'s', async () => {
  for (const { caseId } of Object.values(own)) {
    expectError(await merton.get(`/api/cases/${caseId}`), 404, 'not_found');
    expectError(await merton.sendEvent(caseId, 'WITHDRAW', { reason: 'x' }, 1), 404, 'not_found');
  }
  const graph = await merton.get('/api/partnerships/merton/processes/dispute-resolution/graph');
  expect(graph.body.nodes.reduce((sum: number, n: { count: number }) => sum + n.count, 0)).toBe(mertonCases.length);
  const list = await merton.get('/api/cases?limit=200');
  expect(list.body.items.map((i: { id: string }) => i.id).sort()).toEqual([...mertonCases].sort());
});
