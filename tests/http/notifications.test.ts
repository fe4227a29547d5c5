/**
 * Being told: notifications in the app and by email, written with the transition that causes them
 * (an outbox) and sent by a worker that retries and never sends one twice, across a SIGKILL.
 * A real server, a real SQLite file and a real SMTP server on 127.0.0.1.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { newlyWaitingRecipients } from '../../server/engine/notifications.ts';
import { loadCatalogue } from '../../server/config/index.ts';
import { dropTestDatabase, newTestDatabase, openTestConnection } from '../support/database.ts';
import { ApiClient, startTestServer, type TestServer } from '../support/server.ts';
import { TestSmtpServer, waitUntil } from '../support/smtp.ts';
import { ChildServer } from '../support/child-server.ts';

const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const ALL = ['lb-merton', 'merton-ccg', 'met-police'];
/** How long the SIGKILL test waits for a condition before giving up: a bound for a stuck worker, not a speed requirement. */
const CONDITION_LIMIT_MS = 90_000;
const IP_EMAIL = 'merton.independent-person@example.org';
const LA_EMAIL = 'merton.local-authority@example.org';
const SECRET = 'Zebra-Quince disagreement about Child Q at Oakfield School';

const incident = (awareOn: string, title: string) => ({
  title,
  summary: `What happened to ${title}`,
  awareOn,
  childDied: false,
  seriouslyHarmed: true,
  abuseOrNeglectKnownOrSuspected: true,
  lookedAfterChild: false,
  inArea: true,
});

async function outbox(databaseUrl: string): Promise<{ state: string; attempts: number; email: string }[]> {
  const db = await openTestConnection(databaseUrl);
  try {
    return await db.all('SELECT state, attempts, email FROM outbox ORDER BY id');
  } finally {
    await db.close();
  }
}

