import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { verifyAudit } from '../../server/store/audit.ts';
import { shippedCatalogue } from '../support/catalogue.ts';
import { ApiClient, startTestServer, type ApiResponse, type TestServer } from '../support/server.ts';
import { openTestConnection } from '../support/database.ts';

/**
 * Optimistic concurrency under real contention: 20 people (20 sessions, 20 connections) press
 * the button at the same moment. Per case and version exactly one wins; the rest are told the
 * case changed (409 version_conflict with the version to reload), and the history never has a
 * duplicate or a gap.
 */
const CLIENTS = 20;
const TODAY = '2020-10-01';
let server: TestServer;
let partner: ApiClient;
let people: ApiClient[];

beforeAll(async () => {
  server = await startTestServer({ now: TODAY });
  partner = await ApiClient.signIn(server, 'merton.statutory-partner');
  people = await Promise.all(Array.from({ length: CLIENTS }, () => ApiClient.signIn(server, 'merton.independent-person')));
});
afterAll(() => server.close());

/** A dispute at stage 2 (version 2), where letters can be recorded again and again. */
async function caseAtStage2(summary: string): Promise<string> {
  const created = await partner.createCase('merton', 'dispute-resolution', { summary });
  const moved = await partner.sendEvent(created.body.id, 'UNRESOLVED', { attendees: ['lb-merton'] }, 1);
  expect(moved.body).toMatchObject({ state: 'stage-2-arbitration', version: 2 });
  return created.body.id;
}

const letter = (reference: string) => ({ partner: 'merton-ccg', sentOn: TODAY, reference });

function expectOneWinner(results: ApiResponse[], version: number) {
  const statuses = results.map((r) => r.status);
  expect(statuses.filter((s) => s === 200)).toHaveLength(1);
  expect(statuses.filter((s) => s === 409)).toHaveLength(results.length - 1);
  for (const loser of results.filter((r) => r.status === 409)) {
    expect(loser.body.error).toMatchObject({ code: 'version_conflict', details: { currentVersion: version + 1 } });
  }
  return results.find((r) => r.status === 200)!;
}

function expectContiguous(history: { seq: number }[], version: number) {
  expect(history.map((h) => h.seq)).toEqual(Array.from({ length: version }, (_, i) => i + 1));
}

