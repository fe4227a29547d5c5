/**
 * `npm run mutate [-- folder-or-part…]`: StrykerJS over the folders of server/ the README's mutation table
 * lists (all five when none is named), one run per folder or part of one, each against the tests listed
 * for its folder below. Each run keeps its own report (reports/mutation/<name>.html and .json, read by
 * scripts/mutation-scores.ts) and its own incremental file, so a rerun tests only the mutants whose code or
 * tests changed. Everything else is stryker.config.mjs's.
 */
import { existsSync, statSync } from 'node:fs';
import { Stryker } from '@stryker-mutator/core';
import { recordMeasured } from './mutation-reports.ts';

/** Test files under tests/http/ and tests/security/, by name: each starts a server, so each folder takes only those that reach it. */
const http = (...names: string[]) => names.map((name) => `tests/http/${name}.test.ts`);
const security = (...names: string[]) => names.map((name) => `tests/security/${name}.test.ts`);

/**
 * The tests each folder is mutated against (globs, as vitest.stryker.config.ts's MUTATE_TESTS): its own
 * direct tests and, for the folders only the HTTP server reaches, a few fast HTTP files. Not every HTTP
 * file: a mutant on the path every request takes is covered by every test, and each mutant that survives
 * reruns all of them, server start-ups included, which made a folder a run of many hours. Never the
 * CLI tests or scripts run by runScript: those are child processes, where no mutant is switched on.
 */
const TESTS_OF: Record<string, readonly string[]> = {
  engine: ['tests/engine/**/*.test.ts', 'tests/clock.test.ts'],
  auth: ['tests/auth/**/*.test.ts'],
  http: [
    ...http('errors', 'cases-list', 'history-record', 'dry-run', 'form-choices', 'several-roles', 'escalation-log-paging', 'openapi', 'request-edges', 'definitions'),
    ...http('reports', 'annual-report', 'notifications', 'configuration', 'process-versions'),
    ...security('bad-input', 'csrf', 'headers-and-logs', 'utf8-bodies'),
  ],
  store: ['tests/store/**/*.test.ts', 'tests/auth/login-throttle.test.ts', ...security('backup', 'history-hash-fields')],
  cases: ['tests/cases/**/*.test.ts', 'tests/scenarios/**/*.test.ts', ...http('configuration')],
};

/**
 * Left out of a folder's mutants: server/store/postgres.ts runs only against PostgreSQL, which the
 * mutation runs do not start (vitest.stryker.config.ts), so every mutant in it would count as untested.
 */
const NOT_MUTATED: Record<string, readonly string[]> = { store: ['server/store/postgres.ts'] };

/**
 * What one argument asks for: a folder (`store`), or part of one (`store/references.ts`, `store/migrations`),
 * which keeps its own report and incremental file, so a folder too slow for one sitting is measured a part
 * at a time (scripts/mutation-scores.ts counts each file from the last report that holds it).
 */
interface Target {
  folder: string;
  mutate: string[];
  name: string;
}

function targetOf(asked: string): Target | string {
  const argument = asked.replace(/\/$/, '');
  const [folder, ...rest] = argument.split('/');
  if (folder === undefined || !(folder in TESTS_OF)) return `No folder "${folder}" to mutate; the folders are ${Object.keys(TESTS_OF).join(', ')}.`;
  const part = rest.join('/');
  const within = `server/${argument}`;
  if (part !== '' && !existsSync(within)) return `There is no ${within} to mutate.`;
  const mutate = part === '' || statSync(within).isDirectory() ? [`${within}/**/*.ts`] : [within];
  return { folder, mutate: [...mutate, ...(NOT_MUTATED[folder] ?? []).map((file) => `!${file}`)], name: argument.replaceAll('/', '.') };
}

const targets = (process.argv.length > 2 ? process.argv.slice(2) : Object.keys(TESTS_OF)).map(targetOf);
const problems = targets.filter((target): target is string => typeof target === 'string');
if (problems.length > 0) {
  console.error(problems.join('\n'));
  process.exit(2);
}

for (const { folder, mutate, name } of targets as Target[]) {
  // Read by vitest.stryker.config.ts in each test runner Stryker starts, which inherit this environment.
  process.env.MUTATE_TESTS = TESTS_OF[folder]!.join(',');
  console.log(`mutating ${mutate.join(' ')} against ${process.env.MUTATE_TESTS}`);
  await new Stryker({
    mutate,
    incrementalFile: `reports/incremental/${name}.json`,
    htmlReporter: { fileName: `reports/mutation/${name}.html` },
    jsonReporter: { fileName: `reports/mutation/${name}.json` },
  }).runMutationTest();
  recordMeasured(name);
}
