/**
 * What every browser test needs: the client built (once, before the files run), a real server on a free port with its own
 * SQLite file, a Chromium (see launchChromium), signing in, and the checks each page gets (axe, a screenshot).
 */
import AxeBuilder from '@axe-core/playwright';
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { chromium, type Browser, type BrowserContext, type LaunchOptions, type Page } from 'playwright-core';
import { afterAll, beforeAll, expect } from 'vitest';
import { startServer, type ServerOptions } from '../../server/main.ts';
import { DIST_INDEX } from '../support/client-build.ts';

/** Debian's Chromium (`apt-get install chromium`), used when it is installed. */
export const SYSTEM_CHROMIUM = '/usr/bin/chromium';
/** `CHROMIUM_PATH=bundled` skips the system's Chromium and uses the one in the @sparticuz/chromium devDependency. */
export const BUNDLED = 'bundled';
const ROOT = resolve(import.meta.dirname, '../..');
export const SCREENSHOTS = join(ROOT, 'test-results', 'screenshots');
// The machine's network is closed: without these Chromium keeps trying to reach Google's hosts.
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** The client is built once before any file runs (tests/support/client-build.ts, vitest's global setup). */
function requireClientBuilt(): void {
  if (!existsSync(DIST_INDEX)) throw new Error(`${DIST_INDEX} is missing: run the browser tests through vitest (its global setup builds the client), or npm run build`);
}

type Executable = Pick<LaunchOptions, 'executablePath' | 'env'>;

/**
 * The Chromium that @sparticuz/chromium ships compressed in node_modules (chrome-headless-shell, with
 * the NSS libraries it links against), unpacked once per package version into
 * node_modules/.cache/sparticuz-chromium/<version>. The package would unpack into /tmp/chromium, which
 * it reuses whatever version is there and which a second test worker could launch half written; so it
 * unpacks in a child process whose TMPDIR is a fresh directory, renamed into place only when complete.
 */
async function bundledChromium(): Promise<Executable> {
  let packageDir: string;
  try {
    packageDir = dirname(dirname(dirname(createRequire(import.meta.url).resolve('@sparticuz/chromium'))));
  } catch {
    throw new Error('the npm package @sparticuz/chromium is not installed');
  }
  const { version } = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as { version: string };
  const cache = join(ROOT, 'node_modules', '.cache', 'sparticuz-chromium');
  const dir = join(cache, version);
  if (!existsSync(join(dir, 'chromium'))) {
    mkdirSync(cache, { recursive: true });
    const staging = mkdtempSync(join(cache, `.${version}-`));
    try {
      // AWS_EXECUTION_ENV makes the package unpack its NSS libraries (al2023/lib) too, for machines without libnss3.
      const script = "const { default: c } = await import('@sparticuz/chromium'); process.stdout.write(await c.executablePath());";
      await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], {
        cwd: ROOT,
        env: { ...process.env, TMPDIR: staging, AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs20.x' },
      });
      try {
        renameSync(staging, dir);
      } catch (error) {
        if (!existsSync(join(dir, 'chromium'))) throw error; // else another worker finished first
      }
    } finally {
      rmSync(staging, { recursive: true, force: true });
    }
  }
  const libraries = [join(dir, 'al2023', 'lib'), process.env.LD_LIBRARY_PATH].filter(Boolean).join(':');
  return { executablePath: join(dir, 'chromium'), env: { ...process.env, LD_LIBRARY_PATH: libraries } };
}

interface Candidate {
  what: string;
  find(): Promise<Executable>;
}

const bundledCandidate: Candidate = {
  what: 'the Chromium in the npm package @sparticuz/chromium (devDependency)',
  find: bundledChromium,
};

function candidates(): Candidate[] {
  const wanted = process.env.CHROMIUM_PATH?.trim();
  if (wanted === BUNDLED) return [bundledCandidate];
  if (wanted) {
    return [{
      what: `CHROMIUM_PATH=${wanted}`,
      async find() {
        if (!existsSync(wanted)) throw new Error('no such file');
        return { executablePath: wanted };
      },
    }];
  }
  return [
    {
      what: `Debian's Chromium at ${SYSTEM_CHROMIUM}`,
      async find() {
        if (!existsSync(SYSTEM_CHROMIUM)) throw new Error('not installed');
        return { executablePath: SYSTEM_CHROMIUM };
      },
    },
    bundledCandidate,
  ];
}

/** An error's first line, and what the browser itself printed on stderr before it died (Playwright's "Browser logs"). */
function whyNot(error: unknown): string {
  const lines = (error instanceof Error ? error.message : String(error)).split('\n');
  const callLog = lines.indexOf('Call log:');
  const logs = lines.slice(1, callLog === -1 ? undefined : callLog).filter((line) => line.includes('[err]')).map((line) => line.replace(/^\[pid=\d+\]\[err\] /, ''));
  return [lines[0], ...logs.slice(0, 5)].join(' / ');
}

