/**
 * The work list in Chromium against a real server: a Merton dispute goes from the statutory
 * partner's work list (its action is a link there) to the Independent Person's, the case page says
 * who it waits for, and a case is found by its reference typed as people say it. Every page visited
 * is checked with axe and kept as a screenshot in test-results/screenshots.
 */
import type { Page } from 'playwright-core';
import { expect, test } from 'vitest';
import { browserSuite, checkPage, continueAndSend } from './browser.ts';

const FLOW_TIMEOUT = 120_000;

const suite = browserSuite('2026-12-01');
const { as } = suite;

/** Raises a Merton dispute over the API, as the statutory partner; returns its reference. */
async function raiseDispute(summary: string): Promise<{ id: string; reference: string }> {
  const context = await suite.context();
  const login = await context.request.post('/api/session', { data: { username: 'merton.statutory-partner', password: 'demo' } });
  const headers = { 'X-CSRF-Token': (await login.json()).csrfToken as string };
  const created = await context.request.post('/api/partnerships/merton/processes/dispute-resolution/cases', { headers, data: { data: { summary } } });
  expect(created.status()).toBe(201);
  return (await created.json()) as { id: string; reference: string };
}

const row = (page: Page, reference: string) => page.locator(`tr[data-reference="${reference}"]`);

test(
  "a dispute goes from the statutory partner's work list to the Independent Person's, and is found by its reference",
  async () => {
    const { reference } = await raiseDispute('Who pays for the out-of-hours social work service');
    expect(reference).toMatch(/^MER-2026-\d{4}$/);

    // The statutory partner's work list: the case, what they can do as links, and no deadline.
    const partner = await as('merton.statutory-partner');
    await row(partner, reference).waitFor();
    expect(await row(partner, reference).textContent()).toContain('Stage 1: statutory partners meet');
    await checkPage(partner, 'work-list-statutory-partner');
    await row(partner, reference).getByRole('link', { name: /^Record that the partners did not agree/ }).click();
    await partner.locator('input[name="attendees"][value="lb-merton"]').check();
    await partner.locator('input[name="attendees"][value="merton-ccg"]').check();
    await partner.locator('[name="reason"]').fill('The police did not attend and the others could not agree.');
    await continueAndSend(partner);

    // The case page is headed by its reference, and says in words who acts next.
    await partner.getByRole('heading', { level: 1, name: `Case ${reference}` }).waitFor();
    await partner.getByTestId('waiting-for').waitFor();
    expect(await partner.getByTestId('waiting-for').textContent()).toBe('Waiting for the Independent Person.');
    // The letter to the absent police is the Independent Person's task.
    expect(await partner.locator('.govuk-task-list').textContent()).toContain('For the Independent Person');
    await checkPage(partner, 'work-list-case-waiting-for-independent-person');

    // It has left the partner's work list ...
    await partner.getByRole('link', { name: 'My cases' }).click();
    await partner.getByRole('heading', { level: 1, name: 'My cases' }).waitFor();
    await partner.locator('main table, main p.govuk-body').first().waitFor();
    expect(await row(partner, reference).count()).toBe(0);

    // ... and is on the Independent Person's, with their action as a link.
    const ip = await as('merton.independent-person');
    await row(ip, reference).waitFor();
    const arbitrate = row(ip, reference).getByRole('link', { name: /^Record the agreement reached at arbitration/ });
    expect(await arbitrate.count()).toBe(1);
    await checkPage(ip, 'work-list-independent-person');

    // Search by the reference as someone might type it after a phone call: "mer 2026 1".
    const [prefix, year, number] = reference.split('-');
    await ip.getByLabel('Find a case').fill(`${prefix!.toLowerCase()} ${year} ${Number(number)}`);
    await ip.getByRole('button', { name: 'Search' }).click();
    await ip.getByRole('heading', { level: 1, name: /^Cases matching/ }).waitFor();
    await row(ip, reference).waitFor();
    expect(await ip.locator('main tbody tr').count()).toBe(1);
    await checkPage(ip, 'work-list-search-by-reference');
    await row(ip, reference).getByRole('link', { name: `Case ${reference}` }).click();
    await ip.getByRole('heading', { level: 1, name: `Case ${reference}` }).waitFor();
    expect(await ip.getByTestId('waiting-for').textContent()).toBe('Waiting for the Independent Person. That includes you.');
    await checkPage(ip, 'work-list-case-for-independent-person');
  },
  FLOW_TIMEOUT,
);
