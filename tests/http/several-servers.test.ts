import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { startServer, type RunningServer, type ServerOptions } from '../../server/main.ts';
import { dropTestDatabase, newTestDatabase, openTestConnection, openTestDatabase } from '../support/database.ts';
import { SteppedClock } from '../security/stepped-clock.ts';
import { expectError } from '../security/support.ts';
import { ApiClient, type ApiResponse } from '../support/server.ts';
import { TestSmtpServer, waitUntil } from '../support/smtp.ts';

/**
 * Two servers on one PostgreSQL database (the `postgres` project only: a SQLite file has one
 * server). Of two writers on one case version exactly one wins whichever server each reaches, a
 * session begun on one server is good on the other, and a durable timer that comes due while both
 * start fires once. The servers share one outbox: each email goes once, whichever server's worker
 * reaches it, and a server starting leaves another live server's email in flight alone. They share
 * one sign-in throttle: failures through either count on both.
 */
let dir: string;
let databaseUrl: string;
const servers: RunningServer[] = [];
const start = async (now: string, options: Partial<ServerOptions> = {}) => {
  const server = await startServer({ port: 0, host: '127.0.0.1', databaseUrl, demo: true, now, ...options });
  servers.push(server);
  return server;
};
const closeAll = async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
};

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'several-servers-'));
  databaseUrl = await newTestDatabase(dir);
});
afterAll(async () => {
  await closeAll();
  await dropTestDatabase(databaseUrl);
  rmSync(dir, { recursive: true, force: true });
});

test('servers started together on an empty database both come up, and share sessions and cases', async () => {
  const [a, b] = await Promise.all([start('2020-10-01'), start('2020-10-01')]);
  const partner = await ApiClient.signIn(a, 'merton.statutory-partner');
  const created = await partner.createCase('merton', 'dispute-resolution', { summary: 'Seen everywhere' });
  expect(created.status).toBe(201);
  // The same cookie, sent to the other server.
  const elsewhere = Object.assign(new ApiClient(b), { cookie: partner.cookie, csrfToken: partner.csrfToken });
  expect((await elsewhere.get(`/api/cases/${created.body.id}`)).body).toMatchObject({ id: created.body.id, version: 1 });
  await closeAll();
});

