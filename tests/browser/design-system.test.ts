/**
 * The GOV.UK Design System parts every page shares, as a person notices them, under the server's
 * strict CSP: the service navigation that folds into "Menu" on a phone, the phase banner, the
 * character count on long answers and the warning before the session ends. Each state is checked
 * with axe and kept as a screenshot.
 */
import type { Page } from 'playwright-core';
import { expect, test } from 'vitest';
import { browserSuite, checkPage } from './browser.ts';

const suite = browserSuite();
const PHONE = { width: 320, height: 568 };
const DESKTOP = { width: 1200, height: 900 };

function menuItem(page: Page) {
  return page.getByRole('link', { name: 'All cases' });
}

test('on a 320 px screen the navigation folds into "Menu", so the page heading is on the first screen', async () => {
  const { page } = await suite.signedIn('merton.statutory-partner');
  const response = await page.goto('/');
  expect(response?.headers()['content-security-policy']).toMatch(/script-src 'self'(;|$)/);
  await page.setViewportSize(PHONE);
  await page.goto('/');
  const heading = page.getByRole('heading', { level: 1, name: 'My cases' });
  await heading.waitFor();
  const menu = page.getByRole('button', { name: 'Menu' });
  await menu.waitFor();
  expect(await menu.getAttribute('aria-expanded')).toBe('false');
  expect(await menuItem(page).isVisible()).toBe(false);
  const box = await heading.boundingBox();
  expect(box && box.y + box.height).toBeLessThanOrEqual(PHONE.height);
  await checkPage(page, 'phone-menu-closed');

  await menu.click();
  expect(await menu.getAttribute('aria-expanded')).toBe('true');
  await menuItem(page).waitFor({ state: 'visible' });
  expect(await page.getByRole('button', { name: /^Sign out/ }).isVisible()).toBe(true);
  await checkPage(page, 'phone-menu-open');

  await menu.click();
  expect(await menu.getAttribute('aria-expanded')).toBe('false');
  await menuItem(page).waitFor({ state: 'hidden' });

  // Wider than the tablet breakpoint the script hides the button and shows the whole list again.
  await page.setViewportSize(DESKTOP);
  await menuItem(page).waitFor({ state: 'visible' });
  await page.locator('.govuk-service-navigation__toggle').waitFor({ state: 'hidden' });
  await checkPage(page, 'desktop-navigation');
}, 60_000);

test('every page says the service is in beta, before and after signing in', async () => {
  const context = await suite.context();
  const page = await context.newPage();
  await page.goto('/');
  await page.getByLabel('Username').waitFor();
  const banner = page.locator('header .govuk-phase-banner');
  expect(await banner.locator('.govuk-tag').textContent()).toBe('Beta');
  expect(await banner.textContent()).toContain('This is a new service');

  const signedIn = await suite.as('merton.statutory-partner');
  expect(await signedIn.locator('header .govuk-phase-banner').isVisible()).toBe(true);
}, 60_000);

test('a long answer counts the characters left as they are typed, and says when there are too many', async () => {
  const page = await suite.as('merton.statutory-partner');
  await page.goto('/start/dispute-resolution');
  const summary = page.locator('[name="summary"]');
  await summary.waitFor();
  const status = page.locator('.govuk-character-count__status');
  expect(await status.textContent()).toBe('You have 10,000 characters remaining');
  expect(await summary.getAttribute('aria-describedby')).toContain('field-summary-info');
  expect(await page.locator('#field-summary-info').textContent()).toBe('You can enter up to 10,000 characters');

  await summary.fill('Who funds the out-of-hours service');
  expect(await status.textContent()).toBe('You have 9,966 characters remaining');
  // Screen readers hear it once typing pauses, not at every key.
  await page.locator('.govuk-character-count__sr-status', { hasText: 'You have 9,966 characters remaining' }).waitFor();
  await checkPage(page, 'character-count');

  await summary.fill('x'.repeat(10_001));
  expect(await status.textContent()).toBe('You have 1 character too many');
  expect(await status.getAttribute('class')).toContain('govuk-error-message');
  expect(await summary.getAttribute('class')).toContain('govuk-textarea--error');
  await checkPage(page, 'character-count-too-many');
}, 60_000);

test('two minutes before an idle session ends a dialog warns, "Stay signed in" keeps it, and at the end it signs out', async () => {
  const { page } = await suite.signedIn('merton.statutory-partner');
  // What the page is told: 30 idle minutes less the minute the server may wait before noting a request, and 12 hours at most.
  const { lifetime } = (await (await page.request.get('/api/session')).json()) as { lifetime: { idleSeconds: number; endsInSeconds: number } };
  expect(lifetime.idleSeconds).toBe(29 * 60);
  expect(lifetime.endsInSeconds).toBeGreaterThan(12 * 3600 - 60);
  expect(lifetime.endsInSeconds).toBeLessThanOrEqual(12 * 3600);
  // The page's clock, moved on by the test; the server's sessions keep real time, so staying works.
  await page.clock.install();
  await page.setViewportSize(PHONE);
  await page.goto('/');
  await page.getByRole('heading', { level: 1, name: 'My cases' }).waitFor();
  const dialog = page.getByRole('alertdialog', { name: 'You’re about to be signed out' });
  expect(await dialog.isVisible()).toBe(false);

  // Two minutes before those 29.
  await page.clock.fastForward('27:01');
  await dialog.waitFor();
  expect(await dialog.textContent()).toContain('we will sign you out in 2 minutes');
  expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Stay signed in');
  // Modal: the page behind is inert, so focus and a screen reader stay in the dialog.
  expect(await dialog.evaluate((element) => element.matches(':modal'))).toBe(true);
  await checkPage(page, 'timeout-warning');

  const asked = page.waitForResponse((response) => response.url().endsWith('/api/session') && response.request().method() === 'GET');
  await page.getByRole('button', { name: 'Stay signed in' }).click();
  expect((await asked).status()).toBe(200);
  await dialog.waitFor({ state: 'hidden' });
  expect(await page.getByRole('heading', { level: 1, name: 'My cases' }).isVisible()).toBe(true);

  // Escape is someone at the keyboard: it keeps the session too.
  await page.clock.fastForward('27:01');
  await dialog.waitFor();
  await page.keyboard.press('Escape');
  await dialog.waitFor({ state: 'hidden' });

  // Left alone, the dialog counts down and then signs out.
  await page.clock.fastForward('27:01');
  await dialog.waitFor();
  await page.clock.fastForward('02:00');
  await page.getByLabel('Username').waitFor();
  // The sign-in page says why, and what became of unsent answers (the end of a session deletes them from the computer).
  const why = page.getByRole('region', { name: 'Important' }).filter({ hasText: 'You have been signed out' });
  expect(await why.textContent()).toContain('You were signed out after 29 minutes without activity');
  expect(await why.textContent()).toContain('Answers you had not sent were deleted from this computer');
  await checkPage(page, 'timed-out');
}, 90_000);
