/**
 * The business unit publishes a changed process in Chromium (issue 10, point 5): a refused upload with
 * its problems and their lines, then a valid change with its difference and scenarios, published as the
 * next version without a restart. Every page is checked with axe, allowing no violation of any impact,
 * at desktop width and at 320 px.
 */
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { beforeAll, expect, test } from 'vitest';
import { ApiClient } from '../support/server.ts';
import { browserSuite, expectAccessible, SCREENSHOTS } from './browser.ts';

const P = 'merton';
const PROC = 'dispute-resolution';
const FILE = `workflows/${P}/${PROC}.yaml`;

let shipped: string;
let title: string;
let stage: { label: string };

const suite = browserSuite('2020-10-01');

beforeAll(async () => {
  const businessUnit = await ApiClient.signIn(suite.harness, `${P}.business-unit`);
  shipped = (await businessUnit.get(`/api/partnerships/${P}/configuration/processes/${PROC}/versions/1/file`)).body;
  const definition = (await businessUnit.get(`/api/partnerships/${P}/processes/${PROC}`)).body;
  title = definition.title;
  stage = definition.states.find((s: { id: string }) => s.id === definition.start.to[0]);
  expect(shipped).toContain(stage.label);
  // A running case, counted on the version it started on.
  expect((await businessUnit.createCase(P, PROC, { summary: 'Who funds the out-of-hours service' })).status).toBe(201);
}, 180_000);

const { as } = suite;

/** axe finds nothing at all, of any impact, at desktop width and at 320 px; a screenshot of each is kept. */
async function checkEverywhere(page: Page, name: string): Promise<void> {
  for (const [width, suffix] of [[1200, ''], [320, '-320']] as const) {
    await page.setViewportSize({ width, height: 900 });
    await expectAccessible(page, `${name}${suffix}`);
    await page.screenshot({ path: join(SCREENSHOTS, `configuration-${name}${suffix}.png`), fullPage: true });
    // Nothing wider than the screen: the page reflows rather than scrolling sideways (a wide diagram or table scrolls in its own box).
    const wide = await page.evaluate((w) => [...document.querySelectorAll('body *')].filter((e) => e.getBoundingClientRect().right > w + 1 && !e.closest('.app-statechart')).map((e) => `${e.tagName}.${e.className}`).slice(0, 5), width);
    expect(wide, `${name}${suffix} fits its width`).toEqual([]);
  }
  await page.setViewportSize({ width: 1200, height: 900 });
}

async function upload(page: Page, text: string): Promise<void> {
  await page.getByLabel('The changed process file').setInputFiles({ name: `${PROC}.yaml`, mimeType: 'text/yaml', buffer: Buffer.from(text) });
  await page.waitForFunction((expected) => (document.querySelector('textarea') as HTMLTextAreaElement | null)?.value === expected, text);
  await page.getByRole('button', { name: /^Check the file/ }).click();
}

test('only the business unit has the configuration pages', async () => {
  const partner = await as(`${P}.statutory-partner`);
  await expect(partner.getByRole('link', { name: 'Configuration' }).count()).resolves.toBe(0);
  await partner.goto('/configuration');
  await partner.getByRole('heading', { level: 1, name: 'You do not have access to this page' }).waitFor();
});

