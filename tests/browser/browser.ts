/**
 * What every browser test needs: a freshly built client, a real server on a free port with its own
 * SQLite file, Debian's Chromium, signing in, and the checks each page gets (axe, a screenshot).
 */
import AxeBuilder from '@axe-core/playwright';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { build } from 'vite';
import { expect } from 'vitest';
import { startServer } from '../../server/main.ts';

export const CHROMIUM = '/usr/bin/chromium';
const ROOT = resolve(import.meta.dirname, '../..');
const CLIENT = join(ROOT, 'client');
const DIST_INDEX = join(CLIENT, 'dist', 'index.html');
export const SCREENSHOTS = join(ROOT, 'test-results', 'screenshots');

function newestChange(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(stat.mtimeMs, ...readdirSync(path).map((name) => newestChange(join(path, name))));
}

/** Builds client/dist when it is missing or older than the client's sources, so the tests see the code as it is. */
async function ensureClientBuilt(): Promise<void> {
  const sources = Math.max(newestChange(join(CLIENT, 'src')), newestChange(join(CLIENT, 'index.html')), newestChange(join(CLIENT, 'vite.config.ts')));
  if (existsSync(DIST_INDEX) && statSync(DIST_INDEX).mtimeMs >= sources) return;
  await build({ configFile: join(CLIENT, 'vite.config.ts'), logLevel: 'error' });
}

export interface Harness {
  url: string;
  browser: Browser;
  close(): Promise<void>;
}

/** `now` fixes the server's "today" (WORKFLOW_NOW), for pages that show deadlines. */
export async function startHarness(now?: string): Promise<Harness> {
  // Fail, never skip: a machine without the browser cannot vouch for the client.
  expect(existsSync(CHROMIUM), `${CHROMIUM} is missing: install Debian's chromium package to run the browser tests`).toBe(true);
  await ensureClientBuilt();
  mkdirSync(SCREENSHOTS, { recursive: true });
  const dir = mkdtempSync(join(tmpdir(), 'browser-test-'));
  const server = await startServer({ port: 0, databaseUrl: `sqlite:${join(dir, 'db.sqlite')}`, demo: true, now });
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  return {
    url: server.url,
    browser,
    async close() {
      await browser.close();
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A browser profile of its own (cookies, localStorage) signed in as a demo user. */
export async function signedIn(harness: Harness, username: string): Promise<{ context: BrowserContext; page: Page }> {
  const context = await harness.browser.newContext({ baseURL: harness.url, viewport: { width: 1200, height: 900 }, locale: 'en-GB', timezoneId: 'Europe/London' });
  const page = await context.newPage();
  const errors: string[] = [];
  pageErrors.set(page, errors);
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto('/');
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill('demo');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { level: 1, name: 'My cases' }).waitFor();
  return { context, page };
}

const pageErrors = new WeakMap<Page, string[]>();

/** No serious or critical accessibility violations on the page as it is now. */
export async function expectAccessible(page: Page, what: string): Promise<void> {
  const results = await new AxeBuilder({ page }).analyze();
  const bad = results.violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map((violation) => `${violation.id} (${violation.impact}): ${violation.help} at ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`);
  expect(bad, `axe on ${what}`).toEqual([]);
}

/** Checks the page with axe and keeps a full-page screenshot of it under test-results/screenshots. */
export async function checkPage(page: Page, name: string): Promise<void> {
  expect(pageErrors.get(page) ?? [], `uncaught errors in the page before ${name}`).toEqual([]);
  await expectAccessible(page, name);
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

/**
 * Moves past "Check your answers" when it shows. Answers the form's own validator refuses never reach
 * it; what only the server can judge (a guard on the case) comes back as a 422 after it.
 */
export async function continueAndSend(page: Page, send = 'Send'): Promise<void> {
  await page.getByRole('button', { name: 'Continue' }).click();
  // Either the check page, or the error summary taking focus for this attempt.
  await page.waitForFunction(
    () => document.activeElement?.matches('.govuk-error-summary') || document.querySelector('h1')?.textContent === 'Check your answers',
  );
  if (await page.getByRole('heading', { level: 1, name: 'Check your answers' }).isVisible()) {
    await page.getByRole('button', { name: send }).click();
  }
}
