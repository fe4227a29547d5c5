import { defineConfig } from 'vitest/config';

/**
 * The tests Stryker runs against each mutant (stryker.config.mjs). Only the SQLite side and no
 * browser tests: those need the built client and Chromium and take seconds each, which multiplied
 * by thousands of mutants is hours. No global setup either: the client that `npm ci` built is copied
 * into the sandbox (the headers tests read its page), and no PostgreSQL cluster is needed here.
 *
 * MUTATE_TESTS narrows the files (comma-separated globs) when only one folder is mutated, e.g. the
 * engine's own fast tests for server/engine; without it every non-browser test file runs, and
 * Stryker's per-test coverage still runs only the tests that reach each mutant.
 */
const EVERY_TEST_FILE = ['tests/**/*.test.ts'];
/** Browser tests (two of them live with the security tests), and the two that need PostgreSQL. */
const NEVER = ['tests/browser/**', 'tests/security/drafts.test.ts', 'tests/security/styles-under-csp.test.ts', 'tests/security/postgres-backup.test.ts', 'tests/http/several-servers.test.ts'];

const chosen = process.env.MUTATE_TESTS?.split(',').map((glob) => glob.trim()).filter(Boolean);

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    include: chosen?.length ? chosen : EVERY_TEST_FILE,
    exclude: NEVER,
  },
});
