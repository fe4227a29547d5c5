/**
 * The templates partnerships share, and the resolution of a partnership's file that extends one
 * (see variants.ts for how a variant changes its template). Process templates are
 * `workflows/templates/<id>.yaml`, complete processes themselves (a template may extend another);
 * form templates are `forms/templates/<id>.schema.json` with an optional `<id>.ui.json`, and a
 * partnership's `forms/<p>/<id>.variant.yaml` changes one.
 */
import { join } from 'node:path';
import type { ConfigFiles } from './files.ts';
import type { SchemaCheck } from './schema-check.ts';
import type { ConfigProblem, SourceFile } from './source.ts';
import { applyVariant, EXTENDS_KEY, formListKeys, processListKeys, TEMPLATES_DIR } from './variants.ts';

export const FORM_SUFFIX = '.schema.json';
export const UI_SUFFIX = '.ui.json';
export const FORM_VARIANT_SUFFIX = '.variant.yaml';

/** A process file as it runs: resolved with its template when it has one. */
export interface ResolvedProcess {
  source: SourceFile;
  /** False when it, or its template, breaks the format: cross-checks then tolerate what they find. */
  valid: boolean;
  /** The id of the template it extends, if any. */
  template?: string;
  /** A variant whose template could not be found or read: not a process at all, so nothing else is checked. */
  unresolved?: true;
}

/** A form's JSON Schema and its optional UI hints, as sources (resolved for a variant). */
export interface FormSources {
  schema: SourceFile;
  ui?: SourceFile;
  template?: string;
}

export interface TemplateChecks {
  process: SchemaCheck;
  processVariant: SchemaCheck;
  formVariant: SchemaCheck;
}

export class Templates {
  /** null: a template that exists but does not parse (said once), or one still resolving (reached again, it is a circle). */
  private readonly processes = new Map<string, ResolvedProcess | null>();
  private readonly forms = new Map<string, FormSources | undefined>();

  constructor(
    private readonly files: ConfigFiles,
    private readonly checks: TemplateChecks,
    private readonly problems: ConfigProblem[],
  ) {}

  /** The ids of the process templates there are. */
  processIds(): string[] {
    return this.files.filesIn(this.processDir(), '.yaml').map((path) => fileId(path, '.yaml'));
  }

  /** The ids of the form templates there are. */
  formIds(): string[] {
    return this.files.filesIn(this.formDir(), FORM_SUFFIX).map((path) => fileId(path, FORM_SUFFIX));
  }

  /**
   * A process template, resolved and checked once however many partnerships use it; undefined when
   * there is none, null when it does not parse or is still resolving (see `processes`).
   */
  processTemplate(id: string, using: readonly string[] = []): ResolvedProcess | null | undefined {
    if (this.processes.has(id)) return this.processes.get(id);
    const path = join(this.processDir(), `${id}.yaml`);
    if (!this.files.exists(path)) return undefined;
    this.processes.set(id, null);
    const source = this.files.read(path);
    if (source === undefined) return null;
    const resolved = this.resolveProcess(source, [...using, source.file]);
    const written = (resolved.source.value as { id?: unknown } | null)?.id;
    if (written !== id) this.problems.push({ file: source.file, line: source.lineOf(['id']), message: `id "${String(written)}" must match the file name (${id}.yaml)` });
    this.processes.set(id, resolved);
    return resolved;
  }

