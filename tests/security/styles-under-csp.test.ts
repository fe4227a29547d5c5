/**
 * The Content-Security-Policy allows styles and fonts only from the server's own files (no inline
 * styles, no other https: origin). The built client must still render styled under it: in Chromium,
 * against a real server, with the browser reporting no violation.
 */
import type { BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { signedIn, startHarness, type Harness } from '../browser/browser.ts';

let harness: Harness;
let context: BrowserContext | undefined;

beforeAll(async () => {
  harness = await startHarness();
}, 180_000);

afterAll(async () => {
  await context?.close();
  await harness?.close();
});

test('the client is styled under the Content-Security-Policy, and the browser reports no violation', async () => {
  const signed = await signedIn(harness, 'merton.business-unit');
  context = signed.context;
  const page = signed.page;
  // Every violation the page reports, from its first script on.
  await page.addInitScript(() => {
    const seen: string[] = [];
    (window as unknown as { violations: string[] }).violations = seen;
    document.addEventListener('securitypolicyviolation', (event) => seen.push(`${event.violatedDirective} ${event.blockedURI}`));
  });
  await page.reload();
  await page.getByRole('heading', { level: 1, name: 'My cases' }).waitFor();
  // GOV.UK Frontend's stylesheet and its self-hosted font apply: the page is laid out in GOV.UK's
  // width container, in "GDS Transport", which has loaded from the server's own files.
  const style = await page.evaluate(async () => {
    await document.fonts.ready;
    return {
      font: getComputedStyle(document.querySelector('h1')!).fontFamily,
      fontLoaded: [...document.fonts].some((font) => font.family.includes('GDS Transport') && font.status === 'loaded'),
      width: getComputedStyle(document.querySelector('.govuk-width-container')!).maxWidth,
    };
  });
  expect(style.font).toMatch(/GDS Transport/);
  expect(style.fontLoaded).toBe(true);
  expect(style.width).toBe('960px');
  // The process graph (the page with the most computed styling: an SVG laid out by the client) renders too.
  await page.getByRole('link', { name: 'Processes' }).click();
  await page.getByRole('link', { name: 'Dispute between statutory partners' }).click();
  await page.locator('svg a[data-state]').first().waitFor();
  expect(await page.evaluate(() => (window as unknown as { violations: string[] }).violations)).toEqual([]);

  // Markup injected into the page cannot restyle it: an inline <style> is refused, and reported.
  const colour = () => page.evaluate(() => getComputedStyle(document.querySelector('h1')!).color);
  const before = await colour();
  await page.evaluate(() => document.head.insertAdjacentHTML('beforeend', '<style>h1 { color: rgb(255, 0, 0) !important }</style>'));
  await page.waitForFunction(() => (window as unknown as { violations: string[] }).violations.length > 0);
  expect(await page.evaluate(() => (window as unknown as { violations: string[] }).violations)).toEqual([expect.stringMatching(/^style-src(-elem)? inline$/)]);
  expect(await colour()).toBe(before);
});
