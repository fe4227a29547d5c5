/**
 * The design system's patterns for long forms, filters and diagrams, in Chromium against a real
 * server: a long form asked a page at a time with back links and "Change" links from "Check your
 * answers"; GOV.UK date inputs in the report and log filters, refusing what is not a date; the
 * statechart labelled with the events' labels, legible, and its table; and the case page, forms and
 * lists at 320 px and at 200 % zoom with no sideways scrolling. axe finds no violations at any
 * impact on any page visited, and each is kept as a screenshot.
 *
 * 200 % zoom is emulated as the browser does it: zooming a 1280 px wide window to 200 % leaves the
 * page 640 CSS pixels to lay out in, each drawn with two device pixels. So a 640 × 450 viewport at
 * deviceScaleFactor 2 gives the page the same width, media queries and text size in device pixels
 * as a desktop browser zoomed to 200 %.
 */
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { beforeAll, expect, test } from 'vitest';
import { ApiClient } from '../support/server.ts';
import { browserSuite, expectAccessible, SCREENSHOTS } from './browser.ts';

const TODAY = '2023-06-01';
const FLOW_TIMEOUT = 120_000;
const suite = browserSuite(TODAY);

let disputeId = '';

beforeAll(async () => {
  const partner = await ApiClient.signIn(suite.harness, 'merton.statutory-partner');
  const created = await partner.createCase('merton', 'dispute-resolution', { summary: 'Who funds the out-of-hours social work service' });
  expect(created.status).toBe(201);
  disputeId = created.body.id;
}, 180_000);

async function as(username: string, options: { width: number; height: number; deviceScaleFactor?: number } = { width: 1200, height: 900 }): Promise<Page> {
  const context = await suite.context({ viewport: { width: options.width, height: options.height }, deviceScaleFactor: options.deviceScaleFactor ?? 1, locale: 'en-GB', timezoneId: 'Europe/London' });
  const page = await context.newPage();
  await page.clock.setFixedTime(new Date(`${TODAY}T09:00:00`));
  await page.goto('/');
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill('demo');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { level: 1, name: 'My cases' }).waitFor();
  return page;
}

/** No axe violations at any impact, no sideways scrolling of the page, and a screenshot. */
async function looked(page: Page, name: string): Promise<void> {
  await expectAccessible(page, name);
  const widths = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, inner: window.innerWidth }));
  expect(widths.scroll, `${name} scrolls sideways`).toBeLessThanOrEqual(widths.inner);
  await page.screenshot({ path: join(SCREENSHOTS, `patterns-${name}.png`), fullPage: true });
}

async function fillDate(page: Page, id: string, [day, month, year]: [string, string, string]): Promise<void> {
  await page.locator(`#${id}`).fill(day);
  await page.locator(`#${id}-month`).fill(month);
  await page.locator(`#${id}-year`).fill(year);
}

async function continueTo(page: Page, title: string): Promise<void> {
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.getByRole('heading', { level: 1, name: title }).waitFor();
}

