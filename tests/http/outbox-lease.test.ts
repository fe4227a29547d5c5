import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, test } from 'vitest';
import { startServer, type RunningServer } from '../../server/main.ts';
import { dropTestDatabase, newTestDatabase, openTestConnection, openTestDatabase, TEST_DIALECT } from '../support/database.ts';
import { ApiClient } from '../support/server.ts';
import { TestSmtpServer, waitUntil } from '../support/smtp.ts';

/**
 * An email cut off mid-send (its server killed between the mail server's reply and the job being
 * marked sent) is never sent again: at the next start its job becomes `unknown`. On PostgreSQL
 * only once the claim's lease has run out, since other servers may be sending (several-servers
 * test); a SQLite file is one server's, so whatever it left `sending` was cut off.
 */
let dir: string;
let databaseUrl: string;
let smtp: TestSmtpServer;
let server: RunningServer | undefined;
const start = async (retryBaseMs: number) => {
  server = await startServer({ port: 0, host: '127.0.0.1', databaseUrl, demo: true, now: '2026-12-01', smtpUrl: smtp.url, emailPollMs: 5, emailRetryBaseMs: retryBaseMs });
  return server;
};

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'outbox-lease-'));
  databaseUrl = await newTestDatabase(dir);
  smtp = await TestSmtpServer.start();
});
afterEach(async () => {
  await server?.close();
  await smtp.close();
  await dropTestDatabase(databaseUrl);
  rmSync(dir, { recursive: true, force: true });
});

/** One email job, tried once and refused, then left `sending` under a claim as a killed server leaves it. */
async function jobCutOffMidSend(leaseUntil: number): Promise<number> {
  smtp.setRefuseAll(true);
  const first = await start(60 * 60_000);
  const client = await ApiClient.signIn(first, 'merton.statutory-partner');
  const created = await client.createCase('merton', 'dispute-resolution', { summary: 'Cut off mid-send' });
  expect((await client.sendEvent(created.body.id, 'UNRESOLVED', { attendees: ['lb-merton', 'merton-ccg'] }, 1)).status).toBe(200);
  await waitUntil('the job has been tried once', async () => (await jobs()).some((j) => j.state === 'pending' && j.attempts === 1));
  await first.close();
  server = undefined;
  const [job] = await jobs();
  const db = await openTestDatabase(databaseUrl);
  try {
    await db.transaction((tx) => tx.run("UPDATE outbox SET state = 'sending', claimed_by = 'a-killed-server', lease_until = ? WHERE id = ?", [leaseUntil, job!.id]));
  } finally {
    await db.close();
  }
  smtp.setRefuseAll(false);
  return job!.id;
}

async function jobs(): Promise<{ id: number; state: string; attempts: number }[]> {
  const db = await openTestConnection(databaseUrl);
  try {
    return await db.all('SELECT id, state, attempts FROM outbox ORDER BY id');
  } finally {
    await db.close();
  }
}

/** Starts the server again on the job `leaseUntil` left, and finds it `unknown`, never sent. */
async function expectUnknownAtNextStart(leaseUntil: number): Promise<void> {
  const id = await jobCutOffMidSend(leaseUntil);
  await start(20);
  expect((await jobs()).find((j) => j.id === id)).toMatchObject({ state: 'unknown', attempts: 1 });
  await server!.close();
  server = undefined;
  expect(smtp.received).toEqual([]);
}

test('a job cut off mid-send whose lease has run out becomes unknown at the next start, and is never sent', async () => {
  await expectUnknownAtNextStart(Date.now() - 1);
});

test.runIf(TEST_DIALECT === 'sqlite')('on SQLite, one server to a file, a job left sending is cut off at the next start even while its lease holds', async () => {
  await expectUnknownAtNextStart(Date.now() + 60 * 60_000);
});
