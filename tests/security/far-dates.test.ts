import fc from 'fast-check';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { ApiClient, startTestServer, type TestServer } from '../support/server.ts';

/**
 * No date, however far, makes any route answer 5xx: a date the calendar or the arithmetic cannot
 * handle is a 422 at the step that sends it, naming the field. Each run walks one serious incident
 * as far as its dates allow, with a random date in every date field of every step, and after every
 * step the case, its statechart, the summary and the escalation log must still answer.
 */
const RUNS = Number(process.env.FUZZ_RUNS ?? 100) / 4;
let server: TestServer;
const users: Record<string, ApiClient> = {};
const tally = { steps: 0, accepted: 0, refusedAtField: 0 };

beforeAll(async () => {
  server = await startTestServer({ now: '2022-11-01' });
  for (const role of ['local-authority', 'practice-review-panel', 'independent-chair', 'business-unit']) users[role] = await ApiClient.signIn(server, `rotherham.${role}`);
});
afterAll(async () => {
  console.log(`far dates: ${tally.steps} steps, ${tally.accepted} accepted, ${tally.refusedAtField} refused naming a date field`);
  await server.close();
});

const pad = (n: number, width: number) => String(n).padStart(width, '0');
const edges = ['9999-12-31', '0001-01-01', '1899-12-31', '1900-01-01', '2099-12-31', '2100-01-01', '2017-12-31', '2018-01-01', '2027-12-31', '2028-01-01', '2024-02-29', '2022-09-19', '2022-11-01', '2022-11-02'];
const anyDate = fc.oneof(
  { weight: 2, arbitrary: fc.constantFrom(...edges) },
  { weight: 2, arbitrary: fc.record({ y: fc.integer({ min: 1, max: 9999 }), m: fc.integer({ min: 1, max: 12 }), d: fc.integer({ min: 1, max: 28 }) }).map(({ y, m, d }) => `${pad(y, 4)}-${pad(m, 2)}-${pad(d, 2)}`) },
  { weight: 12, arbitrary: fc.integer({ min: 0, max: 120 }).map((days) => new Date(Date.UTC(2022, 7, 1) + days * 86_400_000).toISOString().slice(0, 10)) },
);

async function step(who: string, run: () => Promise<{ status: number; body: any }>, dateFields: string[]): Promise<any | undefined> {
  const answer = await run();
  tally.steps++;
  expect(answer.status, JSON.stringify(answer.body)).toBeLessThan(500);
  if (answer.status >= 400) {
    expect(answer.body.error).toMatchObject({ code: expect.any(String), message: expect.any(String) });
    const paths = (answer.body.error.details ?? []).map((d: { path?: string }) => d.path);
    if (answer.body.error.code === 'validation_failed' && paths.some((p: string) => dateFields.includes(p.slice(1)))) tally.refusedAtField++;
    return undefined;
  }
  tally.accepted++;
  const reader = users[who]!;
  for (const path of [`/api/cases/${answer.body.id}`, '/api/partnerships/rotherham/processes/cspr/graph', '/api/partnerships/rotherham/reports/summary', '/api/partnerships/rotherham/escalation-log?from=2022-01-01&to=2022-12-31']) {
    expect((await reader.get(path)).status, path).toBe(200);
  }
  return answer.body;
}

test('a serious incident walked with random dates in every field never answers 5xx and never gets stuck', async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(anyDate, { minLength: 9, maxLength: 9 }), async ([awareOn, panel, partners, completed, decided, informed, received, corrected, published]) => {
      const created = await step('local-authority', () => users['local-authority']!.createCase('rotherham', 'cspr', { title: 'Child Y', awareOn, childDied: false, seriouslyHarmed: true, abuseOrNeglectKnownOrSuspected: true, lookedAfterChild: false, inArea: true }), ['awareOn']);
      if (created === undefined) return;
      const id: string = created.id;
      const send = (who: string, type: string, data: Record<string, unknown>, fields: string[]) =>
        step(who, async () => users[who]!.sendEvent(id, type, data, (await users[who]!.get(`/api/cases/${id}`)).body.version), fields);
      await send('business-unit', 'CORRECT_DATES', { reason: 'Fuzzed correction', awareOn: corrected }, ['awareOn']);
      if ((await send('local-authority', 'NOTIFIED', { panelNotifiedOn: panel, partnersNotifiedOn: partners }, ['panelNotifiedOn', 'partnersNotifiedOn'])) === undefined) return;
      if ((await send('practice-review-panel', 'RECOMMEND', { completedOn: completed, recommendation: 'local-review', rationale: 'Fuzz' }, ['completedOn'])) === undefined) return;
      if ((await send('independent-chair', 'DECIDE', { decision: 'local-review', decidedOn: decided, rationale: 'Fuzz', panelInformedOn: informed }, ['decidedOn', 'panelInformedOn'])) === undefined) return;
      await send('business-unit', 'CORRECT_DATES', { reason: 'Fuzzed correction', decidedOn: published, panelNotifiedOn: corrected }, ['decidedOn', 'panelNotifiedOn']);
      await send('business-unit', 'COMMISSIONED', {
        reviewerName: 'R. Reviewer',
        reviewerCriteria: { professionalKnowledge: true, researchKnowledge: true, recognisesComplexCircumstances: true, avoidsHindsight: true, communicatesFindings: true, conflictOfInterest: false },
        panelOfstedDfeInformedOn: informed,
      }, ['panelOfstedDfeInformedOn']);
      await send('business-unit', 'FINAL_REPORT_RECEIVED', { receivedOn: received }, ['receivedOn']);
    }),
    { numRuns: Math.max(10, Math.round(RUNS)) },
  );
  expect(tally.accepted).toBeGreaterThan(0);
  expect(tally.refusedAtField).toBeGreaterThan(0);
}, 300_000);

test("a report's period at the calendar's first or last day answers, and reads what is in it: the summary, the log, a page of it", async () => {
  const reader = users['business-unit']!;
  // A period on the first day alone, ending on it, or starting on the last day: there is no day beyond either
  // end to widen into, which once made the summary a 500.
  for (const query of ['to=0000-01-01', 'from=0000-01-01&to=0000-01-01', 'from=9999-12-31', 'from=9999-12-31&to=9999-12-31', 'from=0000-01-01&to=0000-01-02', 'from=9999-12-30']) {
    const summary = await reader.get(`/api/partnerships/rotherham/reports/summary?${query}`);
    expect(summary.status, query).toBe(200);
    expect(summary.body.processes.every((p: { opened: number }) => p.opened === 0), query).toBe(true);
    for (const log of [`escalation-log?${query}`, `escalation-log?limit=5&${query}`]) {
      const answer = await reader.get(`/api/partnerships/rotherham/${log}`);
      expect(answer.status, log).toBe(200);
      expect(answer.body, log).toEqual([]);
    }
  }
});
