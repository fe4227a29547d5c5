import type { FormChoices, FormUi, JsonSchema } from '../apiTypes.ts';
import { humanise } from '../format.ts';

/**
 * A form's JSON Schema read as the questions to ask. Every form is drawn from this description,
 * so a field added to a schema appears without any code change.
 */

export interface Option {
  value: string | number;
  label: string;
  hint?: string;
}

export type FieldKind =
  /** `maxLength`: the schema's, counted as the server's validator counts it (code points). */
  /** `choices`: offered as radios with an answer written in (ui `choices`); the answer is still text. */
  | { kind: 'text'; multiline: boolean; maxLength?: number; choices?: FormChoices }
  | { kind: 'number'; integer: boolean }
  | { kind: 'date' }
  | { kind: 'boolean' }
  | { kind: 'choice'; options: Option[] }
  | { kind: 'multi-choice'; options: Option[] }
  | { kind: 'list'; item: Field }
  | { kind: 'rows'; fields: Field[]; itemLabel: string }
  | { kind: 'group'; fields: Field[] };

export type Field = FieldKind & {
  /** The property name within its object. */
  name: string;
  /** The react-hook-form name: dotted, with row indices for fields inside rows. */
  path: string;
  label: string;
  hint?: string;
  required: boolean;
  /** At least this many rows (lists and rows only). */
  minItems: number;
  default?: unknown;
};

const LONG_TEXT = 200;

