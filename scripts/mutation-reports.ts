/**
 * Reading Stryker's JSON reports (reports/mutation/*.json), shared by scripts/mutation-scores.ts and
 * scripts/mutation-survivors.ts. A folder measured a part at a time has one report per part, so reports
 * are merged by file, a file in more than one counted from the last one named.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

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
