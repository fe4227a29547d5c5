/**
 * The business unit's configuration (issue 10, point 5): the versions of each process and the cases
 * on them, the difference between versions, the partnership's scenarios, and publishing a changed
 * process file while the server runs. An upload is checked by loading the whole configuration with
 * that one file replaced (and with the files published earlier that the disk does not have yet), so
 * it is checked, compared and simulated exactly where it would run; nothing is stored until it is
 * published, and then only as the next immutable version.
 */
import { join, relative } from 'node:path';
import { parse, stringify } from 'yaml';
import type { Clock } from '../clock.ts';
import { difference, type Compared, type Section } from '../config/compare.ts';
import { processFileProblems } from '../config/file-format.ts';
import { loadCatalogue, type LoadResult } from '../config/index.ts';
import { runScenarioFile, scenarioFiles, scenarioReader, type Row } from '../config/scenarios.ts';
import { EXTENDS_KEY } from '../config/variants.ts';
import {
  contentHash,
  processVersion,
  versionContent,
  withVersions,
  type Catalogue,
  type CompiledPartnership,
  type CompiledProcess,
  type ProcessVersion,
  type VersionContent,
} from '../engine/catalogue.ts';
import { ForbiddenError, NotFoundError, ProcessRejectedError } from '../engine/errors.ts';
import { countReadableByStateAndVersion, publishedSources, publishVersion, readVersionSource } from '../store/process-versions.ts';
import type { Database } from '../store/database.ts';
import { calendarRunningOut } from '../engine/dates/index.ts';
import { readableCasesSql } from './access.ts';
import type { CaseService, User } from './service.ts';

/** Whether this person may see and change their partnership's configuration: a role of theirs says `configures: true`. */
export function mayConfigure(partnership: CompiledPartnership, user: User): boolean {
  return user.partnership === partnership.def.id && partnership.def.roles.some((r) => r.configures === true && user.roles.includes(r.id));
}

/** A difference as the API gives it: sections of lines, `+` added, `-` removed, `~` changed. */
export interface DifferenceView {
  from: string;
  to: string;
  sections: Section[];
  count: number;
}

/** One scenario's result, or a scenario file that could not be read (`scenario` null). */
export interface ScenarioOutcome {
  file: string;
  process: string | null;
  scenario: string | null;
  passed: boolean;
  /** Steps that read reports or logs, which need the server: neither passed nor failed. */
  skipped: number;
  /** The first step that did not do what the scenario expects, and why. */
  failure: { step: number; what: string; expected: string; actual: string; problems: string[] } | null;
}

/** What publishing an upload would do, as the business unit sees it before deciding. */
export interface CheckResult {
  process: string;
  /** The newest version now, which the change is compared with and would follow. */
  basedOn: number;
  /** The number it would be published as. */
  wouldBe: number;
  /** sha256 of the version's content, as it would be stored. */
  hash: string;
  difference: DifferenceView;
  scenarios: ScenarioOutcome[];
  affected: AffectedCases;
}

/**
 * The running (not closed) cases of the process. They keep their version whatever is published;
 * those on the newest are listed by stage, saying which stages the new version no longer has (a case
 * there could not be moved onto it).
 */
export interface AffectedCases {
  onNewest: number;
  states: { id: string; label: string; count: number; inNewVersion: boolean }[];
  onOlderVersions: number;
}

/** A candidate: the uploaded file compiled in the configuration it would join. */
interface Candidate {
  catalogue: Catalogue;
  partnership: CompiledPartnership;
  process: CompiledProcess;
  content: string;
  hash: string;
  file: string;
}

export interface ConfigurationDeps {
  db: Database;
  service: CaseService;
  clock: Clock;
  /** Where `workflows/` and `forms/` are. */
  root: string;
  /** The configuration as the files said at start-up, which every stored version is laid over. */
  files: Catalogue;
}

export class ConfigurationService {
  /** Publishing one at a time: each new catalogue is built from the versions its own commit left. */
  private publishing: Promise<unknown> = Promise.resolve();
  /** The partnership's scenarios on a catalogue, computed once per catalogue (a publish makes a new one). */
  private readonly scenarioRuns = new WeakMap<Catalogue, Map<string, ScenarioOutcome[]>>();
  private readonly readScenario: ReturnType<typeof scenarioReader>;

  constructor(private readonly deps: ConfigurationDeps) {
    this.readScenario = scenarioReader(deps.root);
  }