/**
 * Launches the first Chromium that starts: CHROMIUM_PATH when set (a path, or `bundled`), otherwise
 * /usr/bin/chromium, then the one in @sparticuz/chromium. When none starts the browser tests fail,
 * never skip, saying what was tried: a machine without a browser cannot vouch for the client.
 */
async function launchChromium(): Promise<Browser> {
  const tried: string[] = [];
  for (const candidate of candidates()) {
    try {
      const executable = await candidate.find();
      const browser = await chromium.launch({ ...executable, args: CHROMIUM_ARGS });
      console.info(`browser tests: Chromium ${browser.version()}, ${candidate.what} (${executable.executablePath})${tried.length ? `; not ${tried.join('; ')}` : ''}`);
      return browser;
    } catch (error) {
      tried.push(`${candidate.what}: ${whyNot(error)}`);
    }
  }
  throw new Error(
    `No Chromium could be started for the browser tests. Tried:\n${tried.map((line) => `- ${line}`).join('\n')}\n` +
      'To fix: run `npm install` (it installs @sparticuz/chromium), or `apt-get install chromium`, ' +
      `or set CHROMIUM_PATH to a Chromium executable (or to "${BUNDLED}" for the npm package's).`,
  );
}

export interface Harness {
  url: string;
  browser: Browser;
  close(): Promise<void>;
}

/** `now` fixes the server's "today" (WORKFLOW_NOW), for pages that show deadlines. */
export async function startHarness(now?: string, more: Partial<ServerOptions> = {}): Promise<Harness> {
  const browser = await launchChromium();
  try {
    requireClientBuilt();
    mkdirSync(SCREENSHOTS, { recursive: true });
    const dir = mkdtempSync(join(tmpdir(), 'browser-test-'));
    const server = await startServer({ port: 0, databaseUrl: `sqlite:${join(dir, 'db.sqlite')}`, demo: true, now, ...more });
    return {
      url: server.url,
      browser,
      async close() {
        await browser.close();
        await server.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await browser.close();
    throw error;
  }
}

/**
 * What every browser test file shares: one server and Chromium for the file, started before its tests
 * (`now` and `more` as `startHarness` takes them) and closed after them with every browser context the
 * file opened through it. `as(username)` is a page signed in as a demo user.
 */
export function browserSuite(now?: string, more: Partial<ServerOptions> | (() => Partial<ServerOptions>) = {}) {
  let started: Harness | undefined;
  const contexts: BrowserContext[] = [];
  beforeAll(async () => {
    started = await startHarness(now, typeof more === 'function' ? more() : more);
  }, 180_000);
  afterAll(async () => {
    for (const context of contexts) await context.close();
    await started?.close();
  });
  const suite = {
    get harness(): Harness {
      if (started === undefined) throw new Error('the browser suite starts in beforeAll');
      return started;
    },
    /** A browser profile of the file's, closed with the others. */
    async context(options: Parameters<Browser['newContext']>[0] = {}): Promise<BrowserContext> {
      const context = await suite.harness.browser.newContext({ baseURL: suite.harness.url, ...options });
      contexts.push(context);
      return context;
    },
    async signedIn(username: string): Promise<{ context: BrowserContext; page: Page }> {
      const session = await signedIn(suite.harness, username);
      contexts.push(session.context);
      return session;
    },
    as: async (username: string): Promise<Page> => (await suite.signedIn(username)).page,
  };
  return suite;
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

/** No accessibility violation of any impact on the page as it is now. */
export async function expectAccessible(page: Page, what: string): Promise<void> {
  const results = await new AxeBuilder({ page }).analyze();
  // Every impact, minor included: a "minor" violation still stops someone using the page.
  const bad = results.violations.map((violation) => `${violation.id} (${violation.impact}): ${violation.help} at ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`);
  expect(bad, `axe on ${what}`).toEqual([]);
}

/** Checks the page with axe and keeps a full-page screenshot of it under test-results/screenshots. */
export async function checkPage(page: Page, name: string): Promise<void> {
  expect(pageErrors.get(page) ?? [], `uncaught errors in the page before ${name}`).toEqual([]);
  await expectAccessible(page, name);
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

/** The names of the drafts of unsent forms in the page's localStorage. */
export function draftNames(page: Page): Promise<string[]> {
  return page.evaluate(() => Object.keys(window.localStorage).filter((name) => name.startsWith('draft:')));
}

/** Waits until a draft in the page's localStorage holds `text`: the form's save, a little behind the typing, has run. */
export async function draftHolding(page: Page, text: string): Promise<void> {
  await page.waitForFunction(
    (wanted) => Object.keys(window.localStorage).some((name) => name.startsWith('draft:') && (window.localStorage.getItem(name) ?? '').includes(wanted)),
    text,
  );
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
