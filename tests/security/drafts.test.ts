/**
 * Drafts of unsent forms hold case details, so they last only as long as the session: signing out,
 * the session ending on the server (any request then answers 401), or another person signing in
 * on the same browser removes them from localStorage. In Chromium against a real server.
 */
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { draftHolding, draftNames, signedIn, startHarness, type Harness } from '../browser/browser.ts';

let harness: Harness;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  harness = await startHarness();
}, 180_000);

afterAll(async () => {
  for (const context of contexts) await context.close();
  await harness?.close();
});

async function as(username: string): Promise<{ context: BrowserContext; page: Page }> {
  const signed = await signedIn(harness, username);
  contexts.push(signed.context);
  return signed;
}

/** Starts a dispute and types a summary, until the draft of it is saved. */
async function typeDraft(page: Page, summary: string): Promise<void> {
  await page.getByRole('link', { name: 'Start a case' }).click();
  await page.getByLabel('Dispute between statutory partners').check();
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.locator('[name="summary"]').fill(summary);
  await draftHolding(page, summary);
}

/** Waits (10 s at most) until no draft is left in the page's localStorage; then names any that are. */
async function noDraftsLeft(page: Page): Promise<void> {
  await page.waitForFunction(() => !Object.keys(window.localStorage).some((name) => name.startsWith('draft:')), undefined, { timeout: 10_000 }).catch(() => undefined);
  expect(await draftNames(page)).toEqual([]);
}

test('signing out removes the drafts', async () => {
  const { page } = await as('merton.statutory-partner');
  await typeDraft(page, 'A disagreement about the MASH referral for child A');
  expect(await draftNames(page)).toEqual([expect.stringMatching(/^draft:merton\.statutory-partner:/)]);
  await page.getByRole('button', { name: /Sign out/ }).click();
  await page.getByRole('button', { name: 'Sign in' }).waitFor();
  await noDraftsLeft(page);
});

test('a session that has ended on the server removes the drafts at the next request (its 401)', async () => {
  const { context, page } = await as('merton.statutory-partner');
  await typeDraft(page, 'Details that must not outlive the session');
  // The session ends behind the page's back, as at expiry: the same cookie, signed out over the API.
  const session = await context.request.get('/api/session');
  const out = await context.request.delete('/api/session', { headers: { 'X-CSRF-Token': (await session.json()).csrfToken as string } });
  expect(out.status()).toBe(204);
  expect(await draftNames(page)).toHaveLength(1);
  // Continuing is the next request: the server's rules are asked about the answers at the question.
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.getByRole('button', { name: 'Sign in' }).waitFor();
  await noDraftsLeft(page);
});

test("another person's sign-in on the same browser removes the first person's drafts, and every tab follows", async () => {
  const { context, page: first } = await as('merton.statutory-partner');
  await typeDraft(first, 'Written by the first person');
  // Someone else signs in on this browser (its cookie is sent, so the first session is replaced)...
  const other = await context.request.post('/api/session', { data: { username: 'merton.business-unit', password: 'demo' } });
  expect(other.status()).toBe(200);
  // ...and opens the service in a new tab.
  const second = await context.newPage();
  await second.goto('/');
  await second.locator('.app-signed-in strong', { hasText: 'merton.business-unit' }).waitFor();
  await noDraftsLeft(second);
  // The first tab follows: it shows the second person, from the start, and the form with its answers is gone.
  await first.locator('.app-signed-in strong', { hasText: 'merton.business-unit' }).waitFor();
  await first.getByRole('heading', { level: 1, name: 'My cases' }).waitFor();
  expect(await first.locator('[name="summary"]').count()).toBe(0);
  expect(await draftNames(first)).toEqual([]);
});
