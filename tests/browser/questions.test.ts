/**
 * Questions that fit, in Chromium against a real server: a question revealed only by the answer that
 * calls for it (and not sent when hidden), and the server's rules checked at the question, their
 * messages beside the field they concern with the date worked out, before "Check your answers".
 * Every page is checked with axe (no violations at any impact) and kept as a screenshot.
 */
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { expect, test } from 'vitest';
import { ApiClient } from '../support/server.ts';
import { browserSuite, expectAccessible, SCREENSHOTS } from './browser.ts';

const FLOW_TIMEOUT = 120_000;
const MITIGATION = 'How will the conflict of interest be managed?';
const SENT_ON = '#field-sentToPanelAndOfstedOn';

const suite = browserSuite('2023-06-01');

/** A Leicester incident referred for a local review, decided on and waiting for its reviewer, over the API. */
async function awaitingCommissioning(): Promise<{ id: string; businessUnit: ApiClient }> {
  const [businessUnit, localAuthority, reviewGroup, advisor] = await Promise.all(
    ['business-unit', 'local-authority', 'case-review-group', 'independent-advisor'].map((role) => ApiClient.signIn(suite.harness, `leicester.${role}`)),
  );
  const created = await businessUnit!.createCase('leicester', 'cspr', {
    title: 'Child R', awareOn: '2022-03-01', childDied: false, seriouslyHarmed: true, abuseOrNeglectKnownOrSuspected: false, lookedAfterChild: false, inArea: true, referredForLocalReview: true,
  });
  expect(created.status).toBe(201);
  const steps: [ApiClient, string, Record<string, unknown>][] = [
    [localAuthority!, 'NOTIFIED', {}],
    [reviewGroup!, 'RECOMMEND', { completedOn: '2022-03-20', recommendation: 'local-review', rationale: 'Learning about a near miss.' }],
    [advisor!, 'DECIDE', { decision: 'local-review', decidedOn: '2022-03-28', rationale: 'Learning about a near miss.' }],
  ];
  let version = created.body.version as number;
  for (const [as, type, data] of steps) {
    const sent = await as.sendEvent(created.body.id, type, data, version);
    expect(sent.status, JSON.stringify(sent.body)).toBe(200);
    version = sent.body.version;
  }
  return { id: created.body.id, businessUnit: businessUnit! };
}

const { as } = suite;

/** No axe violations at all, at desktop width and at 320px, each kept as a screenshot. */
async function looked(page: Page, name: string): Promise<void> {
  for (const width of [1200, 320]) {
    await page.setViewportSize({ width, height: 900 });
    await expectAccessible(page, `${name} at ${width}px`);
    await page.screenshot({ path: join(SCREENSHOTS, `questions-${name}-${width}.png`), fullPage: true });
  }
  await page.setViewportSize({ width: 1200, height: 900 });
}

async function fillDate(page: Page, id: string, [day, month, year]: [number, number, number]): Promise<void> {
  await page.locator(id).fill(String(day));
  await page.locator(`${id}-month`).fill(String(month));
  await page.locator(`${id}-year`).fill(String(year));
}

/** The error message that stands beside a field: its form group's GOV.UK error message. */
function errorBeside(page: Page, id: string) {
  return page.locator('.govuk-form-group--error', { has: page.locator(id) }).locator('.govuk-error-message').first();
}

test(
  'a conflict of interest reveals how it will be managed; the rule asks for it at the question; a hidden answer is not sent',
  async () => {
    const { id, businessUnit } = await awaitingCommissioning();
    const page = await as('leicester.business-unit');
    await page.goto(`/cases/${id}/events/COMMISSIONED`);
    await page.getByLabel("Reviewer's name").fill('F. Reviewer');
    const mitigation = page.getByLabel(MITIGATION);
    await expect.poll(() => mitigation.isVisible()).toBe(false);
    await looked(page, 'commissioning');

    // Each of the reviewer's criteria is a Yes/No; Yes is the first choice, No the second.
    for (const criterion of ['professionalKnowledge', 'researchKnowledge', 'recognisesComplexCircumstances', 'avoidsHindsight', 'communicatesFindings']) {
      await page.locator(`#field-reviewerCriteria-${criterion}`).check();
    }
    const conflictYes = page.locator('#field-reviewerCriteria-conflictOfInterest');
    const conflictNo = page.locator('#field-reviewerCriteria-conflictOfInterest-1');
    await conflictYes.check();
    await mitigation.waitFor();
    expect(await conflictYes.getAttribute('aria-controls')).toBe('field-reviewerCriteria-conflictOfInterest-conditional');
    await looked(page, 'commissioning-conflict-revealed');
    await conflictNo.check();
    await mitigation.waitFor({ state: 'hidden' });
    await conflictYes.check();
    // The form is asked on two pages: the reviewer, then the review.
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByRole('heading', { level: 1, name: 'The review' }).waitFor();
    await fillDate(page, '#field-panelOfstedDfeInformedOn', [4, 4, 2022]);

    // Left empty, the mitigation is the server's rule to enforce: its message stands beside it, on its own page, before any check page.
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.locator('.govuk-error-summary a[href="#field-conflictOfInterestMitigation"]').waitFor();
    await page.getByRole('heading', { level: 1, name: 'The reviewer' }).waitFor();
    expect(await errorBeside(page, '#field-conflictOfInterestMitigation').textContent()).toContain('write how it will be managed');
    expect(await page.getByRole('heading', { level: 1 }).textContent()).not.toContain('Check your answers');
    await looked(page, 'commissioning-conflict-refused');
    await page.locator('.govuk-error-summary a[href="#field-conflictOfInterestMitigation"]').click();
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('field-conflictOfInterestMitigation');

    // Answered, then the conflict taken back: the answer is kept on the page but not asked, shown or sent.
    await mitigation.fill('The reviewer will not interview colleagues from her former team.');
    await conflictNo.check();
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByRole('heading', { level: 1, name: 'Check your answers' }).waitFor();
    expect(await page.locator('.govuk-summary-list').textContent()).not.toContain(MITIGATION);
    await looked(page, 'commissioning-check-answers');
    await page.getByRole('button', { name: 'Send' }).click();
    await page.getByRole('heading', { level: 1, name: /^Case / }).waitFor();
    const stored = (await businessUnit.get(`/api/cases/${id}`)).body;
    expect(stored.state).toBe('review-in-progress');
    expect(stored.history.at(-1).data).not.toHaveProperty('conflictOfInterestMitigation');
    expect(stored.history.at(-1).data.reviewerCriteria.conflictOfInterest).toBe(false);
  },
  FLOW_TIMEOUT,
);