test(
  'a long form is asked a page at a time: back links keep the answers, Change goes to the question and returns to the check',
  async () => {
    const page = await as('merton.local-authority');
    await page.goto('/start/cspr');
    await page.getByRole('heading', { level: 1, name: 'About the incident' }).waitFor();
    // From the first question page, back goes to where the person came from.
    expect(await page.locator('a.govuk-back-link').getAttribute('href')).toBe('/start');
    expect(await page.getByLabel('Did the child die?').count()).toBe(0);
    await looked(page, 'long-form-page-1');

    // Only this page's questions are asked about: nothing from the pages not reached yet.
    await page.getByRole('button', { name: 'Continue' }).click();
    const summary = page.locator('.govuk-error-summary');
    await summary.waitFor();
    expect(await summary.textContent()).toContain('Enter date the local authority became aware of the incident');
    expect(await summary.textContent()).not.toContain('Did the child die?');
    await looked(page, 'long-form-page-1-error');

    await page.getByLabel('Case reference').fill('Child P');
    await fillDate(page, 'field-awareOn', ['22', '5', '2023']);
    await page.getByLabel('What happened?').fill('Admitted to hospital with injuries that were not explained.');
    await continueTo(page, 'What happened to the child');
    expect(await page.getByLabel('Case reference').count()).toBe(0);
    await page.locator('#field-abuseOrNeglectKnownOrSuspected').check();
    await page.locator('#field-childDied-1').check();
    await page.locator('#field-seriouslyHarmed').check();
    await page.locator('#field-lookedAfterChild-1').check();
    await looked(page, 'long-form-page-2');

    // Back a question and forward again: every answer is still there.
    await page.getByRole('link', { name: 'Back' }).click();
    await page.getByRole('heading', { level: 1, name: 'About the incident' }).waitFor();
    expect(await page.getByLabel('Case reference').inputValue()).toBe('Child P');
    await continueTo(page, 'What happened to the child');
    expect(await page.locator('#field-childDied-1').isChecked()).toBe(true);
    expect(await page.locator('#field-seriouslyHarmed').isChecked()).toBe(true);
    await continueTo(page, 'Where it happened and who reported it');
    await page.locator('#field-inArea').check();
    await looked(page, 'long-form-page-3');
    await continueTo(page, 'Check your answers');
    const answers = page.locator('.govuk-summary-list');
    for (const answer of ['Child P', '22 May 2023', 'Admitted to hospital']) expect(await answers.textContent()).toContain(answer);
    // Listed in the order the pages asked them.
    const keys = await page.locator('.govuk-summary-list__key').allTextContents();
    expect(keys.indexOf('What happened?')).toBeLessThan(keys.indexOf('Did the child die?'));
    await looked(page, 'long-form-check');

    // Change goes to that question's page, at the question; Continue comes back to the check.
    await page.getByRole('button', { name: 'Change Case reference' }).click();
    await page.getByRole('heading', { level: 1, name: 'About the incident' }).waitFor();
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('field-title');
    await page.getByLabel('Case reference').fill('Child Q');
    await continueTo(page, 'Check your answers');
    expect(await answers.textContent()).toContain('Child Q');
    await page.getByRole('button', { name: 'Change Was the child seriously harmed?' }).click();
    await page.getByRole('heading', { level: 1, name: 'What happened to the child' }).waitFor();
    await continueTo(page, 'Check your answers');

    // From the check, back goes to the last question page.
    await page.getByRole('link', { name: 'Back' }).click();
    await page.getByRole('heading', { level: 1, name: 'Where it happened and who reported it' }).waitFor();
    expect(await page.locator('#field-inArea').isChecked()).toBe(true);
    await continueTo(page, 'Check your answers');
    await page.getByRole('button', { name: 'Start the case' }).click();
    await page.getByRole('heading', { level: 1, name: /^Case / }).waitFor();
    expect(await page.locator('main').textContent()).toContain('Child Q');
  },
  FLOW_TIMEOUT,
);

test(
  'the report and log filters are GOV.UK date inputs: a date that cannot be is refused beside it and in the summary',
  async () => {
    const page = await as('merton.business-unit');
    await page.goto('/reports');
    await page.locator('section[data-process="dispute-resolution"]').waitFor();
    const from = page.getByRole('group', { name: 'From' });
    expect(await from.getByLabel('Day').inputValue()).toBe('1');
    expect(await from.getByLabel('Month').inputValue()).toBe('4');
    expect(await from.getByLabel('Year').inputValue()).toBe('2023');
    await looked(page, 'reports-dates');

    await fillDate(page, 'field-report-from', ['31', '2', '2023']);
    await page.getByRole('button', { name: 'Show' }).click();
    const summary = page.locator('.govuk-error-summary');
    await summary.waitFor();
    expect(await summary.textContent()).toContain('The date the period starts must be a real date');
    expect(await page.evaluate(() => document.activeElement?.classList.contains('govuk-error-summary'))).toBe(true);
    expect(await page.locator('.govuk-form-group--error .govuk-error-message').textContent()).toContain('must be a real date');
    expect(await page.locator('#field-report-from-month').getAttribute('class')).toContain('govuk-input--error');
    expect(await page.title()).toMatch(/^Error: Reports/);
    expect(await page.locator('section[data-process="dispute-resolution"]').count()).toBe(0);
    await looked(page, 'reports-date-not-real');
    await summary.getByRole('link').click();
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('field-report-from');

    // A part left out: the message names it, and only that box is marked.
    await page.locator('#field-report-from').fill('1');
    await page.locator('#field-report-from-month').fill('');
    await page.getByRole('button', { name: 'Show' }).click();
    await page.locator('.govuk-error-summary', { hasText: 'The date the period starts must include a month' }).waitFor();
    expect(await page.locator('#field-report-from-month').getAttribute('class')).toContain('govuk-input--error');
    expect(await page.locator('#field-report-from').getAttribute('class')).not.toContain('govuk-input--error');

    await page.locator('#field-report-from-month').fill('4');
    await page.getByRole('button', { name: 'Show' }).click();
    await page.locator('section[data-process="dispute-resolution"]').waitFor();
    expect(await page.locator('.govuk-error-summary').count()).toBe(0);

    await page.goto('/escalation-log');
    await page.getByRole('heading', { level: 1, name: 'Escalation log' }).waitFor();
    await fillDate(page, 'field-log-to', ['1', '13', '2023']);
    await page.getByRole('button', { name: 'Show' }).click();
    await page.locator('.govuk-error-summary', { hasText: 'The date the period ends must be a real date' }).waitFor();
    await looked(page, 'escalation-log-date-not-real');
    await fillDate(page, 'field-log-to', ['1', '6', '2023']);
    await page.getByRole('button', { name: 'Show' }).click();
    await page.waitForURL(/to=2023-06-01/);
    expect(await page.locator('.govuk-error-summary').count()).toBe(0);
  },
  FLOW_TIMEOUT,
);

