/**
 * The case page as the record of the case, in Chromium against a real server and SQLite file: a
 * Rotherham CSPR walked through the Panel's recommendation and the Chair's decision (each with its own
 * rationale, shown under its own step), into the action plan with two actions and two communications
 * (each listed with its author, nothing overwritten), and a correction of a notification date (the old
 * and new values, and the deadline it changed tagged "Corrected"). The case is moved along over the
 * HTTP API; the browser shows what a person sees. Every page is checked with axe and kept as a
 * screenshot in test-results/screenshots.
 */
import type { Page } from 'playwright-core';
import { expect, test } from 'vitest';
import { join } from 'node:path';
import { ApiClient } from '../support/server.ts';
import { REVIEWER_MEETS_CRITERIA } from '../support/incidents.ts';
import { browserSuite, checkPage, continueAndSend, SCREENSHOTS } from './browser.ts';

const FLOW_TIMEOUT = 120_000;
/** Late enough for the whole review to have happened; history times fall on this date in London. */
const TODAY = '2023-06-01';

const RECOMMEND_RATIONALE = 'Two agencies did not share information about the family’s move.';
const DECIDE_RATIONALE = 'The criteria for a local review are met: agencies working together.';

const suite = browserSuite(TODAY);
const { as } = suite;

const api = (role: string) => ApiClient.signIn(suite.harness, `rotherham.${role}`);

/** Sends an event over HTTP on the case's current version and expects it to be accepted. */
async function send(client: ApiClient, id: string, type: string, data: Record<string, unknown>): Promise<any> {
  const current = await client.get(`/api/cases/${id}`);
  expect(current.status, `read the case before ${type}`).toBe(200);
  const sent = await client.sendEvent(id, type, data, current.body.version);
  expect(sent.status, `${type}: ${JSON.stringify(sent.body)}`).toBe(200);
  return sent.body;
}

/** A notifiable incident, notified to the National Panel a day late (so that deadline is missed). */
async function notifiedIncident(): Promise<string> {
  const localAuthority = await api('local-authority');
  const created = await localAuthority.createCase('rotherham', 'cspr', {
    title: 'Child S',
    awareOn: '2022-09-16',
    childDied: false,
    seriouslyHarmed: true,
    abuseOrNeglectKnownOrSuspected: true,
    lookedAfterChild: false,
    inArea: true,
    summary: 'Admitted to hospital with unexplained injuries.',
  });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  const id = created.body.id as string;
  await send(localAuthority, id, 'NOTIFIED', { panelNotifiedOn: '2022-09-27', partnersNotifiedOn: '2022-09-26' });
  return id;
}

async function recommended(id: string): Promise<void> {
  await send(await api('practice-review-panel'), id, 'RECOMMEND', {
    completedOn: '2022-10-17',
    criteria: ['improvements-needed', 'agencies-working-together'],
    recommendation: 'local-review',
    rationale: RECOMMEND_RATIONALE,
  });
}

/** From the Chair's decision to the action plan, over HTTP. */
async function toActionPlan(id: string): Promise<void> {
  await send(await api('independent-chair'), id, 'DECIDE', {
    decision: 'local-review',
    decidedOn: '2022-11-01',
    rationale: DECIDE_RATIONALE,
    panelInformedOn: '2022-11-02',
  });
  const businessUnit = await api('business-unit');
  await send(businessUnit, id, 'COMMISSIONED', {
    reviewerName: 'A. Reviewer',
    reviewerCriteria: REVIEWER_MEETS_CRITERIA,
    panelOfstedDfeInformedOn: '2022-11-20',
  });
  await send(businessUnit, id, 'FINAL_REPORT_RECEIVED', { receivedOn: '2023-04-20' });
  await send(businessUnit, id, 'PUBLISH', { publishedOn: '2023-05-10', sentToPanelAndOfstedOn: '2023-04-27' });
}

/** The section of the record for one step, found by its heading (the step's label). */
function step(page: Page, label: string) {
  return page.getByRole('region', { name: label, exact: true });
}

/** Beside the full page, the record and the deadlines on their own, at a size that can be read. */
async function screenshotRecord(page: Page, name: string): Promise<void> {
  await page.locator('.app-steps').screenshot({ path: join(SCREENSHOTS, `${name}-record.png`) });
}

function londonTime(iso: string): string {
  const moment = new Date(iso);
  const date = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'Europe/London' }).format(moment);
  const time = new Intl.DateTimeFormat('en-GB', { hour: 'numeric', minute: '2-digit', hourCycle: 'h12', timeZone: 'Europe/London' })
    .format(moment)
    .replace(/\s/g, '')
    .toLowerCase();
  return `${date} at ${time === '12:00pm' ? 'midday' : time === '12:00am' ? 'midnight' : time}`;
}