  /** The partnership, for its business unit only: others in the partnership get 403, other partnerships 404. */
  partnership(user: User, partnershipId: string): CompiledPartnership {
    const partnership = this.deps.service.partnership(user, partnershipId);
    if (!mayConfigure(partnership, user)) throw new ForbiddenError(`Only the business unit may see and change ${partnership.def.name}'s processes`);
    return partnership;
  }

  private process(user: User, partnershipId: string, processId: string): { partnership: CompiledPartnership; newest: CompiledProcess } {
    const partnership = this.partnership(user, partnershipId);
    const newest = partnership.processes.get(processId);
    if (newest === undefined) throw new NotFoundError(`${partnership.def.name} has no process "${processId}"`);
    return { partnership, newest };
  }

  private version(partnership: CompiledPartnership, process: CompiledProcess, version: number): { partnership: CompiledPartnership; process: CompiledProcess } {
    const found = processVersion(partnership, process.def.id, version);
    if (found === undefined || found.process.def.version !== version) {
      throw new NotFoundError(`${process.def.title} has no version ${version}; its versions are ${this.stored(partnership, process).map((v) => v.version).join(', ')}`);
    }
    return found;
  }

  private stored(partnership: CompiledPartnership, process: CompiledProcess): ProcessVersion[] {
    return [...(partnership.versions?.get(process.def.id)?.values() ?? [])];
  }

  /** Each process with its versions, who published each and when, and the cases on each (those this person may read). */
  async processes(user: User, partnershipId: string) {
    const partnership = this.partnership(user, partnershipId);
    const readable = readableCasesSql(partnership, user);
    const today = this.deps.clock.today(partnership.def.timeZone);
    // The template of a process published through the app is its own file's; of the others, the files'.
    const published = await publishedSources(this.deps.db.reader, partnership.def.id);
    const files = this.deps.files.partnerships.get(partnership.def.id);
    return Promise.all(
      [...partnership.processes.values()].map(async (newest) => {
        const rows = await countReadableByStateAndVersion(this.deps.db.reader, partnership.def.id, newest.def.id, readable, today);
        const versions = this.stored(partnership, newest).map((v) => {
          const here = rows.filter((r) => r.version === v.version);
          const running = here.filter((r) => v.compiled.def.states[r.state]?.final !== true);
          return {
            version: v.version,
            createdAt: v.createdAt,
            origin: v.origin,
            publishedBy: v.publishedBy,
            cases: here.reduce((n, r) => n + r.count, 0),
            running: running.reduce((n, r) => n + r.count, 0),
          };
        });
        const source = published.get(newest.def.id);
        const template = source === undefined ? files?.extended?.get(newest.def.id) : extendsOf(source);
        return { id: newest.def.id, title: newest.def.title, newestVersion: newest.def.version, template: template ?? null, versions };
      }),
    );
  }

  /** How version `to` (the newest when absent) differs from version `from`. */
  difference(user: User, partnershipId: string, processId: string, from: number, to: number | undefined): DifferenceView {
    const { partnership, newest } = this.process(user, partnershipId, processId);
    const a = this.version(partnership, newest, from);
    const b = this.version(partnership, newest, to ?? newest.def.version);
    return differenceView({ name: `version ${from}`, ...a }, { name: `version ${b.process.def.version}`, ...b });
  }

  /**
   * How version `version` differs from the template its file extends, each resolved on its own: the
   * template with the template's forms, the version with its own. 404 for a version whose file extends none.
   */
  async templateDifference(user: User, partnershipId: string, processId: string, version: number): Promise<DifferenceView> {
    const { partnership, newest } = this.process(user, partnershipId, processId);
    const found = this.version(partnership, newest, version);
    const stored = await readVersionSource(this.deps.db.reader, partnership.def.id, processId, version);
    // The version's own file says which template it extends; a version stored before files were kept, what the files say now.
    const templateId = stored?.source == null ? this.deps.files.partnerships.get(partnership.def.id)?.extended?.get(processId) : extendsOf(stored.source);
    const template = templateId === undefined ? undefined : this.deps.files.templates?.get(templateId);
    if (templateId === undefined) throw new NotFoundError(`Version ${version} of ${newest.def.title} extends no template: its file is written whole`);
    if (template === undefined) throw new NotFoundError(`Version ${version} of ${newest.def.title} extends the template "${templateId}", which the configuration no longer has`);
    return differenceView(
      { name: `the template "${templateId}"`, partnership: { ...found.partnership, forms: template.forms }, process: template.process },
      { name: `version ${version}`, ...found },
    );
  }

