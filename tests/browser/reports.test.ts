/**
 * The yearly summary report and discarding a kept draft, in Chromium against a real server whose
 * "today" is 1 June 2023 (the browser's clock is set to the same day, so "this financial year" is
 * 2023/24). Each page is checked with axe and kept as a screenshot.
 */
import type { Page } from 'playwright-core';
import { beforeAll, expect, test } from 'vitest';
import { ApiClient } from '../support/server.ts';
import { browserSuite, checkPage, draftHolding, draftNames } from './browser.ts';

const TODAY = '2023-06-01';
const DISPUTES = 'section[data-process="dispute-resolution"]';

const suite = browserSuite(TODAY);

beforeAll(async () => {
  // Two Merton disputes, one of them withdrawn, and a serious incident whose notification deadline has passed.
  const partner = await ApiClient.signIn(suite.harness, 'merton.statutory-partner');
  const kept = await partner.createCase('merton', 'dispute-resolution', { summary: 'Who funds the out-of-hours service' });
  const withdrawn = await partner.createCase('merton', 'dispute-resolution', { summary: 'Training budget' });
  expect([kept.status, withdrawn.status]).toEqual([201, 201]);
  expect((await partner.sendEvent(withdrawn.body.id, 'WITHDRAW', { reason: 'Settled informally' }, 1)).status).toBe(200);
  const authority = await ApiClient.signIn(suite.harness, 'merton.local-authority');
  const incident = await authority.createCase('merton', 'cspr', {
    awareOn: '2023-05-19',
    childDied: false,
    seriouslyHarmed: true,
    abuseOrNeglectKnownOrSuspected: true,
    lookedAfterChild: false,
    inArea: true,
  });
  expect(incident.status).toBe(201);
}, 180_000);

async function as(username: string): Promise<Page> {
  const { page } = await suite.signedIn(username);
  // The page's default period comes from the browser's own date.
  await page.clock.setFixedTime(new Date(`${TODAY}T09:00:00`));
  return page;
}

async function figure(page: Page, name: 'opened' | 'closed'): Promise<string> {
  return ((await page.locator(`${DISPUTES} [data-figure="cases-${name}"] dd`).textContent()) ?? '').trim();
}

async function closedAs(page: Page, state: string): Promise<string> {
  return ((await page.locator(`${DISPUTES} tr[data-state="${state}"] td`).textContent()) ?? '').trim();
}

/** The date a GOV.UK date input ("From", "To") holds, as `YYYY-MM-DD`. */
async function dateIn(page: Page, legend: string): Promise<string> {
  const group = page.getByRole('group', { name: legend, exact: true });
  const [day, month, year] = await Promise.all(['Day', 'Month', 'Year'].map((part) => group.getByLabel(part).inputValue()));
  return `${year}-${month!.padStart(2, '0')}-${day!.padStart(2, '0')}`;
}

async function fillDateIn(page: Page, legend: string, date: string): Promise<void> {
  const group = page.getByRole('group', { name: legend, exact: true });
  const [year, month, day] = date.split('-');
  for (const [part, value] of [['Day', day], ['Month', month], ['Year', year]] as const) await group.getByLabel(part).fill(String(Number(value)));
}

async function showsPeriod(page: Page, period: string): Promise<void> {
  await page.getByRole('heading', { level: 2, name: period }).waitFor();
  await page.locator(DISPUTES).waitFor();
}

test('the reports page counts the cases opened and closed in a period, this financial year by default', async () => {
  const page = await as('merton.business-unit');
  await page.getByRole('link', { name: 'Reports' }).click();
  await page.getByRole('heading', { level: 1, name: 'Reports' }).waitFor();
  await showsPeriod(page, '1 April 2023 to 31 March 2024');
  expect(await dateIn(page, 'From')).toBe('2023-04-01');
  expect(await dateIn(page, 'To')).toBe('2024-03-31');
  expect(await figure(page, 'opened')).toBe('2');
  expect(await figure(page, 'closed')).toBe('1');
  expect(await closedAs(page, 'withdrawn')).toBe('1');
  expect(await closedAs(page, 'resolved')).toBe('0');
  // State labels come from the process definition, not the ids.
  expect(await page.locator(`${DISPUTES} tr[data-state="withdrawn"] th`).textContent()).toBe('Withdrawn');
  // The serious incident's notification deadline fell due in the period and has passed.
  const incident = page.locator('section[data-process="cspr"]');
  expect(await incident.locator('[data-figure="cases-opened"] dd').textContent()).toBe('1');
  expect(await incident.locator('tr[data-deadline]').count()).toBeGreaterThan(0);
  await checkPage(page, 'reports-this-financial-year');

  await page.getByRole('link', { name: /^Last financial year/ }).click();
  await showsPeriod(page, '1 April 2022 to 31 March 2023');
  expect(await figure(page, 'opened')).toBe('0');
  expect(await figure(page, 'closed')).toBe('0');
  expect(await dateIn(page, 'From')).toBe('2022-04-01');

  await page.getByRole('link', { name: /^This calendar year/ }).click();
  await showsPeriod(page, '1 January 2023 to 31 December 2023');
  expect(await figure(page, 'opened')).toBe('2');
  expect(await closedAs(page, 'withdrawn')).toBe('1');

  await page.getByRole('link', { name: /^This financial year/ }).click();
  await showsPeriod(page, '1 April 2023 to 31 March 2024');
}, 120_000);

