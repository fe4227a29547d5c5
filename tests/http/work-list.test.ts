import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { notifiableIncident } from '../support/incidents.ts';
import { ApiClient, startTestServer, type TestServer } from '../support/server.ts';

/**
 * The practitioner's day: who a case waits for and by when, references people can say and type,
 * search within what one may read, the work list and the list by due date. "Today" is Tuesday
 * 1 December 2026 in London.
 */
let server: TestServer;
const ALL = ['lb-merton', 'merton-ccg', 'met-police'];
const REFERENCE = /^MER-2026-\d{4}$/;

const as = (username: string) => ApiClient.signIn(server, username);
const incident = (awareOn: string, title: string) => notifiableIncident(awareOn, { title, summary: `What happened to ${title}` });

/** Merton disputes at each stage, by the statutory partner. */
const disputes: Record<string, any> = {};

beforeAll(async () => {
  server = await startTestServer({ now: '2026-12-01' });
  const partner = await as('merton.statutory-partner');
  const ip = await as('merton.independent-person');
  const raise = async (summary: string) => {
    const res = await partner.createCase('merton', 'dispute-resolution', { summary });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body;
  };
  disputes.stage1 = await raise('Who funds the out-of-hours social work service');
  disputes.stage2 = await raise('Health and police disagree on strategy meeting attendance');
  let moved = await partner.sendEvent(disputes.stage2.id, 'UNRESOLVED', { attendees: ['lb-merton', 'merton-ccg'], reason: 'Police absent' }, 1);
  expect(moved.status, JSON.stringify(moved.body)).toBe(200);
  disputes.stage2 = moved.body;
  disputes.stage3 = await raise('Funding of the MASH analyst post');
  await partner.sendEvent(disputes.stage3.id, 'UNRESOLVED', { attendees: ALL }, 1);
  moved = await ip.sendEvent(disputes.stage3.id, 'UNRESOLVED', { outcome: 'Arbitration did not settle it' }, 2);
  expect(moved.status, JSON.stringify(moved.body)).toBe(200);
  disputes.stage3 = moved.body;
  disputes.resolved = await raise('Sharing of health chronologies');
  moved = await partner.sendEvent(disputes.resolved.id, 'AGREED', { attendees: ALL, outcome: 'Agreed to share' }, 1);
  expect(moved.status, JSON.stringify(moved.body)).toBe(200);
  disputes.resolved = moved.body;
});
afterAll(() => server.close());

