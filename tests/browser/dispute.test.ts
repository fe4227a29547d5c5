/**
 * The web client end to end, in Chromium against a real server: a Merton dispute raised, refused
 * (a missing answer, the quorum guard), escalated, and seen arriving on the administrators' statechart;
 * a version conflict; the escalation log; keyboard use. Every page visited is checked with axe and
 * kept as a screenshot in test-results/screenshots.
 */
import type { Page } from 'playwright-core';
import { expect, test } from 'vitest';
import { browserSuite, checkPage, continueAndSend, draftHolding } from './browser.ts';

const STAGE_2 = 'stage-2-arbitration';
const FLOW_TIMEOUT = 120_000;

const suite = browserSuite();
const { as } = suite;

async function text(page: Page, selector: string): Promise<string> {
  return (await page.locator(selector).first().textContent()) ?? '';
}

/** Raises a dispute and escalates it past stage 1 with the police absent, over the API. */
async function disputeAtStage2(): Promise<string> {
  const context = await suite.context();
  const login = await context.request.post('/api/session', { data: { username: 'merton.statutory-partner', password: 'demo' } });
  const headers = { 'X-CSRF-Token': (await login.json()).csrfToken as string };
  const created = await context.request.post('/api/partnerships/merton/processes/dispute-resolution/cases', {
    headers,
    data: { data: { summary: 'Which partner funds the out-of-hours service' } },
  });
  const { id, version } = (await created.json()) as { id: string; version: number };
  const escalated = await context.request.post(`/api/cases/${id}/events`, {
    headers,
    data: { type: 'UNRESOLVED', data: { attendees: ['lb-merton', 'merton-ccg'], reason: 'No agreement' }, expectedVersion: version },
  });
  expect(escalated.status()).toBe(200);
  return id;
}