test(
  "a date rule's message stands beside the date it limits, with the date worked out; corrected, the report is published",
  async () => {
    const { id, businessUnit } = await awaitingCommissioning();
    const commissioned = await businessUnit.sendEvent(id, 'COMMISSIONED', {
      reviewerName: 'F. Reviewer',
      reviewerCriteria: { professionalKnowledge: true, researchKnowledge: true, recognisesComplexCircumstances: true, avoidsHindsight: true, communicatesFindings: true, conflictOfInterest: false },
      panelOfstedDfeInformedOn: '2022-04-04',
    }, 4);
    expect(commissioned.status, JSON.stringify(commissioned.body)).toBe(200);
    expect((await businessUnit.sendEvent(id, 'FINAL_REPORT_RECEIVED', { receivedOn: '2022-09-30' }, commissioned.body.version)).status).toBe(200);

    const page = await as('leicester.business-unit');
    await page.goto(`/cases/${id}/events/PUBLISH`);
    await fillDate(page, '#field-publishedOn', [10, 5, 2023]);
    await fillDate(page, SENT_ON, [28, 4, 2023]);
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.locator(`.govuk-error-summary a[href="${SENT_ON}"]`).waitFor();
    // Seven working days before 10 May 2023, the early May bank holiday not counted.
    const beside = await errorBeside(page, SENT_ON).textContent();
    expect(beside).toContain('7 working days before it is published');
    expect(beside).toContain("With the date published on the partnership's website as 10 May 2023, the date the report was sent to the National Panel and Ofsted must be 27 April 2023 or earlier.");
    expect(await page.locator('.govuk-error-summary').textContent()).toContain('must be 27 April 2023 or earlier');
    expect(await page.getByRole('heading', { level: 1 }).textContent()).not.toContain('Check your answers');
    await looked(page, 'publish-date-refused');

    await page.locator(SENT_ON).fill('27');
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByRole('heading', { level: 1, name: 'Check your answers' }).waitFor();
    await page.getByRole('button', { name: 'Send' }).click();
    await page.getByRole('heading', { level: 1, name: /^Case / }).waitFor();
    expect((await businessUnit.get(`/api/cases/${id}`)).body.state).toBe('action-plan');
  },
  FLOW_TIMEOUT,
);

test(
  'any answer about other areas reveals when they were told, in its own place; cleared, it is asked no more',
  async () => {
    const businessUnit = await ApiClient.signIn(suite.harness, 'leicester.business-unit');
    const created = await businessUnit.createCase('leicester', 'cspr', {
      awareOn: '2023-05-22', childDied: false, seriouslyHarmed: true, abuseOrNeglectKnownOrSuspected: true, lookedAfterChild: false, inArea: true,
    });
    expect(created.status).toBe(201);
    const page = await as('leicester.local-authority');
    await page.goto(`/cases/${created.body.id}/events/NOTIFIED`);
    const otherAreas = page.getByLabel("Which other areas' safeguarding partners should be told?");
    const toldOn = page.locator('#field-otherAreasNotifiedOn');
    await otherAreas.waitFor();
    expect(await toldOn.count()).toBe(0);
    await otherAreas.fill('Nottinghamshire, where the family lived until March');
    await toldOn.waitFor();
    await looked(page, 'notification-other-areas');
    await otherAreas.fill('');
    await toldOn.waitFor({ state: 'detached' });
  },
  FLOW_TIMEOUT,
);