  /** A version's process file as written, or, for a version stored before the text was kept, its definition as YAML. */
  async download(user: User, partnershipId: string, processId: string, version: number): Promise<{ filename: string; text: string }> {
    const { partnership, newest } = this.process(user, partnershipId, processId);
    this.version(partnership, newest, version);
    const stored = (await readVersionSource(this.deps.db.reader, partnership.def.id, processId, version))!;
    const text =
      stored.source ??
      `# ${processId}, version ${version}, written out from its stored definition: its file's own text (and comments) was not kept then.\n${stringify((JSON.parse(stored.content) as VersionContent).process)}`;
    return { filename: `${processId}.yaml`, text };
  }

  /** The partnership's scenarios, each run on the newest version of its process. */
  /** The partnership's working-day calendar: its last day, and a warning while less than a year of it is left. */
  calendar(user: User, partnershipId: string): { id: string; name: string; lastDay: string; warning: string | null } {
    const { calendar, def } = this.partnership(user, partnershipId);
    return { id: calendar.id, name: calendar.name, lastDay: calendar.lastDay, warning: calendarRunningOut(calendar, this.deps.clock.today(def.timeZone)) ?? null };
  }

  scenarios(user: User, partnershipId: string): ScenarioOutcome[] {
    const partnership = this.partnership(user, partnershipId);
    const { catalogue } = this.deps.service;
    let runs = this.scenarioRuns.get(catalogue);
    if (runs === undefined) this.scenarioRuns.set(catalogue, (runs = new Map()));
    let outcomes = runs.get(partnership.def.id);
    if (outcomes === undefined) runs.set(partnership.def.id, (outcomes = this.runScenarios(catalogue, partnership.def.id)));
    return outcomes;
  }

  /**
   * What publishing `text` as the process file would do: its difference from the newest version, its
   * scenarios' results and the running cases. An invalid file is refused with every problem and its line.
   */
  async check(user: User, partnershipId: string, processId: string, text: string): Promise<CheckResult> {
    const { partnership, newest } = this.process(user, partnershipId, processId);
    const candidate = await this.candidate(partnership, newest, text);
    return {
      process: processId,
      basedOn: newest.def.version,
      wouldBe: newest.def.version + 1,
      hash: candidate.hash,
      difference: differenceView(
        { name: `version ${newest.def.version}`, ...this.version(partnership, newest, newest.def.version) },
        { name: 'the uploaded file', partnership: candidate.partnership, process: candidate.process },
      ),
      scenarios: this.runScenarios(candidate.catalogue, partnership.def.id, processId),
      affected: await this.affected(user, partnership, newest, candidate.process),
    };
  }

  /**
   * Publishes `text` as the next version, recorded with who and when, unless the newest is no longer
   * `basedOn` (409: someone published since) or the file is invalid or changes nothing (422). New
   * cases start on it at once; running cases keep theirs.
   */
  async publish(user: User, partnershipId: string, processId: string, text: string, basedOn: number) {
    const run = async () => {
      const { partnership, newest } = this.process(user, partnershipId, processId);
      const candidate = await this.candidate(partnership, newest, text);
      const { version, stored } = await publishVersion(this.deps.db, {
        partnership: partnership.def.id,
        process: processId,
        basedOn,
        content: candidate.content,
        hash: candidate.hash,
        source: text,
        by: user.username,
        // The real time, as the versions stored at start-up have: WORKFLOW_NOW moves the workflow's today, not this record.
        at: new Date().toISOString(),
        file: candidate.file,
      });
      this.deps.service.useCatalogue(withVersions(this.deps.files, stored));
      const published = this.deps.service.catalogue.partnerships.get(partnership.def.id)!.versions!.get(processId)!.get(version)!;
      return { process: processId, version, createdAt: published.createdAt, publishedBy: published.publishedBy, hash: published.hash };
    };
    const result = this.publishing.then(run, run);
    this.publishing = result.catch(() => undefined);
    return result;
  }

