// @ts-check
/**
 * Mutation testing (`npm run mutate`, README "Mutation testing"). Slow, so not part of `npm test`.
 * One folder at a time: `npm run mutate -- --mutate 'server/engine/**\/*.ts'`.
 * @type {import('@stryker-mutator/api/core').PartialStrykerOptions}
 */
export default {
  testRunner: 'vitest',
  // Not vitest's `related`: the HTTP tests import the whole server, so every file is related to
  // nearly every test. MUTATE_TESTS (vitest.stryker.config.ts) narrows the tests instead.
  vitest: { configFile: 'vitest.stryker.config.ts', related: false },
  mutate: ['server/engine/**/*.ts', 'server/store/**/*.ts', 'server/cases/**/*.ts', 'server/auth/**/*.ts', 'server/http/**/*.ts'],
  // Each mutant runs only the tests that reached it in the first, unmutated run.
  coverageAnalysis: 'perTest',
  // A static mutant (in code run once, when a module loads: a table, a schema, a pattern) can only be
  // tested by reloading every test file, about 8 s each; in server/engine they were 42 % of the mutants
  // and 97 % of the time. They are left out and counted in the README's table as "static, not run".
  ignoreStatic: true,
  // A rerun tests only mutants in code or tests changed since the kept result.
  incremental: true,
  incrementalFile: 'reports/incremental/all.json',
  reporters: ['html', 'json', 'clear-text', 'progress'],
  htmlReporter: { fileName: 'reports/mutation/mutation.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  // The machine's two cores are shared; more runners only queue.
  concurrency: 2,
  // Beyond the test's own time: a mutant that loops forever (a working-day count that never ends) is
  // a timeout, which counts as caught; longer waits only slow the run on a shared machine.
  timeoutMS: 10_000,
  // The first, unmutated run of every test a folder uses: server/store's (the HTTP, security, store and CLI
  // suites) took more than Stryker's default 5 minutes on this machine.
  dryRunTimeoutMinutes: 30,
  // The sandbox is a copy of the repository: leave out what tests neither read nor need (the built
  // client stays: the headers tests read its page).
  ignorePatterns: ['node_modules', '.stryker-tmp', 'test-results', 'data', 'reports', 'bench', '*.sqlite-journal', '*.sqlite-wal', '*.sqlite-shm'],
  tempDirName: '.stryker-tmp',
  // Stryker would rewrite tsconfig.json's paths in the sandbox with the TypeScript compiler's JS
  // API, which TypeScript 7 (the native compiler this repository uses) no longer has. The sandbox
  // sits inside the repository, so no path needs rewriting: pointing at no file skips the step.
  tsconfigFile: 'no-tsconfig-rewrite.json',
  cleanTempDir: 'always',
};