test(
  'a statutory partner raises and escalates a dispute; the business unit sees stage 2 count rise without reloading',
  async () => {
    const admin = await as('merton.business-unit');
    await admin.getByRole('link', { name: 'Processes' }).click();
    await admin.getByRole('link', { name: 'Dispute between statutory partners' }).click();
    const stage2Row = `tr[data-state="${STAGE_2}"] .app-count`;
    await admin.locator(stage2Row).waitFor();
    await admin.locator(`svg a[data-state="${STAGE_2}"]`).waitFor();
    const before = Number(await text(admin, stage2Row));
    await checkPage(admin, 'process-statechart-before');

    const page = await as('merton.statutory-partner');
    await checkPage(page, 'my-cases');
    await page.getByRole('link', { name: 'Start a case' }).click();
    await page.getByLabel('Dispute between statutory partners').check();
    await checkPage(page, 'start-choose-process');
    await page.getByRole('button', { name: 'Continue' }).click();
    const summary = page.locator('[name="summary"]');
    await summary.waitFor();
    await checkPage(page, 'start-form');

    // A required answer left empty: the error is on the field and in the summary, which links to it.
    await continueAndSend(page, 'Start the case');
    await page.locator('.govuk-error-summary a[href="#field-summary"]').waitFor();
    await page.locator('.govuk-form-group--error #field-summary').waitFor();
    await checkPage(page, 'start-form-error');

    // What is typed survives a reload as a draft.
    await summary.fill('Health and the local authority disagree on who funds the out-of-hours service.');
    await draftHolding(page, 'out-of-hours service');
    await page.reload();
    await page.locator('[name="summary"]').waitFor();
    expect(await page.locator('[name="summary"]').inputValue()).toContain('out-of-hours service');

    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByRole('heading', { level: 1, name: 'Check your answers' }).waitFor();
    await checkPage(page, 'start-check-answers');
    await page.getByRole('button', { name: 'Start the case' }).click();
    await page.getByRole('heading', { level: 1, name: /^Case / }).waitFor();
    expect(await text(page, 'main')).toContain('Stage 1: statutory partners meet');
    await checkPage(page, 'case-stage-1');
    const caseUrl = page.url();

    // Agreement with only two partners present: the quorum guard's message in the error summary.
    await page.locator('a[href$="/events/AGREED"]').click();
    await page.locator('input[name="attendees"][value="lb-merton"]').check();
    await page.locator('input[name="attendees"][value="merton-ccg"]').check();
    await page.locator('[name="outcome"]').fill('Agreed to share the cost equally.');
    await continueAndSend(page);
    await page.locator('.govuk-error-summary').waitFor();
    expect(await text(page, '.govuk-error-summary')).toContain('quorate');
    await checkPage(page, 'agreed-guard-rejected');

    // Unresolved without saying who attended: the error is on the attendees.
    await page.goto(caseUrl);
    await page.locator('a[href$="/events/UNRESOLVED"]').click();
    await page.locator('[name="reason"]').fill('Police did not attend and the others could not agree.');
    await continueAndSend(page);
    await page.locator('.govuk-error-summary a[href="#field-attendees"]').waitFor();
    await page.locator('.govuk-form-group--error input[name="attendees"]').first().waitFor();
    await checkPage(page, 'unresolved-missing-attendees');

    await page.locator('input[name="attendees"][value="lb-merton"]').check();
    await page.locator('input[name="attendees"][value="merton-ccg"]').check();
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByRole('heading', { level: 1, name: 'Check your answers' }).waitFor();
    await checkPage(page, 'unresolved-check-answers');
    await page.getByRole('button', { name: 'Send' }).click();
    await page.getByRole('heading', { level: 1, name: /^Case / }).waitFor();
    const casePage = await text(page, 'main');
    expect(casePage).toContain('Stage 2: Independent Person arbitrates');
    // One task per absent partner: here the police.
    expect(await text(page, '.govuk-task-list')).toContain('Metropolitan Police');
    await page.locator('.app-statechart__node--current').waitFor();
    await checkPage(page, 'case-stage-2');

    // The administrators' page polls: the count rises without a reload.
    await admin.waitForFunction(
      ([selector, expected]) => document.querySelector(selector)?.textContent === expected,
      [stage2Row, String(before + 1)] as const,
      { timeout: 15_000 },
    );
    expect(await admin.locator(`svg a[data-state="${STAGE_2}"]`).getAttribute('aria-label')).toContain(`${before + 1} case`);
    await checkPage(admin, 'process-statechart-after');

    // Each state links to its cases.
    await admin.locator(`svg a[data-state="${STAGE_2}"]`).click();
    await admin.getByRole('heading', { level: 1, name: 'All cases' }).waitFor();
    await admin.locator('table tbody tr').first().waitFor();
    expect(await admin.locator('table tbody tr').count()).toBe(before + 1);
    expect(await admin.locator('#filter-state').inputValue()).toBe(STAGE_2);
    await checkPage(admin, 'all-cases-at-stage-2');
  },
  FLOW_TIMEOUT,
);

test(
  'a version conflict keeps the answers, explains what happened, and sends again',
  async () => {
    const id = await disputeAtStage2();
    const first = await as('merton.independent-person');
    const second = await as('merton.independent-person');
    for (const page of [first, second]) {
      await page.goto(`/cases/${id}/events/LETTER_SENT`);
      await page.locator('input[name="partner"][value="met-police"]').check();
      await page.locator('#field-sentOn').fill('3');
      await page.locator('#field-sentOn-month').fill('6');
      await page.locator('#field-sentOn-year').fill('2024');
      await page.getByRole('button', { name: 'Continue' }).click();
      await page.getByRole('heading', { level: 1, name: 'Check your answers' }).waitFor();
    }
    await first.getByRole('button', { name: 'Send' }).click();
    await first.getByRole('heading', { level: 1, name: /^Case / }).waitFor();

    await second.getByRole('button', { name: 'Send' }).click();
    await second.getByText('Someone else updated this case while you were working on it').waitFor();
    expect(await text(second, '.govuk-summary-list')).toContain('Metropolitan Police Service');
    expect(await text(second, '.govuk-summary-list')).toContain('3 June 2024');
    await checkPage(second, 'version-conflict');
    await second.getByRole('button', { name: 'Send' }).click();
    await second.getByRole('heading', { level: 1, name: /^Case / }).waitFor();
    expect(await second.locator('.app-timeline__item').count()).toBe(4);
  },
  FLOW_TIMEOUT,
);