/** Follows `#/...` references (every form schema is self-contained) and merges `allOf` members' properties. */
export function resolve(schema: JsonSchema, root: JsonSchema): JsonSchema {
  let current = schema;
  for (let depth = 0; current.$ref && depth < 32; depth++) {
    const { $ref, ...siblings } = current;
    const target = $ref
      .replace(/^#\/?/, '')
      .split('/')
      .filter(Boolean)
      .reduce<unknown>((node, part) => (node as Record<string, unknown> | undefined)?.[decodePointer(part)], root);
    current = { ...(target as JsonSchema), ...siblings };
  }
  if (!current.allOf) return current;
  return current.allOf.reduce<JsonSchema>((merged, member) => {
    const part = resolve(member, root);
    return {
      ...part,
      ...merged,
      properties: { ...part.properties, ...merged.properties },
      required: [...(merged.required ?? []), ...(part.required ?? [])],
    };
  }, current);
}

function decodePointer(part: string): string {
  return decodeURIComponent(part).replace(/~1/g, '/').replace(/~0/g, '~');
}

function primaryType(schema: JsonSchema): string | undefined {
  if (Array.isArray(schema.type)) return schema.type.find((type) => type !== 'null');
  return schema.type;
}

/** Enumerated values with their labels: `oneOf`/`anyOf` of `const`+`title`, or a bare `enum`. */
function optionsOf(schema: JsonSchema, root: JsonSchema): Option[] | null {
  const branches = (schema.oneOf ?? schema.anyOf)?.map((branch) => resolve(branch, root));
  if (branches?.length && branches.every((branch) => branch.const !== undefined)) {
    return branches.map((branch) => ({
      value: branch.const as string | number,
      label: branch.title ?? humanise(String(branch.const)),
      hint: branch.description,
    }));
  }
  if (schema.enum) {
    return schema.enum
      .filter((value): value is string | number => typeof value === 'string' || typeof value === 'number')
      .map((value) => ({ value, label: humanise(String(value)) }));
  }
  return null;
}

function kindOf(schema: JsonSchema, root: JsonSchema, path: string, ui: FormUi | null): FieldKind {
  const widget = ui?.widgets?.[path.replace(/\.\d+(?=\.|$)/g, '')];
  const choices = ui?.choices?.[path.replace(/\.(\d+|#)(?=\.|$)/g, '')];
  const options = optionsOf(schema, root);
  if (options) return { kind: 'choice', options };
  switch (primaryType(schema)) {
    case 'boolean':
      return { kind: 'boolean' };
    case 'integer':
    case 'number':
      return { kind: 'number', integer: primaryType(schema) === 'integer' };
    case 'object':
      return { kind: 'group', fields: describeFields(schema, root, ui, path) };
    case 'array': {
      const items = resolve(schema.items ?? {}, root);
      const itemOptions = optionsOf(items, root);
      if (itemOptions) return { kind: 'multi-choice', options: itemOptions };
      // Rows and list entries are numbered after their schema's title: "Share 1", or "Entry 1" without one.
      const itemLabel = items.title ?? 'Entry';
      if (primaryType(items) === 'object') return { kind: 'rows', fields: describeFields(items, root, ui, `${path}.#`), itemLabel };
      return { kind: 'list', item: { ...describeField('value', items, root, ui, `${path}.#.value`, true), label: itemLabel } };
    }
    default:
      if (schema.format === 'date' || widget === 'date') return { kind: 'date' };
      return {
        kind: 'text',
        multiline: widget === 'textarea' || (schema.maxLength ?? 0) > LONG_TEXT,
        maxLength: schema.maxLength,
        ...(choices === undefined ? {} : { choices }),
      };
  }
}

function describeField(
  name: string,
  raw: JsonSchema,
  root: JsonSchema,
  ui: FormUi | null,
  path: string,
  required: boolean,
): Field {
  const schema = resolve(raw, root);
  return {
    ...kindOf(schema, root, path, ui),
    name,
    path,
    label: schema.title ?? humanise(name),
    hint: schema.description,
    required,
    minItems: schema.minItems ?? 0,
    default: schema.default,
  };
}

/**
 * The fields of an object schema, in `ui.order` first and then schema order. Paths inside rows carry
 * `#` where the row index goes; `fieldAt` swaps in the real index.
 */
export function describeFields(raw: JsonSchema, root: JsonSchema, ui: FormUi | null, base = ''): Field[] {
  const schema = resolve(raw, root);
  const names = Object.keys(schema.properties ?? {});
  const order = base === '' ? (ui?.order ?? []) : [];
  const ordered = [...order.filter((name) => names.includes(name)), ...names.filter((name) => !order.includes(name))];
  const required = new Set(schema.required ?? []);
  return ordered.map((name) =>
    describeField(name, schema.properties![name], root, ui, base ? `${base}.${name}` : name, required.has(name)),
  );
}

/** The field in row `index` of a rows or list field: the same description, with the index in its paths. */
export function fieldAt<F extends Field>(field: F, index: number): F {
  const swap = (path: string) => path.replace('#', String(index));
  const withIndex = (inner: Field): Field => ({
    ...inner,
    path: swap(inner.path),
    ...(inner.kind === 'rows' || inner.kind === 'group' ? { fields: inner.fields.map(withIndex) } : {}),
    ...(inner.kind === 'list' ? { item: withIndex(inner.item) } : {}),
  }) as Field;
  return withIndex(field) as F;
}

/**
 * The field a react-hook-form path names, looking through rows and lists; used to word error
 * messages. A path that stops at a row index gives the rows field itself.
 */
export function findField(fields: Field[], path: string): Field | undefined {
  const [head, ...rest] = path.split('.');
  const field = fields.find((candidate) => candidate.name === head);
  if (!field || rest.length === 0) return field;
  switch (field.kind) {
    case 'group':
      return findField(field.fields, rest.join('.'));
    case 'rows':
      return rest.length === 1 ? field : findField(field.fields, rest.slice(1).join('.'));
    case 'list':
      // An item's own description is anonymous; messages about it should name the list.
      return { ...field.item, label: field.label };
    default:
      return field;
  }
}

/** The DOM id of a field's first control: what the error summary links to. */
export function fieldId(path: string): string {
  return `field-${path.replace(/[^A-Za-z0-9_-]/g, '-')}`;
}