test("outcomes are counted under the form's own words for each answer", async () => {
  const chair = await ApiClient.signIn(suite.harness, 'rotherham.conference-chair');
  const group = await ApiClient.signIn(suite.harness, 'rotherham.practice-standards-group');
  const referral = await chair.createCase('rotherham', 'veto-review', {
    conferenceDate: '2023-05-03',
    majorityDecision: 'Child protection plan',
    chairDecision: 'No child protection plan',
    rationale: 'Risk is managed by the family network',
  });
  expect(referral.status).toBe(201);
  expect((await group.sendEvent(referral.body.id, 'SCHEDULE', { meetingDate: '2023-05-31' }, 1)).status).toBe(200);
  expect((await group.sendEvent(referral.body.id, 'REVIEW', { outcome: 'agrees-with-veto', advice: 'Advice' }, 2)).status).toBe(200);

  const page = await as('rotherham.business-unit');
  await page.goto('/reports');
  const vetoes = page.locator('section[data-process="veto-review"]');
  await vetoes.waitFor();
  const outcome = vetoes.locator('table', { hasText: "Practice Standards Group's view of the veto" });
  expect(await outcome.locator('tbody tr').allTextContents()).toEqual(['The group agrees with the veto1']);
  await checkPage(page, 'reports-outcomes');
}, 90_000);

test("the server's refusal of a period shows in an error summary linked to the date", async () => {
  const page = await as('merton.business-unit');
  await page.goto('/reports');
  await page.locator(DISPUTES).waitFor();
  await fillDateIn(page, 'From', '2024-01-01');
  await fillDateIn(page, 'To', '2023-01-01');
  await page.getByRole('button', { name: 'Show' }).click();
  const summary = page.locator('.govuk-error-summary');
  await summary.waitFor();
  expect(await summary.textContent()).toContain('from must be on or before to');
  expect(await page.evaluate(() => document.activeElement?.classList.contains('govuk-error-summary'))).toBe(true);
  expect(await page.locator('.govuk-form-group--error #field-report-from').count()).toBe(1);
  expect(await page.locator(DISPUTES).count()).toBe(0);
  expect(await page.title()).toMatch(/^Error: Reports/);
  await checkPage(page, 'reports-refused-range');

  await summary.getByRole('link').click();
  expect(await page.evaluate(() => document.activeElement?.id)).toBe('field-report-from');

  // A date not filled in is caught before asking.
  await page.goto('/reports?from=2023-04-01&to=');
  await summary.waitFor();
  expect(await summary.textContent()).toContain('Enter the date the period ends');
}, 90_000);

test('a kept draft can be discarded: the form empties, says so, and stays empty after a reload', async () => {
  const page = await as('merton.statutory-partner');
  await page.goto('/start/dispute-resolution');
  const summary = page.locator('[name="summary"]');
  await summary.waitFor();
  expect(await page.getByRole('button', { name: 'Discard draft' }).count()).toBe(0);
  await summary.fill('Health and the local authority disagree on the training budget.');
  await draftHolding(page, 'training budget');

  await page.reload();
  await summary.waitFor();
  expect(await summary.inputValue()).toContain('training budget');
  await page.locator('.govuk-inset-text', { hasText: 'have been kept' }).waitFor();
  await checkPage(page, 'start-form-draft-kept');

  await page.getByRole('button', { name: 'Discard draft' }).click();
  const banner = page.locator('.govuk-notification-banner--success');
  await banner.waitFor();
  expect(await banner.textContent()).toContain('Your draft has been discarded');
  expect(await summary.inputValue()).toBe('');
  expect(await page.locator('.govuk-inset-text').count()).toBe(0);
  await checkPage(page, 'start-form-draft-discarded');

  // The page's clock (installed by setFixedTime) is stepped past the draft's delay, so a save the
  // discard failed to cancel would have run before the reload.
  await page.clock.runFor(5_000);
  expect(await draftNames(page)).toEqual([]);
  await page.reload();
  await summary.waitFor();
  expect(await summary.inputValue()).toBe('');
  expect(await page.getByRole('button', { name: 'Discard draft' }).count()).toBe(0);
  expect(await page.locator('.govuk-notification-banner').count()).toBe(0);
}, 90_000);
