import { readFileSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { compileProcess, formsOf, type Catalogue, type CompiledPartnership, type CompiledProcess, type CompiledTemplate } from '../engine/catalogue.ts';
import { createCalendar, type CalendarData, type WorkingDayCalendar } from '../engine/dates/index.ts';
import type { PartnershipDef, ProcessDef } from '../engine/definition.ts';
import { createFormCompiler, type CompiledForm } from '../engine/forms.ts';
import { uiHintProblems } from '../engine/ui-hints.ts';
import { crossCheck, type PartnershipSource, type ProcessSource } from './cross-check.ts';
import { ConfigFiles } from './files.ts';
import { schemaCheck } from './schema-check.ts';
import type { ConfigProblem, SourceFile } from './source.ts';
import { FORM_SUFFIX, FORM_VARIANT_SUFFIX, Templates, UI_SUFFIX, type FormSources } from './templates.ts';
import { TEMPLATES_DIR } from './variants.ts';

export type LoadResult = { ok: true; catalogue: Catalogue } | { ok: false; problems: ConfigProblem[] };

export interface LoadOptions {
  /**
   * Files read from here instead of the disk, by path relative to `root` (`workflows/<partnership>/<process>.yaml`):
   * how a change someone uploads is checked, compared and run in the configuration it would join,
   * without writing anything. A path that is not on disk is added.
   */
  readonly replace?: ReadonlyMap<string, string>;
}

const PARTNERSHIP_FILE = 'partnership.yaml';
const CALENDARS_DIR = 'calendars';
/** The version number of a process read from the files alone, before any database has stored it. */
const FILES_VERSION = 1;

/**
 * Reads `workflows/` and `forms/` under `root`, resolves every partnership's file that extends a
 * template (`templates/`), checks every file against its format and every reference across files,
 * and compiles the result. Any problem anywhere means no catalogue: the server refuses to start
 * rather than run half a configuration.
 */
export function loadCatalogue(root: string, options: LoadOptions = {}): LoadResult {
  const problems: ConfigProblem[] = [];
  const files = new ConfigFiles(root, options.replace ?? new Map(), problems);
  const workflowsDir = join(root, 'workflows');
  const formatSchema = (name: string) => JSON.parse(readFileSync(join(workflowsDir, name), 'utf8')) as Record<string, unknown>;
  const checkCalendar = schemaCheck(formatSchema('calendar.schema.json'));
  const checkPartnership = schemaCheck(formatSchema('partnership.schema.json'));
  const checkProcess = schemaCheck(formatSchema('workflow.schema.json'));
  const templates = new Templates(
    files,
    { process: checkProcess, processVariant: schemaCheck(formatSchema('variant.schema.json')), formVariant: schemaCheck(formatSchema('form-variant.schema.json')) },
    problems,
  );
  /** The parsed file and whether it fits its format, or undefined when it does not parse. */
  const checked = (path: string, check: (source: SourceFile) => ConfigProblem[]): { source: SourceFile; valid: boolean } | undefined => {
    const source = files.read(path);
    if (source === undefined) return undefined;
    const found = check(source);
    problems.push(...found);
    return { source, valid: found.length === 0 };
  };

  const calendars = new Map<string, WorkingDayCalendar>();
  for (const path of files.filesIn(join(workflowsDir, CALENDARS_DIR), '.yaml')) {
    const { source, valid } = checked(path, checkCalendar) ?? {};
    if (source === undefined || !valid) continue;
    try {
      const calendar = createCalendar(source.value as CalendarData);
      calendars.set(calendar.id, calendar);
    } catch (error) {
      problems.push({ file: source.file, line: 1, message: (error as Error).message });
    }
  }

  // Every template is checked, used or not: a business unit may be about to use it.
  for (const id of templates.processIds()) templates.processTemplate(id);

  const partnerships: { source: PartnershipSource; forms: Map<string, CompiledForm>; extended: Map<string, string> }[] = [];
  const malformed = new Set<string>();
  const forms = new FormLoader(files, templates, problems);
  for (const dir of files.dirsIn(workflowsDir).filter((d) => ![CALENDARS_DIR, TEMPLATES_DIR].includes(basename(d)))) {
    const id = basename(dir);
    const partnershipPath = join(dir, PARTNERSHIP_FILE);
    if (!files.exists(partnershipPath)) {
      problems.push({ file: relative(root, dir), line: 1, message: `missing ${PARTNERSHIP_FILE}: every partnership folder needs one` });
      continue;
    }
    const { source, valid } = checked(partnershipPath, checkPartnership) ?? {};
    if (source === undefined || !valid) continue;
    const def = source.value as PartnershipDef;
    if (def.id !== id) problems.push({ file: source.file, line: source.lineOf(['id']), message: `id "${def.id}" must match the folder name "${id}"` });

    const processes: ProcessSource[] = [];
    const extended = new Map<string, string>();
    for (const path of files.filesIn(dir, '.yaml').filter((p) => basename(p) !== PARTNERSHIP_FILE)) {
      const written = files.read(path);
      if (written === undefined) continue;
      const { source: processSource, valid: processValid, template, unresolved } = templates.resolveProcess(written);
      if (unresolved) continue;
      // A file with format problems is still cross-checked, so one run reports everything it can.
      if (!processValid) malformed.add(processSource.file);
      const raw = written.value as Record<string, unknown> | null;
      if (raw !== null && typeof raw === 'object' && 'version' in raw) {
        // The schema's "unknown key" said why it is wrong, not what to do.
        const problem = problems.find((p) => p.file === processSource.file && p.message.includes('unknown key "version"'));
        if (problem !== undefined) problem.message = 'remove "version": the server numbers versions itself, storing each changed process as the next version when it starts';
      }
      const processDef = processSource.value as ProcessDef;
      if (processDef === null || typeof processDef !== 'object' || Array.isArray(processDef)) continue; // said by the format check
      if (`${processDef.id}.yaml` !== basename(path)) {
        problems.push({ ...processSource.where(['id']), message: `id "${processDef.id}" must match the file name (${basename(path)}); a variant takes its template's id unless it says \`id:\`` });
      }
      if (template !== undefined) extended.set(processDef.id, template);
      processes.push({ source: processSource, def: processDef });
    }

    const { compiled: partnershipForms, broken } = forms.forPartnership(id, processes.map((p) => p.def));
    // A form that failed to load is reported once, not again as "missing" by every event using it.
    const fields = new Map([
      ...broken.map((formId) => [formId, new Set<string>()] as const),
      ...[...partnershipForms].map(([formId, form]) => [formId, topLevelFields(form.schema)] as const),
    ]);
    const formSchemas = new Map([...partnershipForms].map(([formId, form]) => [formId, form.schema] as const));
    partnerships.push({ source: { source, def, processes, forms: fields, formSchemas }, forms: partnershipForms, extended });
  }

  for (const { source } of partnerships) problems.push(...crossCheck(source, new Set(calendars.keys()), malformed));
  if (problems.length > 0) return { ok: false, problems: sortProblems(problems) };

  const compiled = new Map<string, CompiledPartnership>();
  for (const { source, forms: partnershipForms, extended } of partnerships) {
    // Version 1 until the store numbers it (see server/store/process-versions.ts): the files alone know no other.
    const processes = new Map<string, CompiledProcess>(source.processes.map((p) => [p.def.id, compileProcess({ ...p.def, version: FILES_VERSION })]));
    compiled.set(source.def.id, { def: source.def, calendar: calendars.get(source.def.calendar)!, processes, forms: partnershipForms, extended });
  }
  return { ok: true, catalogue: { partnerships: compiled, templates: compiledTemplates(templates, forms) } };
}

/** Each process template on its own, with the template forms it uses: what a partnership's variant is compared with. */
function compiledTemplates(templates: Templates, forms: FormLoader): Map<string, CompiledTemplate> {
  const compiled = new Map<string, CompiledTemplate>();
  for (const id of templates.processIds()) {
    const def = templates.processTemplate(id)!.source.value as ProcessDef;
    compiled.set(id, { process: compileProcess({ ...def, version: FILES_VERSION }), forms: forms.templateForms(formsOf(def)) });
  }
  return compiled;
}

/**
 * A partnership's forms: its own (`<id>.schema.json`, with `<id>.ui.json`), its variants of form
 * templates (`<id>.variant.yaml`), and the form templates its processes use that it has no form of
 * its own for. A form template is compiled once for every partnership that uses it.
 */
class FormLoader {
  private readonly compileForm = createFormCompiler();
  private readonly templateCompiled = new Map<string, CompiledForm | undefined>();

  constructor(
    private readonly files: ConfigFiles,
    private readonly templates: Templates,
    private readonly problems: ConfigProblem[],
  ) {}

  /** The compiled forms, and the ids of those that exist but failed to load. */
  forPartnership(partnership: string, processes: readonly ProcessDef[]): { compiled: Map<string, CompiledForm>; broken: string[] } {
    const dir = join(this.files.root, 'forms', partnership);
    const compiled = new Map<string, CompiledForm>();
    const broken: string[] = [];
    const add = (id: string, form: CompiledForm | undefined) => (form === undefined ? broken.push(id) : compiled.set(id, form));
    for (const path of this.files.filesIn(dir, FORM_SUFFIX)) {
      const id = basename(path, FORM_SUFFIX);
      const schema = this.files.read(path);
      const uiPath = join(dir, `${id}${UI_SUFFIX}`);
      const ui = schema !== undefined && this.files.exists(uiPath) ? this.files.read(uiPath) : undefined;
      add(id, schema === undefined ? undefined : this.compile(id, { schema, ...(ui === undefined ? {} : { ui }) }));
    }
    for (const path of this.files.filesIn(dir, FORM_VARIANT_SUFFIX)) {
      const id = basename(path, FORM_VARIANT_SUFFIX);
      const source = this.files.read(path);
      if (compiled.has(id) || broken.includes(id)) {
        this.problems.push({ file: relative(this.files.root, path), line: 1, message: `form "${id}" is written twice, as ${id}${FORM_SUFFIX} and as ${id}${FORM_VARIANT_SUFFIX}; keep one` });
        continue;
      }
      const resolved = source === undefined ? undefined : this.templates.resolveFormVariant(source);
      add(id, resolved === undefined ? undefined : this.compile(id, resolved));
    }
    const used = new Set(processes.flatMap((def) => (def?.start === undefined || !Array.isArray(def.events) ? [] : formsOf(def))));
    for (const [id, form] of this.templateForms([...used].filter((id) => !compiled.has(id) && !broken.includes(id)))) compiled.set(id, form);
    return { compiled, broken };
  }

  /** The form templates among `ids` that exist and compile. */
  templateForms(ids: readonly string[]): Map<string, CompiledForm> {
    const found = new Map<string, CompiledForm>();
    for (const id of ids) {
      if (!this.templateCompiled.has(id)) {
        const sources = this.templates.formTemplate(id);
        this.templateCompiled.set(id, sources === undefined ? undefined : this.compile(id, sources));
      }
      const form = this.templateCompiled.get(id);
      if (form !== undefined) found.set(id, form);
    }
    return found;
  }

  private compile(id: string, sources: FormSources): CompiledForm | undefined {
    const { schema: source, ui } = sources;
    if (!/^[A-Za-z0-9_-]+$/.test(id)) {
      this.problems.push({ file: source.file, line: 1, message: `form id "${id}" may use only letters, digits, - and _` });
      return undefined;
    }
    const schema = source.value as Record<string, unknown>;
    const external = externalRefs(schema);
    if (external.length > 0) {
      this.problems.push({ ...source.where(external[0]!.path), message: `"$ref": "${external[0]!.ref}" must point inside the form ("#/..."): forms are served self-contained` });
      return undefined;
    }
    const hints = (ui?.value as Record<string, unknown> | undefined) ?? null;
    const hintProblems = uiHintProblems({ id, schema, ui: hints });
    if (hintProblems.length > 0) {
      const file = ui?.file ?? source.file;
      // Each message starts with the hint it is about (`order …`, `reveal.<question> …`): its line is that key's.
      const at = (message: string) => message.split(/[\s:]/, 1)[0]!.split('.');
      this.problems.push(...hintProblems.map((message) => ({ ...(ui?.where(at(message)) ?? { file, line: 1 }), message })));
      return undefined;
    }
    try {
      return this.compileForm({ id, schema, ui: hints });
    } catch (error) {
      this.problems.push({ file: source.file, line: 1, message: `not a valid JSON Schema: ${(error as Error).message}` });
      return undefined;
    }
  }
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
  // A problem a template causes for several partnerships' files alike is said once.
  const unique = [...new Map(problems.map((p) => [`${p.file}:${p.line}:${p.message}`, p])).values()];
  return unique.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line);
}