test(
  "the statechart's arrows carry the events' labels in legible text, and a table says the same without the picture",
  async () => {
    const page = await as('merton.business-unit');
    const definition = (await (await page.request.get('/api/partnerships/merton/processes/dispute-resolution')).json()) as {
      events: { type: string; label: string }[];
    };
    await page.goto('/processes/dispute-resolution');
    await page.locator('svg a[data-state]').first().waitFor();
    const labels = await page.locator('.app-statechart__edge-label').evaluateAll((texts) =>
      texts.map((text) => [...text.querySelectorAll('tspan')].map((line) => line.textContent).join(' ')),
    );
    expect(labels.length).toBeGreaterThan(0);
    for (const label of labels) expect(label).not.toMatch(/\b[A-Z]+_[A-Z_]+\b/);
    const drawn = labels.join('\n');
    const notes = (await page.locator('.app-statechart__note').allTextContents()).join('\n');
    for (const event of definition.events) expect(`${drawn}\n${notes}`.replace(/\s+/g, ' ')).toContain(event.label);

    // At desktop width the diagram is drawn at its own size: 14px text is 14px on the screen.
    const smallest = await page.evaluate(() => {
      const svg = document.querySelector('.app-statechart__svg') as SVGSVGElement;
      const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
      return Math.min(...[...svg.querySelectorAll('text')].map((text) => parseFloat(getComputedStyle(text).fontSize) * scale));
    });
    expect(smallest).toBeGreaterThanOrEqual(14);

    const table = page.getByRole('region', { name: /^What can happen at each stage of/ });
    const rows = await table.locator('tbody tr').allTextContents();
    for (const event of definition.events) expect(rows.join('\n')).toContain(event.label);
    expect(await table.locator('thead').textContent()).toBe('From stageActionTo stageWho');
    expect(rows.join('\n')).toContain('Statutory partner');
    await looked(page, 'statechart-desktop');

    // At 320px the diagram scrolls inside its own region, which the keyboard can reach; the page does not.
    await page.setViewportSize({ width: 320, height: 640 });
    const region = page.getByRole('region', { name: /^Diagram: / });
    const { scroll, client, tabIndex } = await region.evaluate((element) => ({ scroll: element.scrollWidth, client: element.clientWidth, tabIndex: (element as HTMLElement).tabIndex }));
    expect(scroll).toBeGreaterThan(client);
    expect(tabIndex).toBe(0);
    await looked(page, 'statechart-320');
  },
  FLOW_TIMEOUT,
);

for (const [what, viewport] of [
  ['at 320 px', { width: 320, height: 640 }],
  ['at 200 % zoom', { width: 640, height: 450, deviceScaleFactor: 2 }],
] as const) {
  test(
    `${what} the lists, the case page, a form and the reports fit the screen: nothing scrolls the page sideways`,
    async () => {
      const name = what.replace(/\W+/g, '-').replace(/^-|-$/g, '');
      const page = await as('merton.statutory-partner', viewport);
      // The long username wraps rather than pushing the page wider.
      expect(await page.locator('.app-signed-in').textContent()).toContain('merton.statutory-partner');
      await looked(page, `${name}-my-cases`);
      await page.goto('/cases');
      await page.getByRole('heading', { level: 1, name: 'All cases' }).waitFor();
      await page.locator('main table, main .govuk-summary-card, main li').first().waitFor();
      await looked(page, `${name}-all-cases`);
      await page.goto(`/cases/${disputeId}`);
      await page.getByRole('heading', { level: 1, name: /^Case / }).waitFor();
      await page.locator('.app-statechart__svg').waitFor();
      await looked(page, `${name}-case`);
      await page.goto(`/cases/${disputeId}/events/UNRESOLVED`);
      await page.locator('[name="reason"]').waitFor();
      await looked(page, `${name}-form`);
      await page.getByRole('button', { name: 'Continue' }).click();
      await page.locator('.govuk-error-summary').waitFor();
      await looked(page, `${name}-form-error`);

      const unit = await as('merton.business-unit', viewport);
      await unit.goto('/reports');
      await unit.locator('section[data-process="dispute-resolution"]').waitFor();
      await looked(unit, `${name}-reports`);
      await unit.goto('/escalation-log');
      await unit.getByRole('heading', { level: 1, name: 'Escalation log' }).waitFor();
      await looked(unit, `${name}-escalation-log`);
      await unit.goto('/processes/dispute-resolution');
      await unit.locator('.app-statechart__svg').waitFor();
      await looked(unit, `${name}-statechart`);
    },
    FLOW_TIMEOUT,
  );
}
