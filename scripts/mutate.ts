/**
 * `npm run mutate [-- folder…]`: StrykerJS over the folders of server/ the README's mutation table
 * lists (all five when none is named), one run per folder, each against the tests that exercise it:
 * every test file reaches the store through the HTTP server, so letting each mutant of the engine run
 * the HTTP suites too would make a run of hours without catching more. Each folder keeps its own
 * report (reports/mutation/<folder>.html and .json, read by scripts/mutation-scores.ts) and its own
 * incremental file, so a rerun of one folder tests only the mutants whose code or tests changed.
 * Everything else is stryker.config.mjs's.
 */
import { Stryker } from '@stryker-mutator/core';

const SECURITY = 'tests/security/**/*.test.ts';
const HTTP = 'tests/http/**/*.test.ts';

/** The tests each folder is mutated against (globs, as vitest.stryker.config.ts's MUTATE_TESTS). */
const TESTS_OF: Record<string, readonly string[]> = {
  engine: ['tests/engine/**/*.test.ts', 'tests/clock.test.ts'],
  auth: ['tests/auth/**/*.test.ts'],
  http: [SECURITY, HTTP],
  store: ['tests/store/**/*.test.ts', 'tests/cli/**/*.test.ts', SECURITY, HTTP],
  cases: ['tests/cases/**/*.test.ts', 'tests/scenarios/**/*.test.ts', HTTP, SECURITY],
};

const asked = process.argv.slice(2);
const unknown = asked.filter((folder) => !(folder in TESTS_OF));
if (unknown.length > 0) {
  console.error(`No folder ${unknown.map((f) => `"${f}"`).join(', ')} to mutate; the folders are ${Object.keys(TESTS_OF).join(', ')}.`);
  process.exit(2);
}

for (const folder of asked.length > 0 ? asked : Object.keys(TESTS_OF)) {
  // Read by vitest.stryker.config.ts in each test runner Stryker starts, which inherit this environment.
  process.env.MUTATE_TESTS = TESTS_OF[folder]!.join(',');
  console.log(`mutating server/${folder} against ${process.env.MUTATE_TESTS}`);
  await new Stryker({
    mutate: [`server/${folder}/**/*.ts`],
    incrementalFile: `reports/incremental/${folder}.json`,
    htmlReporter: { fileName: `reports/mutation/${folder}.html` },
    jsonReporter: { fileName: `reports/mutation/${folder}.json` },
  }).runMutationTest();
}
