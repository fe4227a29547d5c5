import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ApiClient, startTestServer, type TestServer } from '../support/server.ts';
import { expectError, storedCounts } from './support.ts';

/**
 * JSON bodies are UTF-8 only (RFC 8259). A body declared in another charset, which body-parser
 * would otherwise decode (UTF-16, UTF-32, UTF-7), or bytes that are not UTF-8, are answered 415
 * `unsupported_media_type`, saying to send UTF-8 JSON, and store nothing.
 */
let server: TestServer;
let partner: ApiClient;
let caseId: string;

beforeAll(async () => {
  server = await startTestServer({ now: '2020-10-01' });
  partner = await ApiClient.signIn(server, 'merton.statutory-partner');
  caseId = (await partner.createCase('merton', 'dispute-resolution', { summary: 'Existing' })).body.id;
});
afterAll(() => server.close());

const CHARSETS: [string, BufferEncoding][] = [
  ['utf-16le', 'utf16le'],
  ['UTF-16', 'utf16le'],
  ['utf-32', 'utf8'],
  ['utf-7', 'utf8'],
  ['iso-8859-1', 'latin1'],
  ['"windows-1252"', 'latin1'],
];

/** Sends `bytes` exactly, with the client's cookie and CSRF token. */
async function post(client: ApiClient, path: string, bytes: Buffer, contentType: string): Promise<{ status: number; body: any }> {
  const res = await fetch(`${server.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': contentType, cookie: client.cookie, 'x-csrf-token': client.csrfToken },
    body: new Uint8Array(bytes),
  });
  return { status: res.status, body: await res.json() };
}

describe('bodies that are not UTF-8', () => {
  test('a body declaring another charset is 415 on every route that takes one, and nothing is stored', async () => {
    const before = await storedCounts(server.databaseUrl);
    const routes = [
      { path: '/api/partnerships/merton/processes/dispute-resolution/cases', body: { data: { summary: 'Café meeting' } } },
      { path: `/api/cases/${caseId}/events`, body: { type: 'WITHDRAW', data: { reason: 'Résolu' }, expectedVersion: 1 } },
      { path: '/api/session', body: { username: 'merton.statutory-partner', password: 'demo' } },
    ];
    for (const { path, body } of routes) {
      for (const [charset, encoding] of CHARSETS) {
        const res = await post(partner, path, Buffer.from(JSON.stringify(body), encoding), `application/json; charset=${charset}`);
        expectError(res, 415, 'unsupported_media_type');
        expect(res.body.error.message, `${path} ${charset}`).toMatch(/UTF-8 JSON/);
      }
    }
    expect(await storedCounts(server.databaseUrl)).toEqual(before);
  });

  test('bytes that are not UTF-8 are 415 even when the charset says UTF-8, and nothing is stored', async () => {
    const before = await storedCounts(server.databaseUrl);
    const path = '/api/partnerships/merton/processes/dispute-resolution/cases';
    const bodies = [
      Buffer.from('{"data":{"summary":"Caf\xe9"}}', 'latin1'), // Latin-1 é
      Buffer.from([...Buffer.from('{"data":{"summary":"'), 0xed, 0xa0, 0x80, ...Buffer.from('"}}')]), // a lone surrogate, CESU-8
      Buffer.from([...Buffer.from('{"data":{"summary":"'), 0xc0, 0xaf, ...Buffer.from('"}}')]), // an overlong "/"
    ];
    for (const bytes of bodies) {
      for (const contentType of ['application/json', 'application/json; charset=utf-8']) {
        const res = await post(partner, path, bytes, contentType);
        expectError(res, 415, 'unsupported_media_type');
        expect(res.body.error.message).toMatch(/UTF-8 JSON/);
      }
    }
    expect(await storedCounts(server.databaseUrl)).toEqual(before);
  });

  test('UTF-8 bodies, with or without the charset, are taken as sent', async () => {
    const summary = 'Réunion à 9h 👩‍⚕️ مرحبا';
    for (const contentType of ['application/json', 'application/json; charset=utf-8', 'application/json; charset="UTF-8"']) {
      const res = await post(partner, '/api/partnerships/merton/processes/dispute-resolution/cases', Buffer.from(JSON.stringify({ data: { summary } })), contentType);
      expect(res.status, contentType).toBe(201);
      expect((await partner.get(`/api/cases/${res.body.id}`)).body.data.summary).toBe(summary);
    }
  });
});
