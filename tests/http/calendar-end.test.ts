/**
 * The calendar's end: while less than a year of bank holidays is left in a partnership's calendar, the
 * server says so when it starts and the business unit's Configuration page says so; a date past the end
 * is refused with the range named (tests/engine/dates.test.ts pins the edges).
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { notifiableIncident } from '../support/incidents.ts';
import { ApiClient, startTestServer, type TestServer } from '../support/server.ts';

describe('with seven months of bank holidays left (today 1 June 2027, the data ending 31 December 2027)', () => {
  let server: TestServer;
  const logged: string[] = [];
  beforeAll(async () => {
    server = await startTestServer({ now: '2027-06-01', log: (line) => logged.push(line) });
  });
  afterAll(() => server.close());

  test('the start-up log warns once per calendar, saying which file to extend', () => {
    const warnings = logged.filter((line) => line.startsWith('warning: '));
    expect(warnings).toEqual([
      'warning: The working-day calendar "England and Wales" (england-and-wales) ends on 2027-12-31, in 213 days: add the next year\'s bank holidays to workflows/calendars/england-and-wales.yaml, or deadlines that reach past it will be refused.',
    ]);
  });

  test("the business unit's configuration says it; nobody else may ask", async () => {
    const businessUnit = await ApiClient.signIn(server, 'leicester.business-unit');
    const calendar = await businessUnit.get('/api/partnerships/leicester/configuration/calendar');
    expect(calendar.status).toBe(200);
    expect(calendar.body).toMatchObject({ id: 'england-and-wales', lastDay: '2027-12-31', warning: expect.stringContaining('in 213 days') });
    const practitioner = await ApiClient.signIn(server, 'leicester.practitioner');
    expect((await practitioner.get('/api/partnerships/leicester/configuration/calendar')).status).toBe(403);
  });

  test('a date whose deadline would fall past the end is refused, naming the range, and nothing is stored', async () => {
    const la = await ApiClient.signIn(server, 'merton.local-authority');
    const created = await la.createCase('merton', 'cspr', notifiableIncident('2027-05-28'));
    expect(created.status).toBe(201);
    // The rapid review falls 15 working days after the Panel's notification; one on 31 December 2027 reaches past the data.
    const past = await la.sendEvent(created.body.id, 'NOTIFIED', { panelNotifiedOn: '2028-01-04', partnersNotifiedOn: '2027-05-31' }, 1);
    expect(past.status).toBe(422);
    expect(JSON.stringify(past.body)).toMatch(/covers 2018 to 2027/);
    expect((await la.get(`/api/cases/${created.body.id}`)).body.version).toBe(1);
  });
});
