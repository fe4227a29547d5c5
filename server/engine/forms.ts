import { _, Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import standaloneCodeModule from 'ajv/dist/standalone/index.js';
import addFormatsModule from 'ajv-formats';
import type { FieldProblem } from './errors.ts';

// ajv-formats is CommonJS; under ESM its default export arrives wrapped once more.
const addFormats = (addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ?? addFormatsModule;
const standaloneCode =
  (standaloneCodeModule as unknown as { default?: typeof standaloneCodeModule }).default ?? standaloneCodeModule;

export interface FormDef {
  id: string;
  schema: Record<string, unknown>;
  /** Presentation hints for the client (order, widgets); the engine ignores them. */
  ui: Record<string, unknown> | null;
}

export interface CompiledForm extends FormDef {
  /** Validates in place (defaults are filled in) and returns the problems, empty when valid. */
  validate(data: unknown): FieldProblem[];
  /**
   * The same validator as an ES module, for the browser, whose Content Security Policy forbids the
   * `new Function` Ajv compiles with: `export default (require) => validate`, where `require` gives the
   * few Ajv runtime helpers and formats it names (see client/src/forms/validatorRuntime.ts).
   */
  browserModule(): string;
}

/**
 * One strict Ajv instance per catalogue: schemas compile once at start-up, and a schema
 * Ajv cannot compile is a configuration error, never a surprise on the first request.
 * A schema written alike by many partnerships (a copied folder, a variant that changes nothing of
 * it) compiles once: compiling is most of start-up's time and memory, and a validator keeps no state
 * between calls but the `errors` it is read for at once.
 */
export function createFormCompiler(): (form: FormDef) => CompiledForm {
  const ajv = new Ajv2020({
    allErrors: true,
    strict: true,
    strictRequired: false,
    allowUnionTypes: true,
    useDefaults: true,
    verbose: true,
    // Keep each validator's source, and name the formats' module, so it can be served as standalone code.
    code: { source: true, formats: _`require("ajv-formats/dist/formats").fullFormats` },
  });
  addFormats(ajv);
  const bySchemaText = new Map<string, SharedValidator>();
  return (form) => {
    const text = JSON.stringify(form.schema);
    // Compiled before it is remembered, so a schema Ajv refuses is refused for every form that has it.
    const entry = bySchemaText.get(text) ?? { validator: ajv.compile(form.schema) };
    bySchemaText.set(text, entry);
    const { validator } = entry;
    return {
      ...form,
      validate: (data) => (validator(data) ? [] : toFieldProblems(validator)),
      browserModule: () => (entry.browserModule ??= asFactoryModule(standaloneCode(ajv, validator))),
    };
  };
}

/** One compiled schema and, once asked for, its browser module: shared by every form written alike. */
interface SharedValidator {
  readonly validator: ValidateFunction;
  browserModule?: string;
}

/** Wraps Ajv's CommonJS standalone code in an ES module whose caller supplies `require`. */
function asFactoryModule(commonJs: string): string {
  return `export default function createValidator(require) {\nconst module = { exports: {} };\nconst exports = module.exports;\n${commonJs}\nreturn module.exports;\n}\n`;
}

function toFieldProblems(validator: ValidateFunction): FieldProblem[] {
  return (validator.errors ?? []).filter((e) => !isCombinatorNoise(e)).map((e) => toFieldProblem(e, validator.schema));
}

/** `if`/`anyOf` failures restate the failures beneath them; users need only those. */
function isCombinatorNoise(error: ErrorObject): boolean {
  return error.keyword === 'if' || error.keyword === 'anyOf' || error.keyword === 'oneOf';
}

/**
 * The title of `field` in the object at `instancePath` of the form's schema: a field made required
 * inside an `if`/`then` is declared (with its title) among the form's properties, not in the `then`.
 */
function titleInForm(root: unknown, instancePath: string, field: string): string | undefined {
  let schema = root as { properties?: Record<string, unknown>; items?: unknown; title?: unknown } | undefined;
  const keys = [...instancePath.split('/').slice(1).map((segment) => segment.replace(/~1/g, '/').replace(/~0/g, '~')), field];
  for (const key of keys) {
    schema = (/^\d+$/.test(key) && schema?.items !== undefined ? schema.items : schema?.properties?.[key]) as typeof schema;
  }
  return typeof schema?.title === 'string' ? schema.title : undefined;
}

/** Maps one Ajv error to the API's `{path, message}`, pointing at the field to fix. */
export function toFieldProblem(error: ErrorObject, root?: unknown): FieldProblem {
  const params = error.params as Record<string, unknown>;
  const schema = (error.parentSchema ?? {}) as Record<string, unknown>;
  const title = typeof schema.title === 'string' ? schema.title : undefined;
  switch (error.keyword) {
    case 'required': {
      const field = String(params.missingProperty);
      const properties = (schema.properties ?? {}) as Record<string, { title?: string }>;
      const label = properties[field]?.title ?? titleInForm(root, error.instancePath, field) ?? field;
      return { path: `${error.instancePath}/${escapePointer(field)}`, message: `${label} is required` };
    }
    case 'additionalProperties': {
      const field = String(params.additionalProperty);
      return {
        path: `${error.instancePath}/${escapePointer(field)}`,
        message: `"${field}" is not a field of this form; remove it`,
      };
    }
    case 'format':
      return {
        path: error.instancePath,
        message:
          params.format === 'date'
            ? `${title ?? 'This'} must be a real date written as YYYY-MM-DD`
            : `${title ?? 'This'} must be a valid ${String(params.format)}`,
      };
    case 'enum':
      return {
        path: error.instancePath,
        message: `${title ?? 'This'} must be one of: ${(params.allowedValues as unknown[]).join(', ')}`,
      };
    case 'minLength':
      return {
        path: error.instancePath,
        message: params.limit === 1 ? `${title ?? 'This'} must not be empty` : `${title ?? 'This'} ${error.message}`,
      };
    default:
      return { path: error.instancePath, message: `${title ?? 'This field'} ${error.message ?? 'is not valid'}` };
  }
}

function escapePointer(segment: string): string {
  return segment.replace(/~/g, '~0').replace(/\//g, '~1');
}
