import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { driveYear, FIGURES_2021, FIGURES_2022, figures, VETO_EFFECTS_CSV_2022, YEAR_PARTNERSHIP, type FiguredTable } from '../support/annual-year.ts';
import { ApiClient, startTestServer, type TestServer } from '../support/server.ts';

/**
 * The year of tests/support/annual-year.ts made through the HTTP API, with the server's "today" moved
 * between steps, and read back as the annual report's tables and CSV files; its figures are counted by
 * hand there. tests/cases/annual-year.test.ts reads the same year from the engine alone.
 */
let server: TestServer;
const ids: Record<string, string> = {};

const as = (username: string) => ApiClient.signIn(server, `${YEAR_PARTNERSHIP}.${username}`);

beforeAll(async () => {
  server = await startTestServer({ now: '2022-03-10' });
  await driveYear({
    on: (date) => server.restart({ now: date }),
    async create(key, role, process, data) {
      const res = await (await as(role)).createCase(YEAR_PARTNERSHIP, process, data);
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      ids[key] = res.body.id as string;
    },
    async step(key, role, type, data = {}) {
      const client = await as(role);
      const current = await client.get(`/api/cases/${ids[key]}`);
      expect(current.status, JSON.stringify(current.body)).toBe(200);
      const res = await client.sendEvent(ids[key]!, type, data, current.body.version);
      expect(res.status, `${key} ${type}: ${JSON.stringify(res.body)}`).toBe(200);
    },
  });
}, 240_000);
afterAll(() => server.close());

type Table = FiguredTable & { id: string };

async function tablesOf(year: number): Promise<Map<string, Table>> {
  const res = await (await as('business-unit')).get(`/api/partnerships/${YEAR_PARTNERSHIP}/reports/annual?year=${year}`);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  expect(res.body).toMatchObject({ year, from: `${year}-04-01`, to: `${year + 1}-03-31` });
  return new Map((res.body.tables as Table[]).map((t) => [t.id, t]));
}

describe('the annual report over HTTP', () => {
  test('2022/23: every table the processes declare, each with its hand-counted figures', async () => {
    const tables = await tablesOf(2022);
    expect([...tables.keys()].sort()).toEqual(Object.keys(FIGURES_2022).sort());
    for (const [id, expected] of Object.entries(FIGURES_2022)) expect(figures(tables.get(id)), id).toEqual(expected);
  });

  test('the year before counts what happened in it: 2021/22', async () => {
    const tables = await tablesOf(2021);
    for (const [id, expected] of Object.entries(FIGURES_2021)) expect(figures(tables.get(id)), id).toEqual(expected);
  });
});

describe('the annual report as CSV and its refusals', () => {
  test('one table as CSV: a title with the year in UK dates, labels not codes, and the total', async () => {
    const bu = await as('business-unit');
    const res = await bu.get('/api/partnerships/rotherham/reports/annual/veto-effects.csv?year=2022');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(res.headers.get('content-disposition')).toContain('veto-effects-rotherham-2022-23.csv');
    expect(String(res.body).trim().split('\r\n')).toEqual(VETO_EFFECTS_CSV_2022);
    const accepted = await bu.request('GET', '/api/partnerships/rotherham/reports/annual?year=2022&table=serious-incident-deadlines', undefined, { accept: 'text/csv' });
    expect(accepted.headers.get('content-type')).toMatch(/^text\/csv/);
    const lines = String(accepted.body).trim().split('\r\n');
    expect(lines[1]).toBe('Deadline,Met,Missed,Not met yet');
    expect(lines.at(-1)).toBe('Total,7,4,0');
  });

  test('a bad year is a 400 that says what to write; an unknown table is a 404; another partnership is a 404', async () => {
    const bu = await as('business-unit');
    for (const year of ['22', '2022-23', 'abcd', '2022.5']) {
      const res = await bu.get(`/api/partnerships/rotherham/reports/annual?year=${year}`);
      expect(res.status, year).toBe(400);
      expect(res.body.error).toMatchObject({ code: 'bad_request', message: expect.stringContaining('four digits') });
    }
    // Without a year, the one holding the server's today (5 April 2023, where the year's driving ends).
    expect((await bu.get('/api/partnerships/rotherham/reports/annual')).body).toMatchObject({ year: 2023, from: '2023-04-01', to: '2024-03-31' });
    expect((await bu.get('/api/partnerships/rotherham/reports/annual/no-such-table.csv?year=2022')).status).toBe(404);
    expect((await bu.get('/api/partnerships/merton/reports/annual?year=2022')).status).toBe(404);
    const noTable = await bu.request('GET', '/api/partnerships/rotherham/reports/annual?year=2022', undefined, { accept: 'text/csv' });
    expect(noTable.status).toBe(400);
  });

  test('every partnership has the tables its processes declare, empty in a year with no cases', async () => {
    for (const [partnership, expected] of [
      ['leicester', ['serious-incidents-by-ground', 'rapid-review-decisions', 'local-reviews', 'serious-incident-deadlines', 'open-serious-incidents', 'action-plans', 'escalations-by-level', 'escalations-time-to-resolve', 'open-escalations']],
      ['merton', ['serious-incidents-by-ground', 'rapid-review-decisions', 'local-reviews', 'serious-incident-deadlines', 'open-serious-incidents', 'action-plans', 'escalations-by-level', 'escalations-time-to-resolve', 'open-escalations']],
    ] as const) {
      const res = await (await ApiClient.signIn(server, `${partnership}.business-unit`)).get(`/api/partnerships/${partnership}/reports/annual?year=2022`);
      expect(res.status).toBe(200);
      expect((res.body.tables as Table[]).map((t) => t.id).sort()).toEqual([...expected].sort());
      expect((res.body.tables as Table[]).every((t) => Object.values(t.total).every((n) => n === 0))).toBe(true);
    }
  });

  test('need to know: a conference chair counts the vetoes they referred, and no serious incident', async () => {
    const res = await (await as('conference-chair')).get('/api/partnerships/rotherham/reports/annual?year=2022');
    expect(res.status).toBe(200);
    const tables = new Map((res.body.tables as Table[]).map((t) => [t.id, t]));
    expect(figures(tables.get('serious-incidents-by-ground')).Total).toEqual([0]);
    expect(figures(tables.get('practice-standards-referrals'))).toMatchObject({ "Requests to review a Case Conference Chair's veto": [4], Appraisals: [0] });
  });
});
