import { afterAll, beforeAll, expect, test } from 'vitest';
import { ApiClient, startTestServer, type TestServer } from '../support/server.ts';
import { notifiableIncident } from '../support/incidents.ts';

/**
 * An action plan's actions over HTTP: each action is in the case's data, and its due date is a deadline
 * that the case, the work list and the statechart count as overdue like any other [issue 13 item 10].
 */
let server: TestServer;
let businessUnit: ApiClient;
let caseId: string;
let version: number;

async function send(client: ApiClient, type: string, data: Record<string, unknown>) {
  const res = await client.sendEvent(caseId, type, data, version);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  version = res.body.version;
  return res.body;
}

beforeAll(async () => {
  server = await startTestServer({ now: '2023-06-01' });
  businessUnit = await ApiClient.signIn(server, 'merton.business-unit');
  const localAuthority = await ApiClient.signIn(server, 'merton.local-authority');
  const created = await localAuthority.createCase('merton', 'cspr', notifiableIncident('2022-09-16'));
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  caseId = created.body.id;
  version = created.body.version;
  await send(localAuthority, 'NOTIFIED', { panelNotifiedOn: '2022-09-26', partnersNotifiedOn: '2022-09-26' });
  await send(await ApiClient.signIn(server, 'merton.independent-person'), 'DECIDE', {
    completedOn: '2022-10-14', decision: 'local-review', decidedOn: '2022-10-14', rationale: 'Criteria met.', panelInformedOn: '2022-10-14', familyInformedOn: '2022-10-20',
  });
  await send(businessUnit, 'COMMISSIONED', {
    reviewerName: 'G. Reviewer',
    reviewerCriteria: { professionalKnowledge: true, researchKnowledge: true, recognisesComplexCircumstances: true, avoidsHindsight: true, communicatesFindings: true, conflictOfInterest: false },
    panelOfstedDfeInformedOn: '2022-10-28',
    methodology: 'learning-together',
    costShares: [{ partner: 'lb-merton', percent: 60 }, { partner: 'Merton Voluntary Service Council', percent: 40 }],
  });
  await send(businessUnit, 'FINAL_REPORT_RECEIVED', { receivedOn: '2023-04-28' });
  await send(businessUnit, 'PUBLISH', { publishedOn: '2023-05-10', sentToPanelAndOfstedOn: '2023-04-27', sentToSecretaryOfStateOn: '2023-04-27' });
});
afterAll(() => server.close());

const overdueOnGraph = async () => {
  const graph = await businessUnit.get('/api/partnerships/merton/processes/cspr/graph');
  return graph.body.nodes.find((n: { id: string }) => n.id === 'action-plan') as { count: number; overdue: number };
};

test('an overdue action is flagged on the case, in the work list and on the statechart, until it is complete', async () => {
  const before = await overdueOnGraph();
  const added = await send(businessUnit, 'ACTION_UPDATED', { action: 'Health visiting caseload audit.', owner: 'CLCH NHS Trust', due: '2023-05-31', status: 'in progress' });
  expect(added.data.actions).toEqual([
    { id: '1', action: 'Health visiting caseload audit.', owner: 'CLCH NHS Trust', due: '2023-05-31', status: 'in-progress', monitoredBy: 'Quality Assurance Sub-Group', open: true, updatedOn: '2023-06-01' },
  ]);
  expect(added.deadlines).toContainEqual(expect.objectContaining({ id: 'action-due-1', label: 'Action 1: Health visiting caseload audit.', due: '2023-05-31', met: null, overdue: true }));
  const listed = await businessUnit.get('/api/cases?overdue=true&limit=200');
  expect(listed.body.items.map((c: { id: string }) => c.id)).toContain(caseId);
  expect((await overdueOnGraph()).overdue).toBe(before.overdue + 1);
  const closing = added.available.find((e: { type: string }) => e.type === 'ACTIONS_COMPLETE');
  expect(closing.warnings).toContainEqual(expect.stringContaining('Some actions of the plan are not complete'));

  const done = await send(businessUnit, 'ACTION_UPDATED', { actionId: '1', action: 'Health visiting caseload audit.', owner: 'CLCH NHS Trust', due: '2023-05-31', status: 'Complete', actionCompletedOn: '2023-06-01' });
  expect(done.deadlines).toContainEqual(expect.objectContaining({ id: 'action-due-1', met: false, overdue: false }));
  expect((await overdueOnGraph()).overdue).toBe(before.overdue);
  expect(done.available.find((e: { type: string }) => e.type === 'ACTIONS_COMPLETE').warnings ?? []).not.toContainEqual(expect.stringContaining('Some actions'));
});
