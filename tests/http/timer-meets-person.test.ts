import { join } from 'node:path';
import { afterEach, expect, test } from 'vitest';
import { loadCatalogue } from '../../server/config/index.ts';
import { verifyAudit } from '../../server/store/audit.ts';
import { openTestConnection } from '../support/database.ts';
import { ApiClient, CHECK_TIMERS_ONLY_WHEN_ASKED, MovableClock, startTestServer, type ApiResponse, type TestServer } from '../support/server.ts';

/**
 * A timer comes due while a person acts on the same case. A Rotherham SCR still in progress passes to
 * the partners by itself on 30 September 2020; the LSCB, who read the case at version 1, hands it
 * over that morning. What the product promises: one change per version. Whichever is saved first
 * applies on version 1; the timer, re-checking inside its transaction, then finds the case moved on
 * and fires nothing, or the person gets 409 `version_conflict` telling them to reload. Never both,
 * never twice, and the record still checks out.
 */
const servers: TestServer[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await server.close();
});

const HAND_OVER = { handedOverOn: '2020-09-30', completeButUnpublished: false };

interface Setup {
  server: TestServer;
  lscb: ApiClient;
  ids: string[];
}

/** `count` SCRs in progress, read by the LSCB at version 1 on the grace period's last day; then the clock passes London's midnight. */
async function dueScrs(count: number): Promise<Setup> {
  const clock = new MovableClock('2020-09-29T16:00');
  const server = await startTestServer({ clock, ...CHECK_TIMERS_ONLY_WHEN_ASKED });
  servers.push(server);
  const lscb = await ApiClient.signIn(server, 'rotherham.lscb');
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const created = await lscb.createCase('rotherham', 'scr-transition', { decisionDate: '2019-06-03', title: `Child ${i}` });
    expect(created.body).toMatchObject({ state: 'in-progress', version: 1 });
    ids.push(created.body.id);
  }
  clock.moveTo('2020-09-30T08:30');
  return { server, lscb, ids };
}

function handOver(lscb: ApiClient, id: string): Promise<ApiResponse> {
  return lscb.sendEvent(id, 'HAND_OVER', HAND_OVER, 1);
}

async function historyOf(lscb: ApiClient, id: string): Promise<string[]> {
  const body = (await lscb.get(`/api/cases/${id}`)).body;
  return body.history.map((h: { seq: number; type: string; by: string }) => `${h.seq} ${h.type} by ${h.by}`);
}

async function expectAuditPasses(server: TestServer, cases: number): Promise<void> {
  const loaded = loadCatalogue(join(import.meta.dirname, '..', '..'));
  if (!loaded.ok) throw new Error('the configuration does not load');
  const db = await openTestConnection(server.databaseUrl);
  try {
    expect(await verifyAudit(db, loaded.catalogue)).toMatchObject({ ok: true, cases, differences: [] });
  } finally {
    await db.close();
  }
}

const TIMER_APPLIED = ['1 CREATE by rotherham.lscb', '2 GRACE_PERIOD_ENDED by system'];
const PERSON_APPLIED = ['1 CREATE by rotherham.lscb', '2 HAND_OVER by rotherham.lscb'];

test('the timer saved first: the handover on the version the person read is 409, saying the case changed and to reload', async () => {
  const { server, lscb, ids } = await dueScrs(1);
  const id = ids[0]!;
  expect(await server.checkTimersNow()).toBe(1);

  const late = await handOver(lscb, id);
  expect(late.status).toBe(409);
  expect(late.body.error).toMatchObject({ code: 'version_conflict', details: { currentVersion: 2 } });
  expect(late.body.error.message).toMatch(/changed since you loaded it.*version 2.*reload/);
  expect(await historyOf(lscb, id)).toEqual(TIMER_APPLIED);
  await expectAuditPasses(server, 1);
});

test('the person saved first: the handover applies on the version they read, and the timer, re-checking, fires nothing', async () => {
  const { server, lscb, ids } = await dueScrs(1);
  const id = ids[0]!;

  const handed = await handOver(lscb, id);
  expect(handed.status).toBe(200);
  expect(handed.body).toMatchObject({ state: 'partners-considering', version: 2 });
  expect(await server.checkTimersNow()).toBe(0);
  expect(await historyOf(lscb, id)).toEqual(PERSON_APPLIED);
  await expectAuditPasses(server, 1);
});

for (const first of ['timer', 'person'] as const) {
  test(`started together, the ${first} first: on each case exactly one of the two applies on version 1, the other is refused or stands down`, async () => {
    const { server, lscb, ids } = await dueScrs(4);
    let check: Promise<number>;
    let sends: Promise<ApiResponse>[];
    if (first === 'timer') {
      check = server.checkTimersNow();
      sends = ids.map((id) => handOver(lscb, id));
    } else {
      sends = ids.map((id) => handOver(lscb, id));
      check = server.checkTimersNow();
    }
    const [fired, answers] = await Promise.all([check, Promise.all(sends)]);

    for (const [i, id] of ids.entries()) {
      const answer = answers[i]!;
      if (answer.status === 200) {
        expect(await historyOf(lscb, id)).toEqual(PERSON_APPLIED);
      } else {
        expect(answer.status).toBe(409);
        expect(answer.body.error.code).toBe('version_conflict');
        expect(await historyOf(lscb, id)).toEqual(TIMER_APPLIED);
      }
    }
    expect(fired).toBe(answers.filter((a) => a.status === 409).length);
    // Nothing is left to fire: each timer fired once or stood down for good.
    expect(await server.checkTimersNow()).toBe(0);
    await expectAuditPasses(server, ids.length);
  }, 60_000);
}