describe('many clients at once', () => {
  test(`${CLIENTS} clients on one case, round after round: one winner per version`, async () => {
    const id = await caseAtStage2('One case, many hands');
    const rounds = 8;
    for (let round = 0; round < rounds; round++) {
      const version = 2 + round;
      const results = await Promise.all(people.map((p, i) => p.sendEvent(id, 'LETTER_SENT', letter(`round ${round} client ${i}`), version)));
      const winner = expectOneWinner(results, version);
      // The stored entry is the winner's, not a blend of several requests.
      const stored = winner.body.history.at(-1);
      expect(stored.seq).toBe(version + 1);
      expect(results.indexOf(winner)).toBe(Number(/client (\d+)/.exec(stored.data.reference)![1]));
    }
    const final = await partner.get(`/api/cases/${id}`);
    expect(final.body.version).toBe(2 + rounds);
    expectContiguous(final.body.history, 2 + rounds);
  });

  test(`${CLIENTS} clients on ${CLIENTS} different cases at once: nobody blocks anybody`, async () => {
    const ids = await Promise.all(people.map((_, i) => caseAtStage2(`Separate case ${i}`)));
    const results = await Promise.all(people.map((p, i) => p.sendEvent(ids[i]!, 'LETTER_SENT', letter(`own ${i}`), 2)));
    expect(results.map((r) => r.status)).toEqual(results.map(() => 200));
    for (const [i, r] of results.entries()) {
      expect(r.body).toMatchObject({ id: ids[i], version: 3 });
      expectContiguous(r.body.history, 3);
    }
  });

  test(`${CLIENTS} clients spread over 4 cases, different events: one winner per case`, async () => {
    const ids = await Promise.all([0, 1, 2, 3].map((i) => caseAtStage2(`Contested ${i}`)));
    const business = await ApiClient.signIn(server, 'merton.business-unit');
    const senders = people.map((p, i) => ({ client: i % 5 === 4 ? business : p, caseId: ids[i % 4]!, i }));
    const results = await Promise.all(
      senders.map(({ client, caseId, i }) =>
        i % 5 === 4
          ? client.sendEvent(caseId, 'WITHDRAW', { reason: `withdrawn by ${i}` }, 2)
          : i % 5 === 3
            ? client.sendEvent(caseId, 'UNRESOLVED', { reason: `escalated by ${i}` }, 2)
            : client.sendEvent(caseId, 'LETTER_SENT', letter(`letter by ${i}`), 2),
      ),
    );
    for (const caseId of ids) {
      const mine = results.filter((_, i) => senders[i]!.caseId === caseId);
      const winner = expectOneWinner(mine, 2);
      const stored = await partner.get(`/api/cases/${caseId}`);
      expect(stored.body.version).toBe(3);
      expectContiguous(stored.body.history, 3);
      // The case is where the winner's event took it, and nowhere a loser's would have.
      expect(stored.body.state).toBe(winner.body.state);
      expect(stored.body.history[2]).toEqual(winner.body.history[2]);
    }
  });

  test(`${CLIENTS} clients each recording 3 letters on one case, retrying on 409: nothing is lost`, async () => {
    const id = await caseAtStage2('Retry until it sticks');
    const perClient = 3;
    let conflicts = 0;
    await Promise.all(
      people.map(async (p, i) => {
        let version = 2;
        for (let n = 0; n < perClient; ) {
          const res = await p.sendEvent(id, 'LETTER_SENT', letter(`client ${i} letter ${n}`), version);
          if (res.status === 200) {
            n++;
            version = res.body.version;
          } else {
            expect(res.body.error.code).toBe('version_conflict');
            conflicts++;
            version = res.body.error.details.currentVersion;
          }
        }
      }),
    );
    const final = await partner.get(`/api/cases/${id}`);
    expect(final.body.version).toBe(2 + CLIENTS * perClient);
    expectContiguous(final.body.history, 2 + CLIENTS * perClient);
    const references = final.body.history.slice(2).map((h: { data: { reference: string } }) => h.data.reference).sort();
    const expected = people.flatMap((_, i) => Array.from({ length: perClient }, (_, n) => `client ${i} letter ${n}`)).sort();
    expect(references).toEqual(expected);
    expect(conflicts).toBeGreaterThan(0);
  });

  test(`${CLIENTS} clients creating cases at once: ${CLIENTS} distinct cases at version 1`, async () => {
    const creators = await Promise.all(Array.from({ length: CLIENTS }, () => ApiClient.signIn(server, 'merton.statutory-partner')));
    const results = await Promise.all(creators.map((c, i) => c.createCase('merton', 'dispute-resolution', { summary: `Simultaneous ${i}` })));
    expect(results.map((r) => r.status)).toEqual(results.map(() => 201));
    expect(new Set(results.map((r) => r.body.id)).size).toBe(CLIENTS);
    for (const r of results) expectContiguous(r.body.history, 1);
  });

  test('afterwards the file has no duplicate seq, no gap, and the hash chain verifies', async () => {
    const db = await openTestConnection(server.databaseUrl);
    try {
      expect(await db.all('SELECT case_id, seq FROM history GROUP BY case_id, seq HAVING COUNT(*) > 1')).toEqual([]);
      const mismatched = await db.all(
        `SELECT c.id FROM cases c JOIN (SELECT case_id, COUNT(*) AS n, MAX(seq) AS top, MIN(seq) AS bottom FROM history GROUP BY case_id) h ON h.case_id = c.id
          WHERE h.n != c.version OR h.top != c.version OR h.bottom != 1`,
      );
      expect(mismatched).toEqual([]);
      const audit = await verifyAudit(db, shippedCatalogue());
      expect(audit).toMatchObject({ ok: true });
      expect(audit.rows).toBeGreaterThan(100);
    } finally {
      await db.close();
    }
  });
});