test(
  "the Panel's and the Chair's rationales are each shown under their own step, with who recorded them and when",
  async () => {
    const id = await notifiedIncident();
    await recommended(id);

    // The Chair records the decision in the browser.
    const chair = await as('rotherham.independent-chair');
    await chair.goto(`/cases/${id}`);
    await chair.getByRole('heading', { level: 1, name: /^Case / }).waitFor();
    await chair.locator('a[href$="/events/DECIDE"]').click();
    await chair.locator('input[name="decision"][value="local-review"]').check();
    for (const [field, [day, month, year]] of [
      ['decidedOn', ['1', '11', '2022']],
      ['panelInformedOn', ['2', '11', '2022']],
    ] as const) {
      await chair.locator(`#field-${field}`).fill(day);
      await chair.locator(`#field-${field}-month`).fill(month);
      await chair.locator(`#field-${field}-year`).fill(year);
    }
    await chair.locator('[name="rationale"]').fill(DECIDE_RATIONALE);
    await continueAndSend(chair);
    await chair.getByRole('heading', { level: 1, name: /^Case / }).waitFor();
    await step(chair, "Record the Independent Chair Assurance Group's decision").waitFor();
    await checkPage(chair, 'case-record-decided');

    const businessUnit = await api('business-unit');
    const record = (await businessUnit.get(`/api/cases/${id}`)).body;
    const groups = record.steps.map((group: { type: string }) => group.type);
    expect(groups).toEqual(['CREATE', 'NOTIFIED', 'RECOMMEND', 'DECIDE']);

    // Read by the business unit, on a computer set to New Zealand time: times still read as London's.
    const context = await suite.context({ viewport: { width: 1200, height: 900 }, locale: 'en-GB', timezoneId: 'Pacific/Auckland' });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto('/');
    await page.getByLabel('Username').fill('rotherham.business-unit');
    await page.getByLabel('Password').fill('demo');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { level: 1, name: 'My cases' }).waitFor();
    await page.goto(`/cases/${id}`);
    await page.getByRole('heading', { level: 2, name: 'What has been recorded' }).waitFor();

    // The steps in the order they were first recorded, the start form first under the start's label.
    const headings = await page.locator('.app-step > h3').allTextContents();
    expect(headings).toEqual([
      'Record a serious incident',
      'Record the notifications',
      "Record the rapid review and the Panel's recommendation",
      "Record the Independent Chair Assurance Group's decision",
    ]);

    const incident = step(page, 'Record a serious incident');
    // Labels come from the form once it has loaded.
    await incident.getByText('Date the local authority became aware of the incident').waitFor();
    expect(await incident.textContent()).toContain('16 September 2022');
    expect(await incident.textContent()).toContain('Admitted to hospital with unexplained injuries.');

    // One field name, two steps: each shows its own label and value, and not the other's.
    const recommendation = step(page, "Record the rapid review and the Panel's recommendation");
    await recommendation.getByText('Rationale for the recommendation').waitFor();
    const recommendationText = (await recommendation.textContent()) ?? '';
    expect(recommendationText).toContain(RECOMMEND_RATIONALE);
    expect(recommendationText).not.toContain(DECIDE_RATIONALE);
    expect(recommendationText).toContain('Carry out a local child safeguarding practice review');
    expect(recommendationText).toContain('Recorded by rotherham.practice-review-panel on');

    const decision = step(page, "Record the Independent Chair Assurance Group's decision");
    const rationaleRow = decision.locator('.govuk-summary-list__row', { has: page.locator('dt', { hasText: /^Rationale$/ }) });
    expect(await rationaleRow.locator('dd').textContent()).toBe(DECIDE_RATIONALE);
    const decisionText = (await decision.textContent()) ?? '';
    expect(decisionText).not.toContain(RECOMMEND_RATIONALE);
    expect(decisionText).toContain('1 November 2022');
    expect(decisionText).toContain('Recorded by rotherham.independent-chair on');

    // When, in London time.
    for (const [label, type] of [
      ["Record the rapid review and the Panel's recommendation", 'RECOMMEND'],
      ["Record the Independent Chair Assurance Group's decision", 'DECIDE'],
    ] as const) {
      const at = record.steps.find((group: { type: string }) => group.type === type).entries[0].at as string;
      expect(await step(page, label).locator('.app-step__meta time').textContent()).toBe(londonTime(at));
      expect(await step(page, label).locator('.app-step__meta time').getAttribute('datetime')).toBe(at);
    }
    expect(errors).toEqual([]);
    await checkPage(page, 'case-record-recommend-and-decide');
    await screenshotRecord(page, 'case-record-recommend-and-decide');
  },
  FLOW_TIMEOUT,
);