describe('notifications in the app and by email', () => {
  let smtp: TestSmtpServer;
  let server: TestServer;
  const as = (username: string) => ApiClient.signIn(server, username);
  let dispute: any;

  beforeAll(async () => {
    smtp = await TestSmtpServer.start();
    server = await startTestServer({ now: '2026-12-01', smtpUrl: smtp.url, emailRetryBaseMs: 20, emailPollMs: 20 });
    const partner = await as('merton.statutory-partner');
    const created = await partner.createCase('merton', 'dispute-resolution', { summary: SECRET });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const moved = await partner.sendEvent(created.body.id, 'UNRESOLVED', { attendees: ['lb-merton', 'merton-ccg'], reason: `${SECRET}: police absent` }, 1);
    expect(moved.status, JSON.stringify(moved.body)).toBe(200);
    dispute = moved.body;
  });
  afterAll(async () => {
    await server.close();
    await smtp.close();
  });

  test('a dispute escalated to stage 2 tells the Independent Person once, in the app and by one email without case text', async () => {
    await waitUntil('the outbox is empty', async () => (await outbox(server.databaseUrl)).every((j) => j.state === 'sent'));
    const emails = smtp.to(IP_EMAIL);
    expect(emails).toHaveLength(1);
    const raw = emails[0]!.raw.replace(/=\r?\n/g, '');
    expect(raw).toContain(dispute.reference);
    expect(raw).toContain(dispute.stateLabel);
    expect(raw).toContain('Waiting for: Independent Person');
    expect(raw).toContain(`${server.url}/cases/${dispute.id}`);
    expect(raw).not.toContain('Zebra');
    expect(raw).not.toContain('Oakfield');

    const ip = await as('merton.independent-person');
    const list = await ip.get('/api/notifications');
    expect(list.status).toBe(200);
    expect(list.body.unread).toBe(1);
    expect(list.body.items).toHaveLength(1);
    expect(list.body.items[0]).toMatchObject({ caseId: dispute.id, reference: dispute.reference, kind: 'waiting', stage: dispute.stateLabel, waitingFor: 'Independent Person', readAt: null });
    expect(JSON.stringify(list.body)).not.toContain('Zebra');
  });

  test('marking read: CSRF needed, the count goes down, another person cannot mark it', async () => {
    const ip = await as('merton.independent-person');
    const id = (await ip.get('/api/notifications')).body.items[0].id;
    const other = await as('merton.business-unit');
    expect((await other.request('POST', `/api/notifications/${id}/read`)).status).toBe(404);
    expect((await ip.request('POST', `/api/notifications/${id}/read`, undefined, { 'x-csrf-token': 'wrong' })).status).toBe(403);
    expect((await ip.get('/api/notifications')).body.unread).toBe(1);
    const marked = await ip.request('POST', `/api/notifications/${id}/read`);
    expect(marked.status).toBe(200);
    expect(marked.body.unread).toBe(0);
    const after = (await ip.get('/api/notifications')).body;
    expect(after.unread).toBe(0);
    expect(after.items[0].readAt).not.toBeNull();
  });

  test('need to know: nobody who may not read the case is told, nor the person who acted', async () => {
    for (const username of ['merton.local-authority', 'merton.practitioner', 'merton.statutory-partner', 'rotherham.business-unit']) {
      const body = (await (await as(username)).get('/api/notifications')).body;
      expect(body.items.filter((n: { caseId: string }) => n.caseId === dispute.id), username).toEqual([]);
    }
    // The rule itself: a holder of the role who may not read the case is not told.
    const loaded = loadCatalogue(PROJECT_ROOT);
    if (!loaded.ok) throw new Error('configuration');
    const process = loaded.catalogue.partnerships.get('merton')!.processes.get('dispute-resolution')!;
    const people = [
      { username: 'a', roles: ['independent-person'] },
      { username: 'b', roles: ['independent-person'] },
    ];
    const told = newlyWaitingRecipients(process, 'stage-1-partners-meet', { state: 'stage-2-arbitration', final: false, createdBy: 'x' }, people, (p) => p.username === 'a');
    expect(told).toEqual([{ username: 'a', role: 'independent-person' }]);
  });

  test('reminders before a deadline and on the day it becomes overdue, once each', async () => {
    const la = await as('merton.local-authority');
    // Aware on Friday 27 November: the notifications are due five working days later, Friday 4 December.
    const created = await la.createCase('merton', 'cspr', incident('2026-11-27', 'Child R'));
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body.nextDeadline.due).toBe('2026-12-04');
    const mine = async () => ((await (await as('merton.local-authority')).get('/api/notifications')).body.items as any[]).filter((n) => n.caseId === created.body.id);
    expect(await mine()).toEqual([]);

    // Two working days before (the default): Wednesday 2 December.
    await server.restart({ now: '2026-12-02' });
    await server.restart({ now: '2026-12-03' });
    let reminders = await mine();
    const soon = reminders.filter((n) => n.kind === 'due-soon');
    expect(soon.length).toBeGreaterThanOrEqual(2);
    expect(new Set(soon.map((n) => n.deadline.label)).size).toBe(soon.length);
    expect(soon.every((n) => n.deadline.due === '2026-12-04')).toBe(true);
    expect(reminders.filter((n) => n.kind === 'overdue')).toEqual([]);

    // Saturday 5 December: overdue, once, however often the check runs.
    await server.restart({ now: '2026-12-05' });
    await server.restart({ now: '2026-12-05' });
    reminders = await mine();
    expect(reminders.filter((n) => n.kind === 'due-soon')).toHaveLength(soon.length);
    const overdue = reminders.filter((n) => n.kind === 'overdue');
    expect(overdue).toHaveLength(soon.length);

    await waitUntil('the outbox is empty', async () => (await outbox(server.databaseUrl)).every((j) => j.state === 'sent'));
    const emails = smtp.to(LA_EMAIL).map((m) => m.raw.replace(/=\r?\n/g, ''));
    expect(emails.filter((raw) => raw.includes(created.body.reference))).toHaveLength(soon.length * 2);
    for (const raw of emails) {
      expect(raw).toContain('4 December 2026');
      expect(raw).not.toContain('Child R');
    }
  });
});

describe('the outbox worker', () => {
  test('retries when the SMTP server refuses, then sends once when it accepts', async () => {
    const smtp = await TestSmtpServer.start();
    smtp.refuseNext(2);
    const server = await startTestServer({ now: '2026-12-01', smtpUrl: smtp.url, emailRetryBaseMs: 20, emailPollMs: 20 });
    try {
      const partner = await ApiClient.signIn(server, 'merton.statutory-partner');
      const created = await partner.createCase('merton', 'dispute-resolution', { summary: SECRET });
      const moved = await partner.sendEvent(created.body.id, 'UNRESOLVED', { attendees: ALL }, 1);
      expect(moved.status, JSON.stringify(moved.body)).toBe(200);
      await waitUntil('the email is sent', async () => (await outbox(server.databaseUrl)).every((j) => j.state === 'sent'));
      expect(smtp.refused).toBe(2);
      expect(smtp.to(IP_EMAIL)).toHaveLength(1);
      expect(await outbox(server.databaseUrl)).toEqual([{ state: 'sent', attempts: 3, email: IP_EMAIL }]);
    } finally {
      await server.close();
      await smtp.close();
    }
  });

  test('exactly one email per notification across a SIGKILL and a restart', async () => {
    const smtp = await TestSmtpServer.start();
    smtp.setRefuseAll(true);
    const dir = mkdtempSync(join(tmpdir(), 'workflows-outbox-'));
    const databaseUrl = await newTestDatabase(dir);
    const child = new ChildServer({ DATABASE_URL: databaseUrl, SMTP_URL: smtp.url, EMAIL_RETRY_BASE_MS: '1500', WORKFLOW_NOW: '2026-12-01' });
    try {
      await child.start();
      const partner = await ApiClient.signIn({ url: child.url }, 'merton.statutory-partner');
      const cases = 5;
      for (let i = 0; i < cases; i++) {
        const created = await partner.createCase('merton', 'dispute-resolution', { summary: `${SECRET} ${i}` });
        expect(created.status).toBe(201);
        expect((await partner.sendEvent(created.body.id, 'UNRESOLVED', { attendees: ALL }, 1)).status).toBe(200);
      }
      // Every job has been tried and refused, and waits for its retry: pending, none in flight.
      await waitUntil(
        'every job has been tried once',
        async () => {
          const jobs = await outbox(databaseUrl);
          return jobs.length === cases && jobs.every((j) => j.state === 'pending' && j.attempts >= 1);
        },
        CONDITION_LIMIT_MS,
      );
      await child.kill();
      smtp.setRefuseAll(false);
      await child.start();
      await waitUntil('every job is sent', async () => (await outbox(databaseUrl)).every((j) => j.state === 'sent'), CONDITION_LIMIT_MS);
      await child.stop();
      const jobs = await outbox(databaseUrl);
      expect(jobs).toHaveLength(cases);
      expect(smtp.received).toHaveLength(cases);
      expect(new Set(smtp.received.map((m) => m.messageId)).size).toBe(cases);
      for (const m of smtp.received) expect(m.raw).not.toContain('Zebra');
    } finally {
      await child.kill();
      await smtp.close();
      await dropTestDatabase(databaseUrl);
      rmSync(dir, { recursive: true, force: true });
    }
    // Two starts of a child server (tsx compiling it each time) take tens of seconds on a machine with both cores busy.
  }, 180_000);
});

