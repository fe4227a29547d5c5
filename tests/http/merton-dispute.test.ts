import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ApiClient, startTestServer, type TestServer } from '../support/server.ts';

const ALL_PARTNERS = ['lb-merton', 'merton-ccg', 'met-police'];
let server: TestServer;
let partner: ApiClient;
let independentPerson: ApiClient;
let scrutineer: ApiClient;
let businessUnit: ApiClient;

beforeAll(async () => {
  server = await startTestServer({ now: '2020-10-01' });
  [partner, independentPerson, scrutineer, businessUnit] = await Promise.all(
    ['statutory-partner', 'independent-person', 'independent-scrutineer', 'business-unit'].map((role) => ApiClient.signIn(server, `merton.${role}`)),
  );
});
afterAll(() => server.close());

async function raiseDispute(by = partner) {
  const res = await by.createCase('merton', 'dispute-resolution', { summary: 'Disagreement over funding of the MASH' });
  expect(res.status).toBe(201);
  return res.body;
}

describe('a Merton dispute walks all four stages', () => {
  test('stage 1 to stage 4 and closed, with tasks for an absent partner and every step in the escalation log', async () => {
    const created = await raiseDispute();
    expect(created).toMatchObject({ partnership: 'merton', process: 'dispute-resolution', state: 'stage-1-partners-meet', version: 1, final: false });
    expect(created.history).toEqual([expect.objectContaining({ seq: 1, type: 'CREATE', from: null, to: 'stage-1-partners-meet', by: 'merton.statutory-partner' })]);
    expect(created.available.map((a: { type: string }) => a.type).sort()).toEqual(['AGREED', 'UNRESOLVED', 'WITHDRAW']);

    const notQuorate = await partner.sendEvent(created.id, 'AGREED', { attendees: ['lb-merton', 'met-police'] }, 1);
    expect(notQuorate.status).toBe(422);
    expect(notQuorate.body.error.code).toBe('guard_rejected');
    expect(notQuorate.body.error.details).toEqual([{ guard: 'quorate', message: expect.stringContaining('quorate'), paths: ['/attendees'], dates: [] }]);

    const stage2 = await partner.sendEvent(created.id, 'UNRESOLVED', { attendees: ['lb-merton', 'met-police'], reason: 'No agreement on funding' }, 1);
    expect(stage2.status).toBe(200);
    expect(stage2.body).toMatchObject({ state: 'stage-2-arbitration', version: 2 });
    expect(stage2.body.tasks).toEqual([
      expect.objectContaining({ id: 'write-to-accountable-officer-merton-ccg', label: expect.stringContaining('NHS Merton CCG'), done: false }),
    ]);

    const wrongLetter = await independentPerson.sendEvent(created.id, 'LETTER_SENT', { partner: 'lb-merton', sentOn: '2020-10-01' }, 2);
    expect(wrongLetter.status).toBe(422);
    const letter = await independentPerson.sendEvent(created.id, 'LETTER_SENT', { partner: 'merton-ccg', sentOn: '2020-10-01' }, 2);
    expect(letter.status).toBe(200);
    expect(letter.body).toMatchObject({ state: 'stage-2-arbitration', version: 3, tasks: [{ id: 'write-to-accountable-officer-merton-ccg', done: true }] });

    const stage3 = await independentPerson.sendEvent(created.id, 'UNRESOLVED', { outcome: 'Arbitration failed' }, 3);
    expect(stage3.body).toMatchObject({ state: 'stage-3-determination', version: 4 });
    const stage4 = await scrutineer.sendEvent(
      created.id,
      'REFER_TO_SECRETARY_OF_STATE',
      { statutoryObligationNotMet: 'The police are not contributing to the partnership as required', disclosedToOfstedAndDfeOn: '2020-09-30' },
      4,
    );
    expect(stage4.status).toBe(200);
    expect(stage4.body).toMatchObject({ state: 'stage-4-secretary-of-state', version: 5 });
    const closed = await businessUnit.sendEvent(created.id, 'CLOSE', { outcome: 'Secretary of State directed the partner to comply' }, 5);
    expect(closed.body).toMatchObject({ state: 'closed', final: true, version: 6, available: [] });
    expect(closed.body.history.map((h: { seq: number; type: string }) => `${h.seq} ${h.type}`)).toEqual([
      '1 CREATE',
      '2 UNRESOLVED',
      '3 LETTER_SENT',
      '4 UNRESOLVED',
      '5 REFER_TO_SECRETARY_OF_STATE',
      '6 CLOSE',
    ]);

    const log = await businessUnit.get(`/api/partnerships/merton/escalation-log?from=2020-10-01&to=2020-10-01`);
    const mine = log.body.filter((row: { caseId: string }) => row.caseId === created.id);
    expect(mine.map((r: { event: string; to: string }) => `${r.event}→${r.to}`)).toEqual([
      'CREATE→stage-1-partners-meet',
      'UNRESOLVED→stage-2-arbitration',
      'LETTER_SENT→stage-2-arbitration',
      'UNRESOLVED→stage-3-determination',
      'REFER_TO_SECRETARY_OF_STATE→stage-4-secretary-of-state',
      'CLOSE→closed',
    ]);
    expect(mine[1]).toMatchObject({ by: 'merton.statutory-partner', from: 'stage-1-partners-meet', reason: 'No agreement on funding' });
    expect(mine[5]).toMatchObject({ outcome: 'Secretary of State directed the partner to comply' });
    const csv = await businessUnit.request('GET', '/api/partnerships/merton/escalation-log?from=2020-10-01&to=2020-10-01', undefined, { accept: 'text/csv' });
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(String(csv.body).split('\r\n')[0]).toBe('Reference,Process,Date and time,By,What happened,From stage,To stage,Reason,Outcome');
  });

  test('agreement at each stage resolves the dispute', async () => {
    const atStage1 = await raiseDispute(businessUnit);
    const agreed = await partner.sendEvent(atStage1.id, 'AGREED', { attendees: ALL_PARTNERS, outcome: 'Agreed' }, 1);
    expect(agreed.body).toMatchObject({ state: 'resolved', final: true });

    const atStage2 = await raiseDispute();
    await partner.sendEvent(atStage2.id, 'UNRESOLVED', { attendees: ALL_PARTNERS }, 1);
    const arbitrated = await independentPerson.sendEvent(atStage2.id, 'AGREED', {}, 2);
    expect(arbitrated.body).toMatchObject({ state: 'resolved', tasks: [] });

    const atStage3 = await raiseDispute();
    await partner.sendEvent(atStage3.id, 'UNRESOLVED', { attendees: ALL_PARTNERS }, 1);
    await independentPerson.sendEvent(atStage3.id, 'UNRESOLVED', {}, 2);
    const determined = await independentPerson.sendEvent(atStage3.id, 'DETERMINED', { determination: 'The local authority funds the post' }, 3);
    expect(determined.body).toMatchObject({ state: 'resolved', version: 4 });
  });

  test('the raiser or the business unit may withdraw; another partner may not', async () => {
    const dispute = await raiseDispute();
    await partner.sendEvent(dispute.id, 'UNRESOLVED', { attendees: ALL_PARTNERS }, 1);
    const otherPartner = await ApiClient.signIn(server, 'merton.independent-person');
    const refused = await otherPartner.sendEvent(dispute.id, 'WITHDRAW', { reason: 'x' }, 2);
    expect(refused.status).toBe(403);
    const withdrawn = await partner.sendEvent(dispute.id, 'WITHDRAW', { reason: 'Resolved informally' }, 2);
    expect(withdrawn.body).toMatchObject({ state: 'withdrawn', final: true });

    const other = await raiseDispute();
    const byBusinessUnit = await businessUnit.sendEvent(other.id, 'WITHDRAW', { reason: 'Raised in error' }, 1);
    expect(byBusinessUnit.body.state).toBe('withdrawn');
  });

  test('the definition, forms and graph describe the process', async () => {
    const definition = await partner.get('/api/partnerships/merton/processes/dispute-resolution');
    expect(definition.status).toBe(200);
    expect(definition.body.states.map((s: { id: string }) => s.id)).toEqual(
      expect.arrayContaining(['stage-1-partners-meet', 'stage-2-arbitration', 'stage-3-determination', 'stage-4-secretary-of-state', 'resolved', 'withdrawn']),
    );
    const withdraw = definition.body.events.find((e: { type: string }) => e.type === 'WITHDRAW');
    expect(withdraw).toMatchObject({ to: 'withdrawn', roles: ['raiser', 'business-unit'], form: 'withdrawal' });
    expect(withdraw.from).toEqual(['stage-1-partners-meet', 'stage-2-arbitration', 'stage-3-determination', 'stage-4-secretary-of-state']);
    const form = await partner.get(`/api/partnerships/merton/forms/${definition.body.start.form}`);
    expect(form.body).toMatchObject({ id: 'dispute-start', schema: { type: 'object', required: ['summary'] } });

    const before = await partner.get('/api/partnerships/merton/processes/dispute-resolution/graph');
    const count = (body: { nodes: { id: string; count: number }[] }, id: string) => body.nodes.find((n) => n.id === id)!.count;
    const dispute = await raiseDispute();
    await partner.sendEvent(dispute.id, 'UNRESOLVED', { attendees: ALL_PARTNERS }, 1);
    const after = await partner.get('/api/partnerships/merton/processes/dispute-resolution/graph');
    expect(count(after.body, 'stage-2-arbitration')).toBe(count(before.body, 'stage-2-arbitration') + 1);
    expect(after.body.edges).toContainEqual({ from: 'stage-1-partners-meet', to: 'stage-2-arbitration', event: 'UNRESOLVED' });
  });
});
