import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { compileProcess, type Catalogue, type CompiledPartnership, type CompiledProcess } from '../engine/catalogue.ts';
import { createCalendar, type CalendarData, type WorkingDayCalendar } from '../engine/dates/index.ts';
import type { PartnershipDef, ProcessDef } from '../engine/definition.ts';
import { createFormCompiler, type CompiledForm } from '../engine/forms.ts';
import { crossCheck, type PartnershipSource, type ProcessSource } from './cross-check.ts';
import { schemaCheck, type SchemaCheck } from './schema-check.ts';
import { parseSource, type ConfigProblem, type SourceFile } from './source.ts';

export type LoadResult = { ok: true; catalogue: Catalogue } | { ok: false; problems: ConfigProblem[] };

export interface LoadOptions {
  /**
   * Files read from here instead of the disk, by path relative to `root` (`workflows/merton/cspr.yaml`):
   * how a change someone uploads is checked, compared and run in the configuration it would join,
   * without writing anything. A path that is not on disk is added.
   */
  readonly replace?: ReadonlyMap<string, string>;
}

const PARTNERSHIP_FILE = 'partnership.yaml';
const CALENDARS_DIR = 'calendars';
const FORM_SUFFIX = '.schema.json';
const UI_SUFFIX = '.ui.json';
/** The version number of a process read from the files alone, before any database has stored it. */
const FILES_VERSION = 1;

/**
 * Reads `workflows/` and `forms/` under `root`, checks every file against its format and every
 * reference across files, and compiles the result. Any problem anywhere means no catalogue:
 * the server refuses to start rather than run half a configuration.
 */
export function loadCatalogue(root: string, options: LoadOptions = {}): LoadResult {
  const problems: ConfigProblem[] = [];
  const replace = options.replace ?? new Map<string, string>();
  const filesIn = (dir: string, suffix: string) => filesOnDiskOrReplaced(root, replace, dir, suffix);
  const exists = (path: string) => replace.has(relative(root, path)) || existsOnDisk(path);
  const readSource = (path: string): SourceFile | undefined => {
    const file = relative(root, path);
    const parsed = parseSource(file, replace.get(file) ?? readFileSync(path, 'utf8'));
    if (Array.isArray(parsed)) {
      problems.push(...parsed);
      return undefined;
    }
    return parsed;
  };
  /** The parsed file, or undefined when it is not even YAML; its schema problems are recorded either way. */
  const checked = (path: string, check: SchemaCheck): { source: SourceFile; valid: boolean } | undefined => {
    const source = readSource(path);
    if (source === undefined) return undefined;
    const found = check(source);
    problems.push(...found);
    return { source, valid: found.length === 0 };
  };

  const workflowsDir = join(root, 'workflows');
  const formatSchema = (name: string) => JSON.parse(readFileSync(join(workflowsDir, name), 'utf8')) as Record<string, unknown>;
  const checkCalendar = schemaCheck(formatSchema('calendar.schema.json'));
  const checkPartnership = schemaCheck(formatSchema('partnership.schema.json'));
  const checkProcess = schemaCheck(formatSchema('workflow.schema.json'));

  const calendars = new Map<string, WorkingDayCalendar>();
  for (const path of filesIn(join(workflowsDir, CALENDARS_DIR), '.yaml')) {
    const { source, valid } = checked(path, checkCalendar) ?? {};
    if (source === undefined || !valid) continue;
    try {
      const calendar = createCalendar(source.value as CalendarData);
      calendars.set(calendar.id, calendar);
    } catch (error) {
      problems.push({ file: source.file, line: 1, message: (error as Error).message });
    }
  }

  const partnerships: { source: PartnershipSource; forms: Map<string, CompiledForm> }[] = [];
  const malformed = new Set<string>();
  const compileForm = createFormCompiler();
  for (const dir of dirsIn(workflowsDir).filter((d) => basename(d) !== CALENDARS_DIR)) {
    const id = basename(dir);
    const partnershipPath = join(dir, PARTNERSHIP_FILE);
    if (!exists(partnershipPath)) {
      problems.push({ file: relative(root, dir), line: 1, message: `missing ${PARTNERSHIP_FILE}: every partnership folder needs one` });
      continue;
    }
    const { source, valid } = checked(partnershipPath, checkPartnership) ?? {};
    if (source === undefined || !valid) continue;
    const def = source.value as PartnershipDef;
    if (def.id !== id) problems.push({ file: source.file, line: source.lineOf(['id']), message: `id "${def.id}" must match the folder name "${id}"` });

    const processes: ProcessSource[] = [];
    for (const path of filesIn(dir, '.yaml').filter((p) => basename(p) !== PARTNERSHIP_FILE)) {
      const { source: processSource, valid: processValid } = checked(path, checkProcess) ?? {};
      if (processSource === undefined) continue;
      // A file with schema problems is still cross-checked, so one run reports everything it can.
      if (!processValid) malformed.add(processSource.file);
      const written = processSource.value as Record<string, unknown> | null;
      if (written !== null && typeof written === 'object' && 'version' in written) {
        // The schema's "unknown key" said why it is wrong, not what to do.
        const problem = problems.find((p) => p.file === processSource.file && p.message.includes('unknown key "version"'));
        if (problem !== undefined) problem.message = 'remove "version": the server numbers versions itself, storing each changed process as the next version when it starts';
      }
      const processDef = processSource.value as ProcessDef;
      if (`${processDef.id}.yaml` !== basename(path)) {
        problems.push({ file: processSource.file, line: processSource.lineOf(['id']), message: `id "${processDef.id}" must match the file name (${processDef.id}.yaml)` });
      }
      processes.push({ source: processSource, def: processDef });
    }

    const forms = loadForms(join(root, 'forms', id), readSource, compileForm, problems, filesIn, exists);
    // A form that failed to load is reported once, not again as "missing" by every event using it.
    const broken = filesIn(join(root, 'forms', id), FORM_SUFFIX).map((p) => basename(p, FORM_SUFFIX)).filter((f) => !forms.has(f));
    const fields = new Map([
      ...broken.map((formId) => [formId, new Set<string>()] as const),
      ...[...forms].map(([formId, form]) => [formId, topLevelFields(form.schema)] as const),
    ]);
    const formSchemas = new Map([...forms].map(([formId, form]) => [formId, form.schema] as const));
    partnerships.push({ source: { source, def, processes, forms: fields, formSchemas }, forms });
  }

  for (const { source } of partnerships) problems.push(...crossCheck(source, new Set(calendars.keys()), malformed));
  if (problems.length > 0) return { ok: false, problems: sortProblems(problems) };

  const compiled = new Map<string, CompiledPartnership>();
  for (const { source, forms } of partnerships) {
    // Version 1 until the store numbers it (see server/store/process-versions.ts): the files alone know no other.
    const processes = new Map<string, CompiledProcess>(source.processes.map((p) => [p.def.id, compileProcess({ ...p.def, version: FILES_VERSION })]));
    compiled.set(source.def.id, { def: source.def, calendar: calendars.get(source.def.calendar)!, processes, forms });
  }
  return { ok: true, catalogue: { partnerships: compiled } };
}