describe('the notifications list and marking read', () => {
  let server: TestServer;
  const as = (username: string) => ApiClient.signIn(server, username);
  beforeAll(async () => {
    server = await startTestServer({ now: '2026-12-01' });
    const partner = await as('merton.statutory-partner');
    for (const summary of ['One', 'Two', 'Three']) {
      const created = await partner.createCase('merton', 'dispute-resolution', { summary });
      expect((await partner.sendEvent(created.body.id, 'UNRESOLVED', { attendees: ['lb-merton'] }, 1)).status).toBe(200);
    }
  });
  afterAll(() => server.close());

  test('newest first, as many as asked; a limit that is not a whole number from 1 is refused', async () => {
    const ip = await as('merton.independent-person');
    const all = (await ip.get('/api/notifications')).body;
    expect(all.unread).toBe(3);
    expect(all.items).toHaveLength(3);
    expect(all.items.map((n: { id: number }) => n.id)).toEqual([...all.items.map((n: { id: number }) => n.id)].sort((a: number, b: number) => b - a));
    expect(all.items[0]).toMatchObject({ kind: 'waiting', deadline: null, readAt: null });
    expect((await ip.get('/api/notifications?limit=1')).body).toMatchObject({ unread: 3, items: [{ id: all.items[0].id }] });
    expect((await ip.get('/api/notifications?limit=')).body.items).toHaveLength(3);
    expect((await ip.get('/api/notifications?limit=1000')).body.items).toHaveLength(3);
    for (const bad of ['0', '-1', '1.5', 'abc']) {
      const res = await ip.get(`/api/notifications?limit=${bad}`);
      expect(res.status, bad).toBe(400);
      expect(res.body.error.message).toMatch(/^limit must be a whole number from 1 to \d+$/);
    }
  });

  test("marking one read twice keeps its first time; an id that is not a number is not found; marking all read leaves others' alone", async () => {
    const ip = await as('merton.independent-person');
    const [newest] = (await ip.get('/api/notifications')).body.items;
    expect((await ip.request('POST', `/api/notifications/${newest.id}/read`)).body).toEqual({ unread: 2 });
    const first = (await ip.get('/api/notifications')).body.items[0].readAt;
    expect(first).not.toBeNull();
    expect((await ip.request('POST', `/api/notifications/${newest.id}/read`)).body).toEqual({ unread: 2 });
    expect((await ip.get('/api/notifications')).body.items[0].readAt).toBe(first);
    for (const id of ['abc', '1e3', '1234567890123456', '99999']) {
      const res = await ip.request('POST', `/api/notifications/${id}/read`);
      expect(res.status, id).toBe(404);
      expect(res.body.error.message).toBe(`No notification "${id}" for you`);
    }
    const scrutineer = await as('merton.independent-scrutineer');
    const theirs = (await scrutineer.get('/api/notifications')).body.unread;
    expect((await ip.request('POST', '/api/notifications/read')).body).toEqual({ unread: 0 });
    const after = (await ip.get('/api/notifications')).body;
    expect(after.unread).toBe(0);
    expect(after.items.every((n: { readAt: string | null }) => n.readAt !== null)).toBe(true);
    expect(after.items[0].readAt).toBe(first);
    expect((await scrutineer.get('/api/notifications')).body.unread).toBe(theirs);
  });
});
