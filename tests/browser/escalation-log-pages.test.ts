/**
 * The escalation log page shows the log a page at a time (the server's cursor paging), in Chromium
 * against a real server: 101 disputes opened on one day fill one page and one entry of the next.
 */
import type { Page } from 'playwright-core';
import { beforeAll, expect, test } from 'vitest';
import { ApiClient } from '../support/server.ts';
import { browserSuite, checkPage } from './browser.ts';

const TODAY = '2023-06-01';
const PAGE_SIZE = 100;
const OPENED = PAGE_SIZE + 1;
const LOG = `/escalation-log?from=${TODAY}&to=${TODAY}`;

const suite = browserSuite(TODAY);
let newest = '';

beforeAll(async () => {
  // A dispute's creation is its first row in the log.
  const partner = await ApiClient.signIn(suite.harness, 'merton.statutory-partner');
  for (let n = 1; n <= OPENED; n++) {
    const opened = await partner.createCase('merton', 'dispute-resolution', { summary: `Disagreement ${n}` });
    expect(opened.status).toBe(201);
    newest = (opened.body as { reference: string }).reference;
  }
}, 300_000);

/** Each row's case reference (the link's visually hidden "Case " prefix left off). */
async function rowsShown(page: Page): Promise<string[]> {
  return (await page.locator('table tbody tr td:first-child').allTextContents()).map((text) => text.replace(/^Case /, ''));
}

test('the first page holds 100 entries and says more follow; Next page shows the rest, First page goes back', async () => {
  const { page } = await suite.signedIn('merton.business-unit');
  await page.goto(LOG);
  const caption = page.locator('table caption');
  await caption.filter({ hasText: `${PAGE_SIZE} entries, oldest first; ${PAGE_SIZE} at a time` }).waitFor();
  const first = await rowsShown(page);
  expect(first).toHaveLength(PAGE_SIZE);
  expect(first).not.toContain(newest);
  expect(await page.getByRole('link', { name: 'First page' }).count()).toBe(0);
  await checkPage(page, 'escalation-log-first-page');

  await page.getByRole('link', { name: 'Next page' }).click();
  await page.waitForURL(/after=/);
  await caption.filter({ hasText: '1 entry after the previous page, oldest first' }).waitFor();
  expect(await rowsShown(page)).toEqual([newest]);
  expect(await page.getByRole('link', { name: 'Next page' }).count()).toBe(0);
  await checkPage(page, 'escalation-log-next-page');

  await page.getByRole('link', { name: 'First page' }).click();
  await caption.filter({ hasText: `${PAGE_SIZE} entries, oldest first` }).waitFor();
  expect(await rowsShown(page)).toEqual(first);
});

test('a cursor the server never gave shows its message, not a broken page', async () => {
  const { page } = await suite.signedIn('merton.business-unit');
  await page.goto(`${LOG}&after=not-a-cursor`);
  await page.getByText('after must be the cursor a page of the escalation log gave').waitFor();
  expect(await page.locator('table').count()).toBe(0);
  await checkPage(page, 'escalation-log-bad-cursor');
});
