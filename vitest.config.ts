import { defineConfig } from 'vitest/config';

/**
 * Every test file that touches storage runs twice: against SQLite (project `sqlite`, with all the
 * other files) and against PostgreSQL (project `postgres`, TEST_DATABASE=postgres), which
 * tests/support/postgres-setup.ts finds or starts, or fails saying how to get one. The rest (the
 * engine, the configuration, the client, the browser) store nothing and run once.
 */
const STORAGE_TESTS = ['tests/http/**/*.test.ts', 'tests/security/**/*.test.ts', 'tests/crash/**/*.test.ts', 'tests/store/storage.test.ts', 'tests/store/chain-per-case.test.ts', 'tests/store/case-lists.test.ts', 'tests/store/process-versions.test.ts', 'tests/store/reports.test.ts'];
/** Each database's own backup: SQLite's `npm run backup`, PostgreSQL's `pg_dump` (README, "Backup and restore"). */
const SQLITE_ONLY = ['tests/security/backup.test.ts'];
/** The same for PostgreSQL, and several servers on one database, which only PostgreSQL allows. */
const POSTGRES_ONLY = ['tests/security/postgres-backup.test.ts', 'tests/http/several-servers.test.ts', 'tests/crash/two-servers.test.ts'];

export default defineConfig({
  test: {
    // Every server test owns its database and port; files run in parallel on the 2 cores.
    testTimeout: 30_000,
    // The JSON report lets .ci/run print a plain "N passed, N failed" line.
    reporters: ['default', ['json', { outputFile: 'test-results/vitest.json' }]],
    hookTimeout: 60_000,
    projects: [
      // The browser tests run here; the client is built once, before any of them (tests/support/client-build.ts).
      { extends: true, test: { name: 'sqlite', include: ['tests/**/*.test.ts', 'tests/**/*.test.tsx'], exclude: POSTGRES_ONLY, globalSetup: ['tests/support/client-build.ts'] } },
      {
        extends: true,
        test: { name: 'postgres', include: STORAGE_TESTS, exclude: SQLITE_ONLY, env: { TEST_DATABASE: 'postgres' }, globalSetup: ['tests/support/postgres-setup.ts'] },
      },
    ],
  },
});