describe('who acts next', () => {
  test('a stage waits for the roles whose events move it on, not for withdrawing or recording a letter', async () => {
    expect(disputes.stage1.waitingFor).toEqual([{ role: 'statutory-partner', label: 'Statutory partner' }]);
    // Stage 2 also offers the Independent Person's letter to an absent partner and anyone's withdrawal: side steps.
    expect(disputes.stage2.waitingFor).toEqual([{ role: 'independent-person', label: 'Independent Person' }]);
    expect(disputes.stage3.waitingFor).toEqual([
      { role: 'independent-person', label: 'Independent Person' },
      { role: 'independent-scrutineer', label: 'Independent Scrutineer' },
    ]);
    // The list says the same as the case.
    const listed = (await (await as('merton.business-unit')).get('/api/cases?limit=200')).body.items;
    expect(listed.find((c: { id: string }) => c.id === disputes.stage3.id).waitingFor).toEqual(disputes.stage3.waitingFor);
  });

  test('a final state waits for nobody and has no next deadline', async () => {
    expect(disputes.resolved).toMatchObject({ state: 'resolved', final: true, waitingFor: [], nextDeadline: null });
    const listed = (await (await as('merton.business-unit')).get('/api/cases?limit=200')).body.items;
    expect(listed.find((c: { id: string }) => c.id === disputes.resolved.id)).toMatchObject({ waitingFor: [], nextDeadline: null });
  });

  test("a stage whose only forward events are the raiser's waits for the person who raised it", async () => {
    const practitioner = await as('rotherham.practitioner');
    const res = await practitioner.createCase('rotherham', 'dispute-resolution', {
      scope: 'individual-child',
      summary: 'School and health disagree about a referral',
      agenciesInvolved: ['School', 'Health visiting'],
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.waitingFor).toEqual([{ role: 'raiser', label: 'the person who raised it' }]);
    const mine = (await practitioner.get('/api/cases?waitingForMe=true')).body.items.map((c: { id: string }) => c.id);
    expect(mine).toContain(res.body.id);
    // The Executive Group reads it but cannot move it on at this stage.
    const group = (await (await as('rotherham.executive-group')).get('/api/cases?waitingForMe=true')).body.items.map((c: { id: string }) => c.id);
    expect(group).not.toContain(res.body.id);
  });

  test("the tasks of a case say whose they are: the absent police's letter is the Independent Person's", async () => {
    expect(disputes.stage2.tasks).toEqual([
      expect.objectContaining({
        id: 'write-to-accountable-officer-met-police',
        done: false,
        whose: [{ role: 'independent-person', label: 'Independent Person' }],
        recordedBy: [expect.objectContaining({ type: 'LETTER_SENT' })],
      }),
    ]);
  });

  test('the next deadline is the open one due soonest, overdue once today is past it; a met deadline is never next', async () => {
    const la = await as('merton.local-authority');
    // Aware on Friday 20 November: both notifications were due five working days later, 27 November.
    const late = await la.createCase('merton', 'cspr', incident('2026-11-20', 'Child L'));
    expect(late.status, JSON.stringify(late.body)).toBe(201);
    expect(late.body.nextDeadline).toEqual({ id: 'notify-national-panel', label: 'Notify the National Panel', due: '2026-11-27', overdue: true });
    expect(late.body.waitingFor).toEqual([{ role: 'local-authority', label: "Local authority (children's social care)" }]);

    const notified = await la.sendEvent(late.body.id, 'NOTIFIED', { panelNotifiedOn: '2026-12-01', partnersNotifiedOn: '2026-12-01' }, 1);
    expect(notified.status, JSON.stringify(notified.body)).toBe(200);
    // The rapid review and sending it to the National Panel are due the same day; the first by id is next.
    const toPanel = notified.body.deadlines.find((d: { id: string }) => d.id === 'panel-receives-rapid-review');
    expect(toPanel.due).toBe(notified.body.deadlines.find((d: { id: string }) => d.id === 'rapid-review').due);
    expect(notified.body.nextDeadline).toEqual({ id: 'panel-receives-rapid-review', label: toPanel.label, due: toPanel.due, overdue: false });
    // The Independent Person decides; the business unit may instead close an incident that needs no rapid review.
    expect(notified.body.waitingFor).toEqual([
      { role: 'independent-person', label: 'Independent Person' },
      { role: 'business-unit', label: 'Partnership business unit' },
    ]);
    const listed = (await (await as('merton.business-unit')).get('/api/cases?process=cspr')).body.items;
    expect(listed.find((c: { id: string }) => c.id === late.body.id)).toMatchObject({ nextDeadline: notified.body.nextDeadline, overdue: false });
  });
});

describe('references and search', () => {
  test('every case has a short reference, unique in the partnership, the same after a restart', async () => {
    const bu = await as('merton.business-unit');
    const before = (await bu.get('/api/cases?limit=200')).body.items as { id: string; reference: string }[];
    expect(before.length).toBeGreaterThanOrEqual(4);
    for (const item of before) expect(item.reference).toMatch(REFERENCE);
    expect(new Set(before.map((c) => c.reference)).size).toBe(before.length);
    expect((await bu.get(`/api/cases/${disputes.stage1.id}`)).body.reference).toBe(disputes.stage1.reference);

    await server.restart();
    const after = (await (await as('merton.business-unit')).get('/api/cases?limit=200')).body.items as { id: string; reference: string }[];
    expect(Object.fromEntries(after.map((c) => [c.id, c.reference]))).toEqual(Object.fromEntries(before.map((c) => [c.id, c.reference])));
  });

  test("a case started by another has its own reference, and each shows the other's in its links", async () => {
    const scr = await (await as('rotherham.lscb')).createCase('rotherham', 'scr-transition', { decisionDate: '2019-06-01', title: 'Child S' });
    expect(scr.body.state).toBe('partners-considering');
    expect(scr.body.reference).toMatch(/^ROT-2026-\d{4}$/);
    const bu = await as('rotherham.business-unit');
    const closed = await bu.sendEvent(scr.body.id, 'COMMISSION_LOCAL_REVIEW', { decidedOn: '2026-11-30' }, scr.body.version);
    expect(closed.status, JSON.stringify(closed.body)).toBe(200);
    const [link] = closed.body.links;
    const review = (await bu.get(`/api/cases/${link.id}`)).body;
    expect(review.reference).toMatch(/^ROT-2026-\d{4}$/);
    expect(review.reference).not.toBe(scr.body.reference);
    expect(link.reference).toBe(review.reference);
    expect(review.links).toEqual([expect.objectContaining({ id: scr.body.id, reference: scr.body.reference })]);
    // The review's own reference came with it from the SCR's title.
    expect(review.ownReference).toBe('Child S');
  });

  test('search finds a case by its reference, typed loosely, or by words of its title or summary', async () => {
    const bu = await as('merton.business-unit');
    const ids = async (q: string) => (await bu.get(`/api/cases?q=${encodeURIComponent(q)}`)).body.items.map((c: { id: string }) => c.id);
    const reference: string = disputes.stage2.reference;
    expect(await ids(reference)).toEqual([disputes.stage2.id]);
    const [prefix, year, number] = reference.split('-');
    // "mer 2026 2": lower case, spaces, no leading zeros.
    expect(await ids(`${prefix!.toLowerCase()} ${year} ${Number(number)}`)).toEqual([disputes.stage2.id]);
    expect(await ids('strategy meeting')).toEqual([disputes.stage2.id]);
    const childL = await ids('child l');
    expect(childL).toHaveLength(1);
    expect((await bu.get(`/api/cases/${childL[0]}`)).body.ownReference).toBe('Child L');
    expect(await ids('nothing like this')).toEqual([]);
    // A % is a character to find, not a wildcard.
    expect(await ids('%')).toEqual([]);
  });

  test('search never finds a case the reader may not read', async () => {
    const reference: string = disputes.stage1.reference;
    // Merton practitioners are no party to disputes between the statutory partners.
    const practitioner = await as('merton.practitioner');
    expect((await practitioner.get(`/api/cases?q=${reference}`)).body.items).toEqual([]);
    expect((await practitioner.get('/api/cases?q=funds')).body.items).toEqual([]);
    expect((await practitioner.get(`/api/cases/${disputes.stage1.id}`)).status).toBe(404);
    // Nor does another partnership's business unit.
    expect((await (await as('rotherham.business-unit')).get(`/api/cases?q=${reference}`)).body.items).toEqual([]);
    expect((await (await as('merton.independent-scrutineer')).get(`/api/cases?q=${reference}`)).body.items.map((c: { id: string }) => c.id)).toEqual([disputes.stage1.id]);
  });
});

describe('the work list', () => {
  test('waitingForMe holds, for each of two roles, the cases of the same set that role can move on now', async () => {
    const set = new Set(Object.values(disputes).map((d) => d.id as string));
    const waiting = async (username: string) =>
      ((await (await as(username)).get('/api/cases?waitingForMe=true&limit=200')).body.items as { id: string }[]).map((c) => c.id).filter((id) => set.has(id));
    expect(await waiting('merton.statutory-partner')).toEqual([disputes.stage1.id]);
    expect(await waiting('merton.independent-person')).toEqual([disputes.stage3.id, disputes.stage2.id]);
    expect(await waiting('merton.independent-scrutineer')).toEqual([disputes.stage3.id]);
    // The business unit can withdraw any of them, but none waits for it.
    expect(await waiting('merton.business-unit')).toEqual([]);
    expect((await (await as('merton.business-unit')).get('/api/cases?waitingForMe=maybe')).status).toBe(400);
  });

  test('sort=due puts overdue cases first, then the nearest due date, cases with nothing due last, and pages through each once', async () => {
    const la = await as('merton.local-authority');
    for (const [awareOn, title] of [['2026-11-24', 'Child D'], ['2026-11-10', 'Child B'], ['2026-12-01', 'Child F']] as const) {
      expect((await la.createCase('merton', 'cspr', incident(awareOn, title))).status).toBe(201);
    }
    const bu = await as('merton.business-unit');
    const all = (await bu.get('/api/cases?limit=200')).body.items as { id: string }[];
    const seen: { id: string; nextDeadline: { due: string; overdue: boolean } | null; overdue: boolean }[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res: { status: number; body: { items: typeof seen; nextCursor: string | null } } = await bu.get(`/api/cases?sort=due&limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(res.status).toBe(200);
      seen.push(...res.body.items);
      cursor = res.body.nextCursor;
      pages++;
    } while (cursor !== null);
    expect(pages).toBeGreaterThan(2);
    expect(seen.map((c) => c.id).sort()).toEqual(all.map((c) => c.id).sort());
    const dues = seen.map((c) => c.nextDeadline?.due ?? null);
    const withDue = dues.filter((d): d is string => d !== null);
    expect(dues.slice(0, withDue.length)).toEqual([...withDue].sort());
    expect(dues.slice(withDue.length).every((d) => d === null)).toBe(true);
    // Overdue first: Child B (due 17 November), then Child D (due 1 December, today: not yet overdue).
    const overdue = seen.filter((c) => c.overdue).length;
    expect(overdue).toBeGreaterThan(0);
    expect(seen.slice(0, overdue).every((c) => c.nextDeadline?.overdue)).toBe(true);
    expect(seen.slice(overdue).some((c) => c.overdue)).toBe(false);
    expect(withDue).toContain('2026-12-01');
    // A cursor of one order is refused for the other, and the newest-first cursor is as it was.
    const newest = await bu.get('/api/cases?limit=1');
    expect(JSON.parse(Buffer.from(newest.body.nextCursor, 'base64url').toString())).toEqual([newest.body.items[0].createdAt, newest.body.items[0].id]);
    expect((await bu.get(`/api/cases?sort=due&cursor=${newest.body.nextCursor}`)).status).toBe(400);
    expect((await bu.get('/api/cases?sort=soon')).status).toBe(400);
  });

  test('sort=due combines with the work list', async () => {
    const ip = await as('merton.independent-person');
    const res = await ip.get('/api/cases?waitingForMe=true&sort=due&limit=200');
    expect(res.status).toBe(200);
    const items = res.body.items as { waitingFor: { role: string }[]; nextDeadline: { due: string } | null }[];
    expect(items.length).toBeGreaterThan(0);
    for (const item of items) expect(item.waitingFor.map((w) => w.role)).toContain('independent-person');
    // The cspr at rapid review has a deadline and waits for the Independent Person: it comes before the disputes.
    expect(items[0]!.nextDeadline).not.toBeNull();
  });
});

describe('the page size is capped', () => {
  /** The contract's maximum page size ("1 to 200", server/http/openapi.ts). */
  const MAX_PAGE = 200;
  let crowded: TestServer;
  const raised: string[] = [];
  beforeAll(async () => {
    crowded = await startTestServer({ now: '2026-12-01' });
    const partner = await ApiClient.signIn(crowded, 'merton.statutory-partner');
    // One case more than a page holds, raised a few at a time.
    for (let i = 0; i < MAX_PAGE + 1; i += 10) {
      const batch = Array.from({ length: Math.min(10, MAX_PAGE + 1 - i) }, (_, j) => partner.createCase('merton', 'dispute-resolution', { summary: `Crowded dispute ${i + j}` }));
      for (const res of await Promise.all(batch)) {
        expect(res.status, JSON.stringify(res.body)).toBe(201);
        raised.push(res.body.id);
      }
    }
  });
  afterAll(() => crowded.close());

  test('limit=100000 gets the maximum page, with a cursor to the one case left', async () => {
    const partner = await ApiClient.signIn(crowded, 'merton.statutory-partner');
    const first = await partner.get('/api/cases?limit=100000');
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    expect(first.body.items).toHaveLength(MAX_PAGE);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const rest = await partner.get(`/api/cases?limit=100000&cursor=${first.body.nextCursor}`);
    expect(rest.status).toBe(200);
    expect(rest.body.nextCursor).toBeNull();
    const listed = [...first.body.items, ...rest.body.items].map((c: { id: string }) => c.id);
    expect(listed.sort()).toEqual([...raised].sort());
  });
});
