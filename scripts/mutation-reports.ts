/**
 * Reading Stryker's JSON reports (reports/mutation/*.json), shared by scripts/mutation-scores.ts and
 * scripts/mutation-survivors.ts. A folder measured a part at a time has one report per part, so reports
 * are merged by file, a file in more than one counted from the last one named: by default every report,
 * oldest first, as `npm run mutate` records when each was made (MEASURED_FILE), so a part measured after
 * its whole folder counts over it.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const REPORTS_DIR = 'reports/mutation';
/** When each report was made, by its name (`cases`, `store.references.ts`): file times do not survive a clone. */
const MEASURED_FILE = join(REPORTS_DIR, 'measured.json');

function measured(): Record<string, string> {
  return existsSync(MEASURED_FILE) ? (JSON.parse(readFileSync(MEASURED_FILE, 'utf8')) as Record<string, string>) : {};
}

/** Records that the report `name` was made now (scripts/mutate.ts, after each run). */
export function recordMeasured(name: string, at = new Date().toISOString()): void {
  const all = { ...measured(), [name]: at };
  writeFileSync(MEASURED_FILE, `${JSON.stringify(Object.fromEntries(Object.entries(all).sort(([a], [b]) => a.localeCompare(b))), null, 2)}\n`);
}

/** Every report, oldest first (one with no record first of all, by name). */
export function reportsOldestFirst(): string[] {
  const when = measured();
  const names = readdirSync(REPORTS_DIR).filter((file) => file.endsWith('.json') && join(REPORTS_DIR, file) !== MEASURED_FILE).map((file) => file.slice(0, -'.json'.length));
  return names.sort((a, b) => (when[a] ?? '').localeCompare(when[b] ?? '') || a.localeCompare(b)).map((name) => join(REPORTS_DIR, `${name}.json`));
}

/** The part of the mutation-testing-report-schema these scripts read. */
export interface Mutant {
  mutatorName: string;
  replacement: string;
  status: string;
  location: { start: { line: number; column: number }; end: { line: number; column: number } };
}
export interface MutationReport {
  files: Record<string, { source: string; mutants: Mutant[] }>;
}

/** Caught, as Stryker counts it. */
export const DETECTED = new Set(['Killed', 'Timeout']);
/** Missed: survived, or reached by no test. */
export const UNDETECTED = new Set(['Survived', 'NoCoverage']);

export function readReports(paths: readonly string[]): MutationReport {
  const report: MutationReport = { files: {} };
  for (const path of paths) Object.assign(report.files, (JSON.parse(readFileSync(resolve(path), 'utf8')) as MutationReport).files);
  return report;
}