test('the business unit uploads a refused file and sees every problem with its line, then publishes a valid change as the next version', async () => {
  const page = await as(`${P}.business-unit`);
  await page.getByRole('link', { name: 'Configuration' }).click();
  await page.getByRole('heading', { level: 1, name: 'Configuration' }).waitFor();
  await page.getByText(/All \d+ scenarios pass/).waitFor();
  await checkEverywhere(page, 'processes');

  await page.getByRole('link', { name: title }).click();
  await page.getByRole('heading', { level: 1, name: title }).waitFor();
  const first = page.locator('li[data-version="1"]');
  await expect(first.textContent()).resolves.toMatch(/From the configuration files/);
  await page.getByRole('img', { name: `The stages of ${title}, version 1` }).waitFor();
  await checkEverywhere(page, 'process');

  await page.getByRole('link', { name: 'Upload a changed process' }).click();
  await page.getByRole('heading', { level: 1, name: 'Upload a changed process' }).waitFor();

  // Refused: an unknown key, said with the file and its line; nothing is offered for publishing.
  const unknownKeyLine = shipped.trimEnd().split('\n').length + 1;
  await upload(page, `${shipped.trimEnd()}\ncolour: blue\n`);
  const summary = page.locator('.govuk-error-summary');
  await summary.waitFor();
  await expect(summary.textContent()).resolves.toContain(`${FILE}, line ${unknownKeyLine}: `);
  await expect(summary.textContent()).resolves.toContain('unknown key "colour"');
  expect(await page.evaluate(() => document.activeElement?.classList.contains('govuk-error-summary'))).toBe(true);
  expect(await page.title()).toMatch(/^Error: /);
  await expect(page.getByRole('button', { name: /^Publish/ }).count()).resolves.toBe(0);
  await checkEverywhere(page, 'upload-refused');

  // The error's link leads to the text, to fix it there.
  await summary.getByRole('link').first().click();
  expect(await page.evaluate(() => document.activeElement?.tagName)).toBe('TEXTAREA');

  // A valid change: its difference, its scenarios and the running cases, then publish.
  const label = 'Stage 1: the partners meet';
  await upload(page, shipped.replace(stage.label, label));
  await page.getByRole('heading', { level: 2, name: 'What publishing it would change' }).waitFor();
  await expect(page.locator('.app-difference').textContent()).resolves.toContain(`is now called "${label}", not "${stage.label}"`);
  await page.getByText(/All \d+ scenarios pass/).waitFor();
  await expect(page.locator('section[aria-labelledby="check-result"]').textContent()).resolves.toContain(`1 case at “${stage.label}”`);
  await checkEverywhere(page, 'upload-checked');

  await page.getByRole('button', { name: 'Publish as version 2' }).click();
  const banner = page.locator('.govuk-notification-banner--success');
  await banner.waitFor();
  await expect(banner.textContent()).resolves.toContain(`Version 2 of ${title} is published`);
  const second = page.locator('li[data-version="2"]');
  await expect(second.textContent()).resolves.toContain(`Published by ${P}.business-unit`);
  await expect(second.textContent()).resolves.toContain('Newest');

  // The difference between the two versions, chosen on the page.
  await page.getByLabel('From version').selectOption('1');
  await page.getByLabel('To version').selectOption('2');
  await page.getByRole('button', { name: 'Compare' }).click();
  await page.getByText(`is now called "${label}"`).waitFor();
  await checkEverywhere(page, 'published');

  // New cases start on it at once, without a restart.
  const partner = await ApiClient.signIn(suite.harness, `${P}.statutory-partner`);
  const created = await partner.createCase(P, PROC, { summary: 'After publishing' });
  expect(created.body).toMatchObject({ processVersion: 2, stateLabel: label });
}, 180_000);

test('a process written as a difference from a template is compared with the template', async () => {
  const businessUnit = await ApiClient.signIn(suite.harness, `${P}.business-unit`);
  const processes = (await businessUnit.get(`/api/partnerships/${P}/configuration/processes`)).body as { id: string; title: string; template: string | null }[];
  const variant = processes.find((p) => p.template !== null);
  expect(variant, 'a shipped process that extends a template').toBeDefined();
  const page = await as(`${P}.business-unit`);
  await page.goto(`/configuration/${variant!.id}`);
  await page.getByRole('heading', { level: 1, name: variant!.title }).waitFor();
  await page.getByRole('button', { name: 'Compare with the template' }).click();
  await page.getByText(new RegExp(`differences? from the template "${variant!.template}" to version 1`)).waitFor();
  await checkEverywhere(page, 'template-difference');
}, 120_000);