  /** The uploaded file compiled where it would run, or every problem that stops it (nothing is stored). */
  private async candidate(partnership: CompiledPartnership, newest: CompiledProcess, text: string): Promise<Candidate> {
    const file = join('workflows', partnership.def.id, `${newest.def.id}.yaml`);
    // The running configuration: files published through the app that the disk does not have yet, then the upload.
    const replace = new Map([...(await publishedSources(this.deps.db.reader, partnership.def.id))].map(([process, source]) => [join('workflows', partnership.def.id, `${process}.yaml`), source]));
    replace.set(file, text);
    let loaded: LoadResult;
    try {
      loaded = loadCatalogue(this.deps.root, { replace });
    } catch {
      // The checks across files cannot read a file whose shape is far from a process's: say what is wrong with its shape.
      const problems = processFileProblems(this.deps.root, file, text);
      const found = problems.length > 0 ? problems : [{ file, line: 1, message: 'is not in the process format; see workflows/workflow.schema.json' }];
      throw new ProcessRejectedError(`The file cannot be published: ${found.length} problem(s) to fix, each with its line`, found);
    }
    if (!loaded.ok) {
      throw new ProcessRejectedError(`The file cannot be published: ${loaded.problems.length} problem(s) to fix, each with its line`, loaded.problems);
    }
    const candidatePartnership = loaded.catalogue.partnerships.get(partnership.def.id)!;
    const process = candidatePartnership.processes.get(newest.def.id)!;
    const content = versionContent(candidatePartnership, process);
    const hash = contentHash(content);
    const running = partnership.versions?.get(newest.def.id)?.get(newest.def.version);
    if (running?.hash === hash) {
      throw new ProcessRejectedError(`This file makes no change to version ${newest.def.version}: there is nothing to publish`, [
        { file, line: 1, message: `makes no change to version ${newest.def.version}, the version running now; change something, or leave it` },
      ]);
    }
    return { catalogue: loaded.catalogue, partnership: candidatePartnership, process, content, hash, file };
  }

  private async affected(user: User, partnership: CompiledPartnership, newest: CompiledProcess, next: CompiledProcess): Promise<AffectedCases> {
    const rows = await countReadableByStateAndVersion(
      this.deps.db.reader,
      partnership.def.id,
      newest.def.id,
      readableCasesSql(partnership, user),
      this.deps.clock.today(partnership.def.timeZone),
    );
    const isRunning = (version: number, state: string) => {
      const def = processVersion(partnership, newest.def.id, version)?.process.def.states[state];
      return def !== undefined && def.final !== true;
    };
    const running = rows.filter((r) => isRunning(r.version, r.state));
    const onNewest = running.filter((r) => r.version === newest.def.version);
    return {
      onNewest: onNewest.reduce((n, r) => n + r.count, 0),
      states: onNewest.map((r) => ({ id: r.state, label: newest.def.states[r.state]!.label, count: r.count, inNewVersion: next.def.states[r.state] !== undefined })),
      onOlderVersions: running.filter((r) => r.version !== newest.def.version).reduce((n, r) => n + r.count, 0),
    };
  }

  /** The partnership's scenario files (of one process, or all) run on the catalogue's newest processes. */
  private runScenarios(catalogue: Catalogue, partnershipId: string, processId?: string): ScenarioOutcome[] {
    const partnership = catalogue.partnerships.get(partnershipId)!;
    return scenarioFiles(this.deps.root, partnershipId, processId).flatMap((path): ScenarioOutcome[] => {
      const file = relative(this.deps.root, path);
      const unreadable = (problems: string[]): ScenarioOutcome[] => [
        { file, process: null, scenario: null, passed: false, skipped: 0, failure: { step: 0, what: 'reading the file', expected: 'a scenario file', actual: 'not one', problems } },
      ];
      const read = this.readScenario(path, file);
      if (!read.ok) return unreadable(read.problems);
      if (!partnership.processes.has(read.file.process)) return unreadable([`${file}: its process "${read.file.process}" is not a process of ${partnership.def.name}`]);
      return runScenarioFile(catalogue, partnershipId, read.file).map((run) => {
        const failed = run.rows.find((r) => r.outcome === 'FAIL');
        return { file, process: read.file.process, scenario: run.name, passed: run.passed, skipped: run.skipped, failure: failed === undefined ? null : failureOf(failed) };
      });
    });
  }
}

/** The template a process file says it extends, if any (the file was checked when it was stored). */
function extendsOf(source: string): string | undefined {
  const written = (parse(source) as Record<string, unknown> | null)?.[EXTENDS_KEY];
  return typeof written === 'string' ? written : undefined;
}

function failureOf(row: Row): NonNullable<ScenarioOutcome['failure']> {
  return { step: row.step, what: row.what, expected: row.expected, actual: row.actual, problems: row.problems };
}

function differenceView(a: Compared, b: Compared): DifferenceView {
  const sections = difference(a, b);
  return { from: a.name, to: b.name, sections, count: sections.reduce((n, s) => n + s.lines.length, 0) };
}
