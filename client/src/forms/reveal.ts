import type { FormUi, JsonSchema, RevealWhen } from '../apiTypes.ts';
import { findField, resolve, type Field } from './fields.ts';

/**
 * Questions that apply only when an earlier answer says so. A hidden question is not asked, not
 * required and its answer is not sent; a revealing radio or checkbox shows it beneath the choice
 * that reveals it (the GOV.UK conditional reveal), any other answer shows it in its own place.
 */

/** Top-level question name → the answer that reveals it. */
export type Reveals = ReadonlyMap<string, RevealWhen>;

/**
 * The form's conditional questions: those its UI hints name under `reveal`, and those an `if`/`then`
 * of its schema (at the top or in an `allOf`) requires when one answer is given, unless the schema
 * requires them anyway. An `if` of any other shape reveals nothing: its question is always asked.
 */
export function revealsOf(schema: JsonSchema, ui: FormUi | null): Reveals {
  const reveals = new Map<string, RevealWhen>();
  const always = new Set(resolve(schema, schema).required ?? []);
  for (const part of [schema, ...(schema.allOf ?? []).map((member) => resolve(member, schema))]) {
    const when = part.if && singleAnswer(part.if, schema);
    if (!when) continue;
    for (const name of part.then?.required ?? []) if (!always.has(name)) reveals.set(name, when);
  }
  for (const [name, when] of Object.entries(ui?.reveal ?? {})) reveals.set(name, when);
  return reveals;
}

/** `{properties: {a: {const: v}}, required: [a]}`, nested for a path into groups, as `{field: 'a', equals: v}`. */
function singleAnswer(raw: JsonSchema, root: JsonSchema, base = ''): RevealWhen | null {
  const schema = resolve(raw, root);
  const entries = Object.entries(schema.properties ?? {});
  if (entries.length !== 1) return null;
  const [name, inner] = entries[0]!;
  // Without `required`, the `if` would also hold when the answer is missing.
  if (!schema.required?.includes(name)) return null;
  const field = base ? `${base}.${name}` : name;
  const value = inner.const ?? (inner.enum?.length === 1 ? inner.enum[0] : undefined);
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return { field, equals: value };
  return inner.properties ? singleAnswer(inner, root, field) : null;
}

function answerAt(data: Record<string, unknown>, path: string): unknown {
  return path.split('.').reduce<unknown>((node, key) => (node && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined), data);
}

function holds(when: RevealWhen, data: Record<string, unknown>): boolean {
  const value = answerAt(data, when.field);
  if ('answered' in when) return value !== undefined && !(Array.isArray(value) && value.length === 0);
  return Array.isArray(value) ? value.includes(when.equals) : value === when.equals;
}

/** The data without the answers of hidden questions; a hidden answer hides what it would reveal in turn. */
export function withoutHidden(reveals: Reveals, data: Record<string, unknown>): Record<string, unknown> {
  let shown = data;
  for (;;) {
    const hidden = [...reveals].filter(([name, when]) => name in shown && !holds(when, shown)).map(([name]) => name);
    if (hidden.length === 0) return shown;
    shown = Object.fromEntries(Object.entries(shown).filter(([name]) => !hidden.includes(name)));
  }
}

/** Whether a top-level question is asked, given the answers (as data) so far. */
export function isShown(reveals: Reveals, name: string, data: Record<string, unknown>): boolean {
  const when = reveals.get(name);
  return when === undefined || holds(when, withoutHidden(reveals, data));
}

/** Under each choice that reveals questions, those questions: revealing path → option value → fields. */
export type Conditionals = ReadonlyMap<string, ReadonlyMap<string, Field[]>>;

/** The conditional questions that a radio or checkbox answer reveals, to show beneath that choice. */
export function conditionalsOf(reveals: Reveals, fields: Field[]): Conditionals {
  const placed = new Map<string, Map<string, Field[]>>();
  for (const [name, when] of reveals) {
    const question = fields.find((field) => field.name === name);
    const revealing = findField(fields, when.field);
    if (!question || 'answered' in when || !revealing || !['boolean', 'choice', 'multi-choice'].includes(revealing.kind)) continue;
    const options = placed.get(when.field) ?? new Map<string, Field[]>();
    options.set(String(when.equals), [...(options.get(String(when.equals)) ?? []), question]);
    placed.set(when.field, options);
  }
  return placed;
}

/** The questions shown beneath a choice rather than in their own place. */
export function placedUnderChoices(conditionals: Conditionals): Set<string> {
  return new Set([...conditionals.values()].flatMap((options) => [...options.values()].flat().map((field) => field.name)));
}