test(
  'two actions and two communications are each listed with their authors, oldest first; nothing is overwritten',
  async () => {
    const id = await notifiedIncident();
    await recommended(id);
    const localAuthority = await api('local-authority');
    await send(localAuthority, id, 'COMMUNICATION_RECORDED', {
      communication: 'other-areas-notified',
      communicatedOn: '2022-10-20',
      communicationNote: 'Sheffield and Doncaster partners told by email.',
    });
    await toActionPlan(id);
    const businessUnit = await api('business-unit');
    await send(businessUnit, id, 'COMMUNICATION_RECORDED', { communication: 'family-told-decision', communicatedOn: '2022-11-04' });
    await send(businessUnit, id, 'ACTION_UPDATED', {
      action: 'Agree a protocol for transferring cases between areas.',
      owner: "RMBC Children's Services",
      due: '2023-09-30',
      status: 'in progress',
    });

    // The second action is recorded in the browser.
    const page = await as('rotherham.business-unit');
    await page.goto(`/cases/${id}`);
    await page.getByRole('heading', { level: 1, name: /^Case / }).waitFor();
    await page.locator('a[href$="/events/ACTION_UPDATED"]').click();
    await page.locator('[name="action"]').fill('Joint training on information sharing for health visitors.');
    await page.locator('[name="owner"]').fill('South Yorkshire ICB');
    await page.locator('#field-due').fill('31');
    await page.locator('#field-due-month').fill('12');
    await page.locator('#field-due-year').fill('2023');
    await page.locator('[name="status"]').fill('not started');
    await continueAndSend(page);
    await page.getByRole('heading', { level: 1, name: /^Case / }).waitFor();

    const actions = step(page, 'Add or update an action');
    await actions.getByText('2 entries, oldest first').waitFor();
    const actionCards = actions.locator('li.govuk-summary-card');
    expect(await actionCards.count()).toBe(2);
    await actionCards.nth(0).getByText('Owner').waitFor();
    expect(await actionCards.nth(0).locator('.govuk-summary-card__title').textContent()).toBe('Entry 1');
    const first = (await actionCards.nth(0).textContent()) ?? '';
    const second = (await actionCards.nth(1).textContent()) ?? '';
    expect(first).toContain('Agree a protocol for transferring cases between areas.');
    expect(first).toContain('30 September 2023');
    expect(first).toContain('Recorded by rotherham.business-unit on');
    expect(second).toContain('Joint training on information sharing for health visitors.');
    expect(second).toContain('South Yorkshire ICB');
    expect(second).toContain('31 December 2023');
    expect(second).toContain('Recorded by rotherham.business-unit on');
    expect(second).not.toContain('Agree a protocol');
    // The group that monitors the plan comes from the partnership's data on the day it was published (May 2023).
    await page.getByText('Give the action plan to the Quality, Performance and Learning Group to monitor').first().waitFor();

    const communications = step(page, 'Record a notification, letter or conversation');
    const communicationCards = communications.locator('li.govuk-summary-card');
    expect(await communicationCards.count()).toBe(2);
    const told = (await communicationCards.nth(0).textContent()) ?? '';
    expect(told).toContain("Other areas' safeguarding partners were told of the incident");
    expect(told).toContain('Sheffield and Doncaster partners told by email.');
    expect(told).toContain('Recorded by rotherham.local-authority on');
    const family = (await communicationCards.nth(1).textContent()) ?? '';
    expect(family).toContain('The family were told the decision and its rationale');
    expect(family).toContain('4 November 2022');
    expect(family).toContain('Recorded by rotherham.business-unit on');

    // Steps appear in the order of their first entry: the first communication came before the decision.
    const headings = await page.locator('.app-step > h3').allTextContents();
    expect(headings.indexOf('Record a notification, letter or conversation')).toBeLessThan(
      headings.indexOf("Record the Independent Chair Assurance Group's decision"),
    );
    expect(headings.at(-1)).toBe('Add or update an action');
    await checkPage(page, 'case-record-repeatable-steps');
    await screenshotRecord(page, 'case-record-repeatable-steps');
  },
  FLOW_TIMEOUT,
);

