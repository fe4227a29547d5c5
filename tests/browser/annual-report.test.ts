/**
 * The annual report's tables in Chromium against a real server: choose a financial year, read a table
 * (and its chart), download it as CSV; axe finds no violation of any impact, and the page fits a 320 px screen.
 */
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { beforeAll, expect, test } from 'vitest';
import { ApiClient } from '../support/server.ts';
import { browserSuite, checkPage } from './browser.ts';

const TODAY = '2023-06-01';
const suite = browserSuite(TODAY);

beforeAll(async () => {
  // Two vetoes whose conferences were in 2022/23, and one in 2023/24.
  const chair = await ApiClient.signIn(suite.harness, 'rotherham.conference-chair');
  for (const conferenceDate of ['2022-05-03', '2023-03-31', '2023-04-03']) {
    const res = await chair.createCase('rotherham', 'veto-review', {
      conferenceDate,
      majorityDecision: 'No child protection plan',
      chairDecision: 'Remain subject to a child protection plan',
      rationale: 'Risk not yet reduced',
      vetoEffect: 'remains-subject-to-plan',
    });
    expect(res.status).toBe(201);
  }
}, 180_000);

async function as(username: string): Promise<Page> {
  const { page } = await suite.signedIn(username);
  // The year offered first comes from the browser's own date.
  await page.clock.setFixedTime(new Date(`${TODAY}T09:00:00`));
  return page;
}

const cell = (page: Page, table: string, row: string) =>
  page.locator(`table[data-table="${table}"] tr`).filter({ has: page.getByRole('rowheader', { name: row, exact: true }) }).locator('td').first();

test('choose a year, read a table and download it as CSV, at desktop width and at 320 px', async () => {
  const page = await as('rotherham.business-unit');
  await page.getByRole('link', { name: 'Reports' }).click();
  await page.getByRole('link', { name: 'Annual report tables' }).click();
  await page.getByRole('heading', { level: 1, name: 'Annual report tables' }).waitFor();
  // This financial year first: 2023/24 holds one veto.
  await page.getByRole('heading', { level: 2, name: '2023/24: 1 April 2023 to 31 March 2024' }).waitFor();
  expect(await cell(page, 'practice-standards-referrals', "Requests to review a Case Conference Chair's veto").textContent()).toBe('1');

  await page.getByLabel('Financial year').selectOption({ label: '2022/23 (April 2022 to March 2023)' });
  await page.getByRole('button', { name: 'Show' }).click();
  await page.getByRole('heading', { level: 2, name: '2022/23: 1 April 2022 to 31 March 2023' }).waitFor();
  expect(new URL(page.url()).search).toBe('?year=2022');
  const referrals = page.getByRole('region', { name: 'Referrals to the Practice Standards Group', exact: true });
  await referrals.waitFor();
  expect(await cell(page, 'practice-standards-referrals', "Requests to review a Case Conference Chair's veto").textContent()).toBe('2');
  expect(await cell(page, 'practice-standards-referrals', 'Total').textContent()).toBe('2');
  expect(await cell(page, 'veto-effects', 'The child remains subject to a child protection plan').textContent()).toBe('2');
  // The chart beside the table draws the same figures, appraisals first as the partnership's processes are listed.
  expect(await referrals.locator('.app-bar-chart__value').allTextContents()).toEqual(['0', '2']);
  await checkPage(page, 'annual-report-2022');

  const [download] = await Promise.all([
    page.waitForEvent('download'),
    referrals.getByRole('link', { name: /^Download “Referrals to the Practice Standards Group” for 2022\/23/ }).click(),
  ]);
  expect(download.suggestedFilename()).toBe('practice-standards-referrals-rotherham-2022-23.csv');
  const csv = readFileSync((await download.path())!, 'utf8').replace(/^\uFEFF/, '');
  expect(csv.split('\r\n').slice(0, 5)).toEqual([
    '"Referrals to the Practice Standards Group, 01/04/2022 to 31/03/2023"',
    'Referral,Referrals',
    'Appraisals,0',
    "Requests to review a Case Conference Chair's veto,2",
    'Total,2',
  ]);

  // One table on a page of its own.
  await page.getByRole('navigation', { name: 'Tables in this report' }).getByRole('link', { name: "Case Conference Chairs' vetoes by their effect" }).click();
  await page.getByRole('heading', { level: 1, name: 'Annual report table' }).waitFor();
  await page.getByRole('heading', { level: 3, name: "Case Conference Chairs' vetoes by their effect" }).waitFor();
  expect(await page.locator('table[data-table]').count()).toBe(1);
  expect(new URL(page.url()).pathname).toBe('/reports/annual/veto-effects');

  await page.setViewportSize({ width: 320, height: 640 });
  await page.goto('/reports/annual?year=2022');
  await page.getByRole('heading', { level: 2, name: '2022/23: 1 April 2022 to 31 March 2023' }).waitFor();
  // Nothing wider than the screen: tables scroll within themselves, charts and labels wrap.
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(320);
  await checkPage(page, 'annual-report-2022-320');
});

test('a year the server refuses is said beside the chooser', async () => {
  const page = await as('rotherham.business-unit');
  await page.goto('/reports/annual?year=22');
  await page.getByRole('alert').getByText(/year must be the year a financial year starts/).waitFor();
  await checkPage(page, 'annual-report-bad-year');
});