  /** A process file resolved with the template it extends, and checked against the process format. */
  resolveProcess(source: SourceFile, using: readonly string[] = [source.file]): ResolvedProcess {
    const written = source.value;
    if (written === null || typeof written !== 'object' || !(EXTENDS_KEY in written)) {
      const found = this.checks.process(source);
      this.problems.push(...found);
      return { source, valid: found.length === 0 };
    }
    const variantProblems = this.checks.processVariant(source);
    this.problems.push(...variantProblems);
    const templateId = (written as Record<string, unknown>)[EXTENDS_KEY];
    if (typeof templateId !== 'string') return { source, valid: false, unresolved: true };
    const line = source.lineOf([EXTENDS_KEY]);
    const circle = using.find((file) => file.endsWith(`/${TEMPLATES_DIR}/${templateId}.yaml`));
    if (circle !== undefined) {
      this.problems.push({ file: source.file, line, message: `"extends: ${templateId}" goes round in a circle (${[...using, circle].join(' → ')}); a template cannot extend itself` });
      return { source, valid: false, unresolved: true };
    }
    const template = this.processTemplate(templateId, using);
    if (template === null) return { source, valid: false, unresolved: true };
    if (template === undefined) {
      this.problems.push({ file: source.file, line, message: `template "${templateId}" does not exist; templates: ${this.processIds().join(', ') || 'none'} (in workflows/${TEMPLATES_DIR}/)` });
      return { source, valid: false, unresolved: true };
    }
    const { resolved, problems } = applyVariant({ source: template.source }, { source }, processListKeys);
    this.problems.push(...problems);
    // A template that breaks the format has said so once; its problems are not repeated for each user.
    const found = this.checks.process(resolved).filter((p) => template.valid || p.file === source.file);
    this.problems.push(...found);
    return { source: resolved, valid: template.valid && variantProblems.length === 0 && problems.length === 0 && found.length === 0, template: templateId };
  }

  /** A form template's schema and UI hints, read once; undefined when there is none (or it does not parse). */
  formTemplate(id: string): FormSources | undefined {
    if (this.forms.has(id)) return this.forms.get(id);
    const schemaPath = join(this.formDir(), `${id}${FORM_SUFFIX}`);
    const uiPath = join(this.formDir(), `${id}${UI_SUFFIX}`);
    const schema = this.files.exists(schemaPath) ? this.files.read(schemaPath) : undefined;
    const ui = schema !== undefined && this.files.exists(uiPath) ? this.files.read(uiPath) : undefined;
    const sources = schema === undefined ? undefined : { schema, ...(ui === undefined ? {} : { ui }) };
    this.forms.set(id, sources);
    return sources;
  }

  /** A partnership's `<id>.variant.yaml`, resolved with the form template it extends; undefined when it cannot be. */
  resolveFormVariant(source: SourceFile): FormSources | undefined {
    const found = this.checks.formVariant(source);
    this.problems.push(...found);
    if (found.length > 0) return undefined;
    const variant = source.value as { extends: string; schema?: unknown; ui?: unknown };
    const template = this.formTemplate(variant.extends);
    if (template === undefined) {
      this.problems.push({
        file: source.file,
        line: source.lineOf([EXTENDS_KEY]),
        message: `form template "${variant.extends}" does not exist; form templates: ${this.formIds().join(', ') || 'none'} (in forms/${TEMPLATES_DIR}/)`,
      });
      return undefined;
    }
    const part = (key: 'schema' | 'ui', base: SourceFile | undefined): SourceFile | undefined => {
      if (variant[key] === undefined) return base;
      const { resolved, problems } = applyVariant({ source: base ?? emptySource(source.file) }, { source, path: [key] }, formListKeys, []);
      this.problems.push(...problems);
      return resolved;
    };
    const ui = part('ui', template.ui);
    return { schema: part('schema', template.schema)!, ...(ui === undefined ? {} : { ui }), template: variant.extends };
  }

  private processDir(): string {
    return join(this.files.root, 'workflows', TEMPLATES_DIR);
  }

  private formDir(): string {
    return join(this.files.root, 'forms', TEMPLATES_DIR);
  }
}

function fileId(path: string, suffix: string): string {
  return path.slice(path.lastIndexOf('/') + 1, -suffix.length);
}

/** Nothing, for a template part that is absent (a form without UI hints): a variant adds to it. */
function emptySource(file: string): SourceFile {
  return { file, value: {}, lineOf: () => 1, where: () => ({ file, line: 1 }) };
}