test(
  'the business unit reads the escalation log and downloads it as CSV',
  async () => {
    await disputeAtStage2();
    const admin = await as('merton.business-unit');
    await admin.getByRole('link', { name: 'Escalation log' }).click();
    await admin.locator('table tbody tr').first().waitFor();
    expect(await text(admin, 'table')).toContain('Stage 2: Independent Person arbitrates');
    await checkPage(admin, 'escalation-log');

    const href = await admin.getByRole('link', { name: /\(CSV\)/ }).getAttribute('href');
    const csv = await admin.context().request.get(href!);
    expect(csv.headers()['content-type']).toContain('text/csv');
    expect((await csv.text()).split('\n').length).toBeGreaterThan(2);
  },
  FLOW_TIMEOUT,
);

test(
  'works from the keyboard: skip link, focus on each new page heading, error summary links to the field',
  async () => {
    const page = await as('merton.statutory-partner');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Skip to main content');
    await page.keyboard.press('Enter');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('main-content');

    await page.getByRole('link', { name: 'Start a case' }).focus();
    await page.keyboard.press('Enter');
    await page.getByLabel('Dispute between statutory partners').waitFor();
    expect(await page.evaluate(() => document.activeElement?.tagName)).toBe('H1');

    await page.getByLabel('Dispute between statutory partners').focus();
    await page.keyboard.press('Space');
    await page.getByRole('button', { name: 'Continue' }).focus();
    await page.keyboard.press('Enter');
    await page.locator('[name="summary"]').waitFor();
    expect(await page.evaluate(() => document.activeElement?.tagName)).toBe('H1');

    await continueAndSend(page, 'Start the case');
    await page.locator('.govuk-error-summary a[href="#field-summary"]').waitFor();
    expect(await page.evaluate(() => document.activeElement?.className)).toContain('govuk-error-summary');
    await page.locator('.govuk-error-summary a[href="#field-summary"]').focus();
    await page.keyboard.press('Enter');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('field-summary');
  },
  FLOW_TIMEOUT,
);

test(
  'answers are checked in the browser, by the server\'s own validator under the strict CSP, before "Check your answers"',
  async () => {
    const page = await as('merton.statutory-partner');
    const response = await page.goto('/start/dispute-resolution');
    expect(response?.headers()['content-security-policy']).toMatch(/script-src 'self'(;|$)/);
    await page.locator('[name="summary"]').waitFor();
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.locator('.govuk-error-summary a[href="#field-summary"]').waitFor();
    expect(await text(page, '#field-summary-error')).toContain('Answer “What is the dispute about?”');
    expect(await page.getByRole('heading', { name: 'Check your answers' }).count()).toBe(0);
    await checkPage(page, 'start-form-browser-validation');
  },
  FLOW_TIMEOUT,
);

test(
  'agreeing at arbitration with a letter still owed warns on the case page and before sending; the letter is recorded after',
  async () => {
    const id = await disputeAtStage2();
    const page = await as('merton.independent-person');
    await page.goto(`/cases/${id}`);
    const agree = page.getByRole('link', { name: 'Record the agreement reached at arbitration' });
    const warning = page.getByRole('listitem').filter({ has: agree }).locator('.govuk-warning-text');
    await warning.waitFor();
    expect(await warning.textContent()).toMatch(/This closes the case with 1 task still open: .*It can still be recorded after it closes\./);
    await checkPage(page, 'case-closing-warning');

    await agree.click();
    await page.locator('[name="outcome"]').fill('The partners agreed at arbitration.');
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByRole('heading', { level: 1, name: 'Check your answers' }).waitFor();
    expect(await page.locator('.govuk-warning-text').first().textContent()).toContain('This closes the case with 1 task still open');
    await checkPage(page, 'check-answers-closing-warning');
    await page.getByRole('button', { name: 'Send' }).click();
    // Resolved, and the letter still owed is a follow-up the Independent Person can record.
    await page.getByRole('link', { name: "Record the letter to an absent partner's accountable officer" }).waitFor();
    expect(await page.locator('.govuk-warning-text').count()).toBe(0);
  },
  FLOW_TIMEOUT,
);