test('two events on one case version, one through each server: one 200, one 409, one history entry', async () => {
  const [a, b] = await Promise.all([start('2020-10-01'), start('2020-10-01')]);
  const [one, two] = await Promise.all([ApiClient.signIn(a, 'merton.statutory-partner'), ApiClient.signIn(b, 'merton.statutory-partner')]);
  for (let round = 0; round < 5; round++) {
    const created = await one.createCase('merton', 'dispute-resolution', { summary: `Race ${round}` });
    const results = await Promise.all([
      one.sendEvent(created.body.id, 'UNRESOLVED', { attendees: ['lb-merton'] }, 1),
      two.sendEvent(created.body.id, 'AGREED', { attendees: ['lb-merton', 'merton-ccg', 'met-police'] }, 1),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
    expect(results.find((r) => r.status === 409)!.body.error).toMatchObject({ code: 'version_conflict', details: { currentVersion: 2 } });
    const stored = await two.get(`/api/cases/${created.body.id}`);
    expect(stored.body).toMatchObject({ version: 2 });
    expect(stored.body.history).toHaveLength(2);
  }
  await closeAll();
});

test('a timer that came due while the servers were down fires once when two start at the same moment', async () => {
  const first = await start('2020-06-01');
  const lscb = await ApiClient.signIn(first, 'rotherham.lscb');
  const created = await lscb.createCase('rotherham', 'scr-transition', { decisionDate: '2019-06-03', title: 'Child T' });
  expect(created.body).toMatchObject({ state: 'in-progress', version: 1 });
  await closeAll();

  const [a] = await Promise.all([start('2020-10-01'), start('2020-10-01')]);
  const reader = await ApiClient.signIn(a, 'rotherham.lscb');
  const moved = (await reader.get(`/api/cases/${created.body.id}`)).body;
  expect(moved).toMatchObject({ state: 'partners-considering', version: 2 });
  expect(moved.history.filter((h: { by: string }) => h.by === 'system')).toEqual([expect.objectContaining({ type: 'GRACE_PERIOD_ENDED', seq: 2 })]);
});

const IP_EMAIL = 'merton.independent-person@example.org';

/** A case escalated to stage 2: one email job, to the Independent Person. */
async function escalate(client: ApiClient, summary: string): Promise<string> {
  const created = await client.createCase('merton', 'dispute-resolution', { summary });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  expect((await client.sendEvent(created.body.id, 'UNRESOLVED', { attendees: ['lb-merton', 'merton-ccg'] }, 1)).status).toBe(200);
  return created.body.id;
}

interface OutboxRow {
  id: number;
  state: string;
  claimed_by: string | null;
}

async function outbox(): Promise<OutboxRow[]> {
  const db = await openTestConnection(databaseUrl);
  try {
    return await db.all<OutboxRow>('SELECT id, state, claimed_by FROM outbox ORDER BY id');
  } finally {
    await db.close();
  }
}

/**
 * A real SMTP server that holds every message's final reply until `release()`: the sending server's
 * email stays in flight (its job `sending`) for as long as the test needs.
 */
async function holdingSmtpServer() {
  const replies: (() => void)[] = [];
  const accepted: string[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, _session, callback) {
      let raw = '';
      stream.on('data', (chunk: Buffer) => (raw += chunk.toString('utf8')));
      stream.on('end', () =>
        replies.push(() => {
          accepted.push(raw);
          callback();
        }),
      );
    },
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', () => done()));
  return {
    url: `smtp://127.0.0.1:${(server.server.address() as AddressInfo).port}`,
    accepted,
    holding: () => replies.length,
    release: () => {
      for (const reply of replies.splice(0)) reply();
    },
    close: () => new Promise<void>((done) => server.close(() => done())),
  };
}

test('emails queued through two servers, raced for by two workers from the same moment, are each sent exactly once', async () => {
  await closeAll();
  const smtp = await TestSmtpServer.start();
  try {
    // Written through both servers while the mail server refuses: every job tried once, then waiting.
    smtp.setRefuseAll(true);
    const refusing = { smtpUrl: smtp.url, emailPollMs: 5, emailRetryBaseMs: 60 * 60_000 };
    const [a, b] = await Promise.all([start('2026-12-01', refusing), start('2026-12-01', refusing)]);
    const clients = await Promise.all([ApiClient.signIn(a, 'merton.statutory-partner'), ApiClient.signIn(b, 'merton.statutory-partner')]);
    const before = (await outbox()).length;
    const cases = 12;
    await Promise.all(Array.from({ length: cases }, (_, i) => escalate(clients[i % 2]!, `Mailed once ${i}`)));
    await waitUntil('every job has been tried once', async () => {
      const jobs = (await outbox()).slice(before);
      return jobs.length === cases && jobs.every((j) => j.state === 'pending' && j.claimed_by !== null);
    });
    await closeAll();
    // The retries come due (as an hour passing would make them), and two workers start on them together.
    const db = await openTestDatabase(databaseUrl);
    try {
      await db.transaction((tx) => tx.run("UPDATE outbox SET next_attempt_at = 0 WHERE state = 'pending'"));
    } finally {
      await db.close();
    }
    smtp.setRefuseAll(false);
    const mail = { smtpUrl: smtp.url, emailPollMs: 5, emailRetryBaseMs: 20 };
    await Promise.all([start('2026-12-01', mail), start('2026-12-01', mail)]);
    await waitUntil('every email is sent', async () => (await outbox()).slice(before).every((j) => j.state === 'sent'));
    await closeAll();
    const received = smtp.to(IP_EMAIL);
    expect(received).toHaveLength(cases);
    expect(new Set(received.map((m) => m.messageId)).size).toBe(cases);
  } finally {
    await closeAll();
    await smtp.close();
  }
});

test("a server starting leaves another live server's email in flight alone; one whose server died becomes unknown, never sent", async () => {
  await closeAll();
  const smtp = await holdingSmtpServer();
  try {
    const mail = { smtpUrl: smtp.url, emailPollMs: 5, emailRetryBaseMs: 20 };
    const a = await start('2026-12-01', mail);
    const client = await ApiClient.signIn(a, 'merton.statutory-partner');
    await escalate(client, 'In flight on server A');
    await waitUntil('server A is sending the email', async () => smtp.holding() === 1 && (await outbox()).at(-1)!.state === 'sending');
    const inFlight = (await outbox()).at(-1)!;
    // A's worker sends one email at a time, so this second job waits, pending, behind the first...
    await escalate(client, 'Claimed by a server that died');
    const cutOff = (await outbox()).at(-1)!;
    expect(cutOff).toMatchObject({ state: 'pending' });
    // ...and is made into the claim of a server that died mid-send: its lease has run out.
    const db = await openTestDatabase(databaseUrl);
    try {
      await db.transaction((tx) => tx.run("UPDATE outbox SET state = 'sending', claimed_by = 'a-server-that-died', lease_until = ? WHERE id = ?", [Date.now() - 1, cutOff.id]));
    } finally {
      await db.close();
    }

    await start('2026-12-01', mail);
    const after = new Map((await outbox()).map((j) => [j.id, j]));
    expect(after.get(inFlight.id)).toMatchObject({ state: 'sending', claimed_by: inFlight.claimed_by });
    expect(after.get(cutOff.id)).toMatchObject({ state: 'unknown' });

    smtp.release();
    await waitUntil("server A's email is sent", async () => (await outbox()).find((j) => j.id === inFlight.id)!.state === 'sent');
    await closeAll();
    expect(smtp.accepted).toHaveLength(1);
    expect(smtp.accepted[0]).toContain(IP_EMAIL);
    expect((await outbox()).find((j) => j.id === cutOff.id)).toMatchObject({ state: 'unknown' });
  } finally {
    smtp.release();
    await closeAll();
    await smtp.close();
  }
});

test('a running server takes a claim whose lease ran out (its server died) as cut off, and leaves a live claim alone', async () => {
  await closeAll();
  const smtp = await TestSmtpServer.start();
  try {
    // Every job tried once and refused, then waiting an hour for its retry: none in flight.
    smtp.setRefuseAll(true);
    const server = await start('2026-12-01', { smtpUrl: smtp.url, emailPollMs: 5, emailRetryBaseMs: 60 * 60_000, emailLeaseSweepMs: 20 });
    const client = await ApiClient.signIn(server, 'merton.statutory-partner');
    const before = (await outbox()).length;
    await escalate(client, 'Claimed by a server that died');
    await escalate(client, 'Claimed by a server still sending');
    await waitUntil('both jobs have been tried once', async () => {
      const jobs = (await outbox()).slice(before);
      return jobs.length === 2 && jobs.every((j) => j.state === 'pending' && j.claimed_by !== null);
    });
    const [dead, live] = (await outbox()).slice(before);
    smtp.setRefuseAll(false);
    const db = await openTestDatabase(databaseUrl);
    try {
      await db.transaction(async (tx) => {
        const claim = "UPDATE outbox SET state = 'sending', claimed_by = ?, lease_until = ? WHERE id = ?";
        await tx.run(claim, ['a-server-that-died', Date.now() - 1, dead!.id]);
        await tx.run(claim, ['a-server-still-sending', Date.now() + 60 * 60_000, live!.id]);
      });
    } finally {
      await db.close();
    }
    await waitUntil("the dead server's claim is taken as cut off", async () => (await outbox()).find((j) => j.id === dead!.id)!.state === 'unknown');
    expect((await outbox()).find((j) => j.id === live!.id)).toMatchObject({ state: 'sending', claimed_by: 'a-server-still-sending' });
    await closeAll();
    expect(smtp.received).toEqual([]);
  } finally {
    await closeAll();
    await smtp.close();
  }
});

test('two servers count the same failed sign-ins: the allowance spread over both, the next attempt on either is slowed as the policy says', async () => {
  await closeAll();
  const clock = new SteppedClock();
  const limit = 4;
  const throttled = { maxFailedLogins: limit, signInClock: clock, trustProxy: 'loopback' };
  const [a, b] = await Promise.all([start('2026-12-01', throttled), start('2026-12-01', throttled)]);
  const signIn = (server: RunningServer, username: string, password: string, address: string): Promise<ApiResponse> =>
    new ApiClient(server).request('POST', '/api/session', { username, password }, { 'x-forwarded-for': address });
  /** The answer to a sign-in the throttle must slow, once the clock is stepped past the longest delay. */
  const slowed = async (request: Promise<ApiResponse>) => {
    const first = await Promise.race([request.then(() => 'answered at once'), clock.whenSlowed(1).then(() => 'slowed')]);
    expect(first).toBe('slowed');
    clock.advance(30_000);
    return request;
  };

  // One address guessing a new name each time, taking turns between the servers: the allowance is shared...
  for (let i = 0; i < limit; i++) expectError(await signIn(i % 2 === 0 ? a : b, `merton.guess-${i}`, 'guess', '203.0.113.7'), 401, 'unauthenticated');
  // ...so the next guess, on either server, is slowed and then refused.
  for (const server of [a, b]) {
    const res = await slowed(signIn(server, 'merton.one-more-guess', 'guess', '203.0.113.7'));
    expectError(res, 429, 'too_many_requests');
    expect(res.body.error.message).toMatch(/from this address/);
  }

  // One username guessed from a new address each time, taking turns: its count is shared too...
  const target = 'merton.statutory-partner';
  for (let i = 0; i < limit; i++) expectError(await signIn(i % 2 === 0 ? b : a, target, `guess ${i}`, `198.51.100.${i + 1}`), 401, 'unauthenticated');
  const guess = await slowed(signIn(a, target, 'guess', '198.51.100.50'));
  expectError(guess, 429, 'too_many_requests');
  expect(guess.body.error.message).toMatch(/for this username/);
  // ...and the real user, on the other server, is slowed as well, but gets in.
  expect((await slowed(signIn(b, target, 'demo', '192.0.2.10'))).status).toBe(200);
  expect(clock.slowed).toBe(0);
  await closeAll();
});