test(
  'a correction shows its reason and the old and new values, and the deadline it changed is tagged "Corrected"',
  async () => {
    const id = await notifiedIncident();
    const businessUnit = await api('business-unit');
    const definition = (await businessUnit.get('/api/partnerships/rotherham/processes/cspr')).body;
    const correction = definition.events.find((event: { type: string }) => event.type === 'CORRECT_DATES');
    expect(correction, 'the Rotherham CSPR has a correction event').toMatchObject({ label: 'Correct recorded dates', roles: ['business-unit'] });
    const form = (await businessUnit.get(`/api/partnerships/rotherham/forms/${correction.form}`)).body;
    expect(Object.keys(form.schema.properties)).toEqual(expect.arrayContaining(['reason', 'panelNotifiedOn']));

    const before = (await businessUnit.get(`/api/cases/${id}`)).body;
    expect(before.deadlines.find((deadline: { id: string }) => deadline.id === 'notify-national-panel')).toMatchObject({ met: false, corrected: false });

    // The business unit corrects the date in the browser: only the date entered changes.
    const reason = 'The Panel was notified on the 26th; the 27th was when its acknowledgement arrived.';
    const page = await as('rotherham.business-unit');
    await page.goto(`/cases/${id}`);
    await page.getByRole('heading', { level: 1, name: /^Case / }).waitFor();
    await page.locator('a[href$="/events/CORRECT_DATES"]').click();
    await page.locator('[name="reason"]').fill(reason);
    // The correction is asked on two pages: why, then the dates.
    await checkPage(page, 'case-record-correction-reason');
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByRole('heading', { level: 1, name: 'The corrected dates' }).waitFor();
    await page.locator('#field-panelNotifiedOn').fill('26');
    await page.locator('#field-panelNotifiedOn-month').fill('9');
    await page.locator('#field-panelNotifiedOn-year').fill('2022');
    await checkPage(page, 'case-record-correction-form');
    await continueAndSend(page);
    await page.getByRole('heading', { level: 1, name: /^Case / }).waitFor();
    await page.getByRole('heading', { level: 2, name: 'What has been recorded' }).waitFor();

    const after = (await businessUnit.get(`/api/cases/${id}`)).body;
    expect(after.deadlines.find((deadline: { id: string }) => deadline.id === 'notify-national-panel')).toMatchObject({ met: true, corrected: true });
    expect(after.data.panelNotifiedOn).toBe('2022-09-26');
    expect(after.history.at(-1)).toMatchObject({
      type: 'CORRECT_DATES',
      data: { reason, panelNotifiedOn: '2022-09-26' },
      changes: [{ field: 'panelNotifiedOn', from: '2022-09-27', to: '2022-09-26' }],
    });

    // The deadline: met now, and marked as changed by a correction; the one it did not change is not.
    const panelDeadline = page.locator('table tr', { hasText: 'Notify the National Panel' });
    expect(await panelDeadline.locator('.govuk-tag').allTextContents()).toEqual(['Met', 'Corrected']);
    const partnersDeadline = page.locator('table tr', { hasText: 'Tell the safeguarding partners' });
    expect(await partnersDeadline.locator('.govuk-tag').allTextContents()).toEqual(['Met']);

    // The notifications step keeps what was first recorded; the correction says what changed.
    const notified = step(page, 'Record the notifications');
    await notified.getByText('Date the National Panel was notified').waitFor();
    expect(await notified.textContent()).toContain('27 September 2022');

    const corrected = step(page, correction.label);
    await corrected.getByText(reason).waitFor();
    const change = corrected.locator('.app-change[data-field="panelNotifiedOn"]');
    expect(await change.locator('dt').textContent()).toBe('Date the National Panel was notified');
    expect(await change.locator('.app-change__from').textContent()).toBe('27 September 2022');
    expect(await change.locator('.app-change__to').textContent()).toBe('26 September 2022');
    // Seen as "old → new"; heard as "changed from old to new" (the arrow is hidden from screen readers).
    expect((await change.locator('dd').textContent())?.replace(/\s+/g, ' ').trim()).toBe('Changed from 27 September 2022 → to 26 September 2022');
    expect(await change.locator('[aria-hidden="true"]').textContent()).toBe(' → ');
    expect(await corrected.textContent()).toContain('Recorded by rotherham.business-unit on');

    // The history's entry for the correction says the same, under "What was recorded".
    const entry = page.locator('.app-timeline__item', { hasText: correction.label });
    await entry.locator('summary').click();
    expect(await entry.locator('.app-change__from').textContent()).toBe('27 September 2022');
    expect(await entry.locator('.app-change__to').textContent()).toBe('26 September 2022');
    await page.locator('table', { hasText: 'Deadline' }).screenshot({ path: join(SCREENSHOTS, 'case-record-correction-deadlines.png') });
    await entry.screenshot({ path: join(SCREENSHOTS, 'case-record-correction-history.png') });
    await checkPage(page, 'case-record-correction');
    await screenshotRecord(page, 'case-record-correction');
  },
  FLOW_TIMEOUT,
);
