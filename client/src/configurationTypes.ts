import type { ProcessId, StateId } from './apiTypes.ts';

/** The business unit's configuration API (`/api/partnerships/:p/configuration/…`), as the client reads it. */

export interface VersionSummary {
  version: number;
  createdAt: string;
  /** Read from the files at a start of the server, or published here. */
  origin: 'files' | 'upload';
  publishedBy: string | null;
  cases: number;
  running: number;
}

export interface ConfiguredProcess {
  id: ProcessId;
  title: string;
  newestVersion: number;
  /** The template the process file extends, if any. */
  template: string | null;
  versions: VersionSummary[];
}

export interface DifferenceSection {
  title: string;
  /** Each starts `+ ` (added), `- ` (removed) or `~ ` (changed). */
  lines: string[];
}

export interface Difference {
  from: string;
  to: string;
  count: number;
  sections: DifferenceSection[];
}

export interface ScenarioOutcome {
  file: string;
  process: ProcessId | null;
  scenario: string | null;
  passed: boolean;
  skipped: number;
  failure: { step: number; what: string; expected: string; actual: string; problems: string[] } | null;
}

export interface AffectedCases {
  onNewest: number;
  states: { id: StateId; label: string; count: number; inNewVersion: boolean }[];
  onOlderVersions: number;
}

export interface CheckResult {
  process: ProcessId;
  basedOn: number;
  wouldBe: number;
  hash: string;
  difference: Difference;
  scenarios: ScenarioOutcome[];
  affected: AffectedCases;
}

export interface Published {
  process: ProcessId;
  version: number;
  createdAt: string;
  publishedBy: string;
}

/** A problem with the uploaded file (`process_invalid` details). */
export interface FileProblem {
  file: string;
  line: number;
  message: string;
}
