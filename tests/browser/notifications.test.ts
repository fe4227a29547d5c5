/**
 * Being told, in Chromium against a real server and a real SMTP server on 127.0.0.1: a Merton dispute
 * escalated to stage 2 puts "Notifications (1)" in the Independent Person's header and one email in
 * their inbox; the notifications page links to the case and marks it read. Pages checked with axe.
 */
import { afterAll, beforeAll, expect, test } from 'vitest';
import { TestSmtpServer, waitUntil } from '../support/smtp.ts';
import { browserSuite, checkPage } from './browser.ts';

let smtp: TestSmtpServer;

// Registered first, so the SMTP server is up before the suite starts the server that sends to it.
beforeAll(async () => {
  smtp = await TestSmtpServer.start();
});
afterAll(async () => {
  await smtp?.close();
});
const suite = browserSuite('2026-12-01', () => ({ smtpUrl: smtp.url, emailPollMs: 50 }));

test('the Independent Person is told in the app and by email when a dispute reaches stage 2', async () => {
  const api = await suite.context();
  const login = await api.request.post('/api/session', { data: { username: 'merton.statutory-partner', password: 'demo' } });
  const headers = { 'X-CSRF-Token': (await login.json()).csrfToken as string };
  const summary = 'Quagga-Vole funding row over the MASH analyst';
  const created = await (await api.request.post('/api/partnerships/merton/processes/dispute-resolution/cases', { headers, data: { data: { summary } } })).json();
  const moved = await api.request.post(`/api/cases/${created.id}/events`, { headers, data: { type: 'UNRESOLVED', data: { attendees: ['lb-merton', 'merton-ccg'] }, expectedVersion: 1 } });
  expect(moved.status()).toBe(200);

  await waitUntil('the email arrives', () => smtp.to('merton.independent-person@example.org').length > 0);
  const raw = smtp.to('merton.independent-person@example.org')[0]!.raw.replace(/=\r?\n/g, '');
  expect(raw).toContain(created.reference);
  expect(raw).not.toContain('Quagga');

  const { page } = await suite.signedIn('merton.independent-person');
  await page.getByRole('link', { name: /^Notifications \(1\)/ }).click();
  await page.getByRole('heading', { level: 1, name: 'Notifications' }).waitFor();
  await checkPage(page, 'notifications-independent-person');
  await page.getByRole('button', { name: /^Mark as read/ }).click();
  await page.getByText('You have read them all.').waitFor();
  await page.getByRole('link', { name: 'Notifications', exact: true }).waitFor();
  await page.getByRole('link', { name: new RegExp(`^${created.reference} is waiting for`) }).click();
  await page.getByRole('heading', { level: 1, name: new RegExp(created.reference) }).waitFor();
}, 120_000);
