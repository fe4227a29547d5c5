import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { escalationLogCsv, type EscalationLogRow } from '../../server/cases/reports.ts';
import { databaseLocation } from '../../server/main.ts';
import { openReadOnly, type Connection } from '../../server/store/database.ts';
import { historyBatchesOnUtcDates, historyOnUtcDates } from '../../server/store/reports.ts';
import { ApiClient, startTestServer, type TestServer } from '../support/server.ts';

/**
 * The escalation log read a page at a time (`limit`, then the `after` cursor its Link rel="next"
 * gives) joins up to the whole log, and the whole log, JSON or CSV, streams from paged queries
 * with the same content the log had when it was built in one piece.
 */
let server: TestServer;
let bu: ApiClient;
const LOG = '/api/partnerships/merton/escalation-log';
const ALL = ['lb-merton', 'merton-ccg', 'met-police'];

beforeAll(async () => {
  server = await startTestServer({ now: '2024-05-01' });
  let partner = await ApiClient.signIn(server, 'merton.statutory-partner');
  for (let i = 0; i < 8; i++) {
    const id = (await partner.createCase('merton', 'dispute-resolution', { summary: `Dispute ${i}, with "quotes", commas` })).body.id;
    if (i % 2 === 0) expect((await partner.sendEvent(id, 'UNRESOLVED', { attendees: ALL, reason: `=No agreement on ${i}` }, 1)).status).toBe(200);
  }
  await server.restart({ now: '2024-05-03' });
  partner = await ApiClient.signIn(server, 'merton.statutory-partner');
  for (let i = 0; i < 3; i++) await partner.createCase('merton', 'dispute-resolution', { summary: `Later ${i}` });
  bu = await ApiClient.signIn(server, 'merton.business-unit');
});
afterAll(() => server.close());

/** The `next` link of a page, or null on the last page. */
function nextOf(headers: Headers): string | null {
  const link = headers.get('link');
  if (link === null) return null;
  const match = /<([^>]+)>;\s*rel="next"/.exec(link);
  expect(match, link).not.toBeNull();
  return match![1]!;
}

/** Every page from `first`, following the next links. */
async function pages(first: string, accept = 'application/json') {
  const found: { status: number; body: any }[] = [];
  let url: string | null = first;
  while (url !== null) {
    const res = await bu.request('GET', url, undefined, { accept });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    found.push(res);
    url = nextOf(res.headers);
    expect(found.length).toBeLessThan(50);
  }
  return found;
}

const key = (row: EscalationLogRow) => `${row.caseId}:${row.event}:${row.at}`;

describe('the escalation log in pages', () => {
  test('pages of four join up to the whole log: every row once, in order, and the last page says no more', async () => {
    const whole = (await bu.get(LOG)).body as EscalationLogRow[];
    expect(whole).toHaveLength(15);
    const found = await pages(`${LOG}?limit=4`);
    expect(found.map((page) => page.body.length)).toEqual([4, 4, 4, 3]);
    expect(found.flatMap((page) => page.body)).toEqual(whole);
    expect(new Set(whole.map(key)).size).toBe(15);
  });

  test('a page that ends exactly at the end of the log has no next link', async () => {
    const found = await pages(`${LOG}?limit=5`);
    expect(found.map((page) => page.body.length)).toEqual([5, 5, 5]);
  });

  test('the next link keeps the date range, and the range still cuts the pages', async () => {
    const firstDay = (await bu.get(`${LOG}?from=2024-05-01&to=2024-05-01`)).body as EscalationLogRow[];
    expect(firstDay).toHaveLength(12);
    const found = await pages(`${LOG}?from=2024-05-01&to=2024-05-01&limit=5`);
    expect(found.flatMap((page) => page.body)).toEqual(firstDay);
  });

  test('a cursor read with another range simply continues from its point in time', async () => {
    const whole = (await bu.get(LOG)).body as EscalationLogRow[];
    const next = nextOf((await bu.get(`${LOG}?from=2024-05-01&to=2024-05-01&limit=10`)).headers)!;
    const after = new URL(next, server.url).searchParams.get('after')!;
    const rest = (await bu.get(`${LOG}?after=${after}`)).body as EscalationLogRow[];
    expect(rest).toEqual(whole.slice(10));
    const restOfDayTwo = (await bu.get(`${LOG}?from=2024-05-03&after=${after}`)).body as EscalationLogRow[];
    expect(restOfDayTwo).toEqual(whole.slice(12));
  });

  test('a malformed cursor or page size is a 400 saying what to fix', async () => {
    for (const query of ['after=nonsense', `after=${Buffer.from('["2024-05-01T00:00:00.000Z"]').toString('base64url')}`, `after=${Buffer.from('["not a time",3]').toString('base64url')}`, 'after=a&after=b']) {
      const res = await bu.get(`${LOG}?${query}`);
      expect(res.status, query).toBe(400);
      expect(res.body.error.message, query).toMatch(/after/);
    }
    for (const limit of ['0', 'ten', '1001', '-3', '2.5']) {
      const res = await bu.get(`${LOG}?limit=${limit}`);
      expect(res.status, limit).toBe(400);
      expect(res.body.error.message).toMatch(/limit must be a whole number from 1 to 1000/);
    }
  });
});

describe('the escalation log streamed', () => {
  test('the CSV is the same file the log made in one piece: header once, every row, labels and quoting', async () => {
    const whole = (await bu.get(LOG)).body as EscalationLogRow[];
    const csv = await bu.request('GET', LOG, undefined, { accept: 'text/csv' });
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(csv.headers.get('content-disposition')).toContain('escalation-log-merton-all-all.csv');
    expect(String(csv.body)).toBe(escalationLogCsv(whole).replace(/^\uFEFF/, ''));
    // A reason that starts like a formula is still defused, and a summary's quotes kept.
    expect(String(csv.body)).toContain(",'=No agreement on 0,");
  });

  test('CSV pages each carry the header, and their rows join up to the whole file', async () => {
    const whole = String((await bu.request('GET', LOG, undefined, { accept: 'text/csv' })).body).trim().split('\r\n');
    const found = await pages(`${LOG}?limit=6&format=csv`, 'text/csv');
    const lines = found.map((page) => String(page.body).trim().split('\r\n'));
    expect(lines.every((page) => page[0] === whole[0])).toBe(true);
    expect([whole[0], ...lines.flatMap((page) => page.slice(1))]).toEqual(whole);
  });
});

describe('the paged query under the stream', () => {
  let db: Connection;
  beforeAll(async () => {
    db = await openReadOnly(databaseLocation(server.databaseUrl));
  });
  afterAll(() => db.close());

  test('batches smaller than the log join up to the one-query answer', async () => {
    const everyCase = { sql: '1 = 1', params: [] };
    const query = { partnership: 'merton', processes: ['dispute-resolution'], readable: everyCase, fromUtc: '0000-01-01', toUtc: '9999-12-31' };
    const whole = await historyOnUtcDates(db, query);
    expect(whole).toHaveLength(15);
    for (const batch of [1, 2, 7, 15, 16]) {
      const joined = [];
      for await (const rows of historyBatchesOnUtcDates(db, query, { after: null, batch })) {
        expect(rows.length).toBeLessThanOrEqual(batch);
        joined.push(...rows);
      }
      expect(joined, `batches of ${batch}`).toEqual(whole);
    }
  });
});
