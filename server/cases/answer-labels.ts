import type { CompiledPartnership, CompiledProcess } from '../engine/catalogue.ts';

type Schema = Record<string, unknown>;

/** A value an answer can take and what people read for it. */
export interface AnswerOption {
  value: string;
  label: string;
}

function isSchema(value: unknown): value is Schema {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Follows a form's own `#/…` reference (forms are self-contained). */
function resolved(schema: Schema, root: Schema): Schema {
  const ref = schema.$ref;
  if (typeof ref !== 'string' || !ref.startsWith('#/')) return schema;
  const target = ref
    .slice(2)
    .split('/')
    .reduce<unknown>((at, key) => (isSchema(at) ? at[key.replace(/~1/g, '/').replace(/~0/g, '~')] : undefined), root);
  return isSchema(target) ? resolved(target, root) : schema;
}

/** The schemas a property can have here: its own, and those of `allOf`, `then` and `else` branches that name it. */
function propertySchemas(schema: Schema, key: string, root: Schema): Schema[] {
  const here = resolved(schema, root);
  const own = isSchema(here.properties) && isSchema(here.properties[key]) ? [resolved(here.properties[key], root)] : [];
  const branches = [...(Array.isArray(here.allOf) ? here.allOf : []), here.then, here.else].filter(isSchema);
  return [...own, ...branches.flatMap((branch) => propertySchemas(branch, key, root))];
}

/** The schemas of a dotted path, through lists on the way (`learningOutputs.kind` is each output's kind). */
function schemasAt(root: Schema, path: string): Schema[] {
  let current: Schema[] = [root];
  for (const key of path.split('.')) {
    current = current
      .map((schema) => resolved(schema, root))
      .map((schema) => (schema.type === 'array' && isSchema(schema.items) ? resolved(schema.items, root) : schema))
      .flatMap((schema) => propertySchemas(schema, key, root));
  }
  return current.map((schema) => (schema.type === 'array' && isSchema(schema.items) ? resolved(schema.items, root) : schema));
}

function optionsOf(schema: Schema, root: Schema): AnswerOption[] {
  const branches = (Array.isArray(schema.oneOf) ? schema.oneOf : Array.isArray(schema.anyOf) ? schema.anyOf : []).filter(isSchema).map((b) => resolved(b, root));
  if (branches.length > 0 && branches.every((b) => 'const' in b)) {
    return branches.map((b) => ({ value: String(b.const), label: typeof b.title === 'string' ? b.title : String(b.const) }));
  }
  if (Array.isArray(schema.enum)) return schema.enum.map((v) => ({ value: String(v), label: String(v) }));
  if (schema.type === 'boolean') return [{ value: 'true', label: 'Yes' }, { value: 'false', label: 'No' }];
  return [];
}

/**
 * The options of a field, in the order the first form asking it lists them, with what people read:
 * a report's rows say "The child remains subject to a child protection plan", never the code.
 * `events` first: the forms of the steps counted say best what their answers mean.
 */
export function answerOptions(partnership: CompiledPartnership, process: CompiledProcess, field: string, events: readonly string[] = []): AnswerOption[] {
  const { def } = process;
  const ordered = [...def.events.filter((e) => events.includes(e.type)), def.start, ...def.events];
  const formIds = [...new Set(ordered.map((t) => t.form).filter((f): f is string => typeof f === 'string'))];
  for (const id of formIds) {
    const form = partnership.forms.get(id);
    if (form === undefined) continue;
    for (const schema of schemasAt(form.schema, field)) {
      const options = optionsOf(schema, form.schema);
      if (options.length > 0) return options;
    }
  }
  return [];
}