function loadForms(
  dir: string,
  readSource: (path: string) => SourceFile | undefined,
  compileForm: ReturnType<typeof createFormCompiler>,
  problems: ConfigProblem[],
  filesIn: (dir: string, suffix: string) => string[],
  exists: (path: string) => boolean,
): Map<string, CompiledForm> {
  const forms = new Map<string, CompiledForm>();
  for (const path of filesIn(dir, FORM_SUFFIX)) {
    const id = basename(path, FORM_SUFFIX);
    const source = readSource(path);
    if (source === undefined) continue;
    if (!/^[A-Za-z0-9_-]+$/.test(id)) {
      problems.push({ file: source.file, line: 1, message: `form id "${id}" may use only letters, digits, - and _` });
      continue;
    }
    const schema = source.value as Record<string, unknown>;
    const external = externalRefs(schema);
    if (external.length > 0) {
      problems.push({ file: source.file, line: source.lineOf(external[0]!.path), message: `"$ref": "${external[0]!.ref}" must point inside the form ("#/..."): forms are served self-contained` });
      continue;
    }
    const uiPath = join(dir, `${id}${UI_SUFFIX}`);
    const ui = exists(uiPath) ? (readSource(uiPath)?.value as Record<string, unknown> | undefined) ?? null : null;
    try {
      forms.set(id, compileForm({ id, schema, ui }));
    } catch (error) {
      problems.push({ file: source.file, line: 1, message: `not a valid JSON Schema: ${(error as Error).message}` });
    }
  }
  return forms;
}

function externalRefs(value: unknown, path: (string | number)[] = []): { ref: string; path: (string | number)[] }[] {
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([key, child]) => {
    if (key === '$ref' && typeof child === 'string' && !child.startsWith('#')) return [{ ref: child, path: [...path, key] }];
    return externalRefs(child, [...path, Array.isArray(value) ? Number(key) : key]);
  });
}

function topLevelFields(schema: Record<string, unknown>): Set<string> {
  return new Set(Object.keys((schema.properties ?? {}) as Record<string, unknown>));
}

function sortProblems(problems: ConfigProblem[]): ConfigProblem[] {
  return [...problems].sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line);
}

function existsOnDisk(path: string): boolean {
  try {
    statSync(path);
    return true;
  } catch {
    return false;
  }
}

function filesOnDiskOrReplaced(root: string, replace: ReadonlyMap<string, string>, dir: string, suffix: string): string[] {
  const onDisk = existsOnDisk(dir)
    ? readdirSync(dir, { withFileTypes: true })
        .filter((e) => e.isFile() && e.name.endsWith(suffix))
        .map((e) => join(dir, e.name))
    : [];
  const added = [...replace.keys()].map((file) => join(root, file)).filter((path) => dirname(path) === dir && path.endsWith(suffix));
  return [...new Set([...onDisk, ...added])].sort();
}

function dirsIn(dir: string): string[] {
  if (!existsOnDisk(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => join(dir, e.name))
    .sort();
}
