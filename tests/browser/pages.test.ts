/**
 * The pages the dispute walk does not reach, in Chromium against a real server: signing in, the list
 * of processes, and a serious-incident case whose notification deadlines are overdue. Each is checked
 * with axe and kept as a screenshot.
 */
import { expect, test } from 'vitest';
import { notifiableIncident } from '../support/incidents.ts';
import { ApiClient } from '../support/server.ts';
import { browserSuite, checkPage } from './browser.ts';

const suite = browserSuite('2022-10-03');

test('the sign-in page explains itself and refuses a wrong password without saying which part was wrong', async () => {
  const context = await suite.context();
  const page = await context.newPage();
  await page.goto('/');
  await page.getByLabel('Username').waitFor();
  await checkPage(page, 'sign-in');
  await page.getByLabel('Username').fill('merton.business-unit');
  await page.getByLabel('Password').fill('not-the-password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.locator('.govuk-error-summary').waitFor();
  expect(await page.locator('.govuk-error-summary').textContent()).toMatch(/username or password/i);
  await checkPage(page, 'sign-in-refused');
}, 60_000);

test('a case shows its deadlines with due dates, and those past due as overdue', async () => {
  const api = await ApiClient.signIn(suite.harness, 'merton.local-authority');
  const created = await api.createCase('merton', 'cspr', notifiableIncident('2022-09-16'));
  expect(created.status).toBe(201);

  const { page } = await suite.signedIn('merton.local-authority');
  await page.goto(`/cases/${created.body.id}`);
  await page.locator('caption', { hasText: 'Deadlines' }).waitFor();
  const main = (await page.locator('main').textContent()) ?? '';
  // Five working days after Friday 16 September 2022, skipping the State Funeral on the 19th.
  expect(main).toMatch(/26 September 2022/);
  expect(main).toMatch(/Overdue/);
  await checkPage(page, 'case-overdue-deadlines');

  await page.goto('/cases?overdue=true');
  await page.getByRole('heading', { level: 1 }).waitFor();
  await page.locator(`a[href="/cases/${created.body.id}"]`).waitFor();
  await checkPage(page, 'cases-overdue');
}, 90_000);

test('the business unit sees every process of its partnership', async () => {
  const { page } = await suite.signedIn('merton.business-unit');
  await page.goto('/processes');
  await page.getByRole('heading', { level: 1 }).waitFor();
  const main = (await page.locator('main').textContent()) ?? '';
  expect(main).toContain('Dispute between statutory partners');
  await checkPage(page, 'processes');
}, 60_000);
