import { Ajv2020, type ErrorObject } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { pointerToPath, problemAt, type ConfigProblem, type SourceFile } from './source.ts';

const addFormats = (addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ?? addFormatsModule;

export type SchemaCheck = (source: SourceFile) => ConfigProblem[];

/** Compiles a config format's schema once; the returned check reports problems with their lines. */
export function schemaCheck(schema: Record<string, unknown>): SchemaCheck {
  const ajv = new Ajv2020({ allErrors: true, strict: true, strictRequired: false, allowUnionTypes: true });
  addFormats(ajv);
  const validate = ajv.compile(schema);
  return (source) => {
    if (validate(source.value)) return [];
    return usefulErrors(validate.errors ?? []).map((error) => problemAt(source, pathOf(error), describe(error, source.value)));
  };
}

/** Where an error stands: an unknown key at its own line, not its parent's (which may be the file's first). */
function pathOf(error: ErrorObject): (string | number)[] {
  const path = pointerToPath(error.instancePath);
  const unknown = error.keyword === 'additionalProperties' ? (error.params as { additionalProperty?: string }).additionalProperty : undefined;
  return unknown === undefined ? path : [...path, unknown];
}

/**
 * A value that fits none of an `anyOf`'s forms fails every form, each with its own complaint.
 * When deeper errors exist the `anyOf` adds nothing; when none do, the branch noise at its own
 * level (missing or extra keys of forms the author never meant) is dropped in favour of the `anyOf`.
 */
function usefulErrors(errors: ErrorObject[]): ErrorObject[] {
  const branching = errors.filter((e) => e.keyword === 'anyOf' || e.keyword === 'oneOf');
  const deeper = (e: ErrorObject) => errors.some((o) => o.instancePath.startsWith(`${e.instancePath}/`));
  const kept = errors.filter((error) => {
    if (error.keyword === 'anyOf' || error.keyword === 'oneOf') return !deeper(error);
    const insideBranch = branching.some(
      (b) => error.schemaPath.startsWith(b.schemaPath.replace(/\/(anyOf|oneOf)$/, '')) && b.instancePath === error.instancePath,
    );
    return !insideBranch;
  });
  const seen = new Set<string>();
  return kept.filter((e) => {
    const key = `${e.instancePath}|${describe(e)}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function where(error: ErrorObject): string {
  return error.instancePath === '' ? 'the file' : `"${error.instancePath.slice(1).replace(/\//g, '.')}"`;
}

function describe(error: ErrorObject, file?: unknown): string {
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'required':
      return `${where(error)} needs "${String(params.missingProperty)}"`;
    case 'additionalProperties':
      return `${where(error)} has an unknown key "${String(params.additionalProperty)}"; check its spelling`;
    case 'anyOf':
    case 'oneOf':
      return `${where(error)} is not in any of the allowed forms; see workflows/*.schema.json for them`;
    case 'pattern':
      return `${where(error)} must match ${String(params.pattern)} (ids are kebab-case, event types UPPER_SNAKE_CASE)`;
    case 'type':
      // A file that is a list or a single value is not a half-written config but the wrong kind of file.
      if (error.instancePath === '') return `the file must be a map of keys (id:, title:, …), not ${Array.isArray(file) ? 'a list' : 'a single value'}`;
      return `${where(error)} ${error.message ?? 'is not valid'}`;
    case 'enum':
      return `${where(error)} must be one of: ${(params.allowedValues as unknown[]).join(', ')}`;
    default:
      return `${where(error)} ${error.message ?? 'is not valid'}`;
  }
}
