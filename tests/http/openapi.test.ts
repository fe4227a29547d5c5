import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { openApiDocument } from '../../server/http/openapi.ts';
import { shippedCatalogue } from '../support/catalogue.ts';
import { ApiClient, startTestServer, type TestServer } from '../support/server.ts';

/**
 * The API description served at /api/openapi.json against the server itself: every documented
 * operation exists and answers as documented (a session's GET its success, no session 401 where the
 * operation needs one), every reference in it resolves, and every status it lists says what it means.
 */
let server: TestServer;
let caseId: string;

interface Operation {
  security?: unknown[];
  parameters?: { name: string; in: string; required?: boolean }[];
  requestBody?: unknown;
  responses: Record<string, { description?: string; content?: Record<string, unknown> }>;
}
const operations = Object.entries(openApiDocument.paths as unknown as Record<string, Record<string, Operation>>).flatMap(([template, byMethod]) =>
  Object.entries(byMethod).map(([method, operation]) => ({ method: method.toUpperCase(), template, operation })),
);

const merton = shippedCatalogue().partnerships.get('merton')!;
const dispute = merton.processes.get('dispute-resolution')!;
/** Real values for each path parameter, so that a GET of a documented path finds what it names. */
const PARAMETERS = (): Record<string, string> => ({
  p: 'merton',
  proc: dispute.def.id,
  id: caseId,
  formId: dispute.def.start.form!,
  table: dispute.def.reports!.tables![0]!.id,
  version: '1',
});
/** The path with its parameters filled in, and the query parameters the operation requires. */
function filled(template: string, operation?: Operation): string {
  // A template's difference needs a process whose file extends one: Merton's incidents extend the shared CSPR.
  const values: Record<string, string> = { ...PARAMETERS(), ...(template.endsWith('/template-difference') ? { proc: 'cspr' } : {}) };
  const path = template.replace(/\{(\w+)\}/g, (_, name: string) => values[name] ?? `{${name}}`);
  const required = (operation?.parameters ?? []).filter((p) => p.in === 'query' && p.required === true);
  return required.length === 0 ? path : `${path}?${new URLSearchParams(required.map((p) => [p.name, '1']))}`;
}

beforeAll(async () => {
  server = await startTestServer({ now: '2026-03-02' });
  const partner = await ApiClient.signIn(server, 'merton.statutory-partner');
  const created = await partner.createCase('merton', dispute.def.id, { summary: 'A dispute' });
  expect(created.status).toBe(201);
  caseId = created.body.id;
});
afterAll(() => server.close());

describe('the API description', () => {
  test('every documented GET answers a signed-in business unit with its documented success and content type', async () => {
    const bu = await ApiClient.signIn(server, 'merton.business-unit');
    const gets = operations.filter((o) => o.method === 'GET');
    expect(gets.length).toBeGreaterThan(15);
    for (const { template, operation } of gets) {
      const res = await bu.get(filled(template, operation));
      const success = Object.keys(operation.responses).filter((s) => s.startsWith('2'));
      expect(success, template).toEqual(['200']);
      expect(res.status, `${template}: ${JSON.stringify(res.body).slice(0, 200)}`).toBe(200);
      const types = Object.keys(operation.responses['200']!.content ?? {});
      expect(types.some((t) => res.headers.get('content-type')!.startsWith(t)), `${template} sends ${res.headers.get('content-type')}, documented ${types}`).toBe(true);
    }
  });

  test('without a session every operation that needs one answers 401, and documents it', async () => {
    const anonymous = new ApiClient(server);
    let checked = 0;
    for (const { method, template, operation } of operations) {
      if (operation.security !== undefined && operation.security.length === 0) continue;
      if (method === 'DELETE') continue; // signing out without a session is not an error: it is done already
      const res = await anonymous.request(method, filled(template), operation.requestBody === undefined ? undefined : {});
      expect(res.status, `${method} ${template}`).toBe(401);
      expect(Object.keys(operation.responses), `${method} ${template}`).toContain('401');
      checked++;
    }
    expect(checked).toBe(operations.filter((o) => !(o.operation.security?.length === 0) && o.method !== 'DELETE').length);
    // The description itself and signing in need none.
    expect((await anonymous.get('/api/openapi.json')).body).toEqual(JSON.parse(JSON.stringify(openApiDocument)));
  });

  test('every write documents the CSRF token and its refusal; every status says what it means', () => {
    for (const { method, template, operation } of operations) {
      for (const [status, response] of Object.entries(operation.responses)) {
        expect(response.description, `${method} ${template} ${status}`).toMatch(/\w\w/);
      }
      if (method === 'GET' || (method === 'POST' && template === '/api/session')) continue;
      expect(operation.parameters?.some((p) => p.name === 'X-CSRF-Token' && p.in === 'header'), `${method} ${template}`).toBe(true);
      expect(Object.keys(operation.responses), `${method} ${template}`).toContain('403');
    }
  });

  test("every path parameter is declared, and every reference points at a schema the document has", () => {
    for (const { method, template, operation } of operations) {
      const named = [...template.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
      const declared = (operation.parameters ?? []).filter((p) => p.in === 'path').map((p) => p.name);
      expect(declared.sort(), `${method} ${template}`).toEqual(named.sort());
      expect((operation.parameters ?? []).filter((p) => p.in === 'path').every((p) => p.required === true)).toBe(true);
    }
    const refs = [...JSON.stringify(openApiDocument).matchAll(/"\$ref":"#\/components\/schemas\/(\w+)"/g)].map((m) => m[1]!);
    expect(refs.length).toBeGreaterThan(5);
    const schemas = openApiDocument.components.schemas as Record<string, unknown>;
    for (const name of refs) expect(schemas[name], name).toBeDefined();
  });
});
