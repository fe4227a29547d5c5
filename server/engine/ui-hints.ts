/**
 * Checks a form's UI hints against its schema. The engine ignores the hints, but a hint naming a
 * question the form does not have, or hiding one the schema requires (the form could never be
 * sent), is a configuration mistake to catch before anyone fills the form in.
 */
import { CHOICE_SOURCES } from './form-choices.ts';
import type { FormDef } from './forms.ts';

type Schema = Record<string, unknown>;

const SCALAR = new Set(['string', 'number', 'boolean']);

/** The problems of `ui.order`, `ui.groups` and `ui.reveal`, each a sentence naming the key; empty when they fit. */
export function uiHintProblems(form: FormDef): string[] {
  const ui = form.ui ?? {};
  const properties = propertiesOf(form.schema, form.schema);
  const required = new Set(Array.isArray(form.schema.required) ? (form.schema.required as unknown[]) : []);
  const problems: string[] = [];
  const order = ui.order;
  if (order !== undefined) {
    if (!Array.isArray(order)) problems.push('order must be a list of the form\'s question names');
    else for (const name of order) if (typeof name !== 'string' || !(name in properties)) problems.push(`order names "${String(name)}", which is not a question of the form`);
  }
  problems.push(...groupProblems(ui.groups, properties));
  problems.push(...choiceProblems(form.schema, ui.choices));
  const reveal = ui.reveal;
  if (reveal === undefined) return problems;
  if (!isObject(reveal)) return [...problems, 'reveal must map each conditional question to the answer that reveals it'];
  for (const [name, when] of Object.entries(reveal)) {
    const at = `reveal.${name}`;
    if (!(name in properties)) problems.push(`${at}: "${name}" is not a question of the form`);
    else if (required.has(name)) problems.push(`${at}: "${name}" is required, so it cannot be hidden; reveal only optional questions`);
    if (!isObject(when) || typeof when.field !== 'string' || Object.keys(when).length !== 2 || !('equals' in when || when.answered === true)) {
      problems.push(`${at} must be {field, equals: an answer} or {field, answered: true}`);
      continue;
    }
    const revealing = schemaAt(form.schema, when.field);
    if (revealing === undefined) problems.push(`${at}.field: "${when.field}" is not a question of the form`);
    else if (when.field.split('.')[0] === name) problems.push(`${at}.field: a question cannot reveal itself`);
    else if ('equals' in when && !SCALAR.has(typeof when.equals)) problems.push(`${at}.equals must be a text, number or true/false answer`);
    else if ('equals' in when && !allows(revealing, when.equals, form.schema)) problems.push(`${at}.equals: ${JSON.stringify(when.equals)} is not an answer "${when.field}" can have`);
  }
  return problems;
}

/** `groups`: the pages of a long form, each a title and the questions it asks; a question on one page at most. */
function groupProblems(groups: unknown, properties: Record<string, Schema>): string[] {
  if (groups === undefined) return [];
  if (!Array.isArray(groups)) return ['groups must be a list of {title, questions}: the pages a long form is asked on'];
  const problems: string[] = [];
  const placed = new Map<string, number>();
  groups.forEach((group, index) => {
    const at = `groups.${index}`;
    if (!isObject(group) || typeof group.title !== 'string' || group.title.trim() === '' || !Array.isArray(group.questions) || group.questions.length === 0) {
      problems.push(`${at} must be {title: a page title, questions: the names of the questions it asks}`);
      return;
    }
    if (groups.some((other, before) => before < index && isObject(other) && other.title === group.title)) problems.push(`${at}.title: "${group.title}" is the title of an earlier group`);
    for (const name of group.questions) {
      if (typeof name !== 'string' || !(name in properties)) problems.push(`${at}.questions names "${String(name)}", which is not a question of the form`);
      else if (placed.has(name)) problems.push(`${at}.questions: "${name}" is already in groups.${placed.get(name)}`);
      else placed.set(name, index);
    }
  });
  return problems;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Follows `#/…` references: every form schema is self-contained. */
function resolved(schema: Schema, root: Schema): Schema {
  let current = schema;
  for (let depth = 0; typeof current.$ref === 'string' && depth < 32; depth++) {
    const target = current.$ref
      .replace(/^#\/?/, '')
      .split('/')
      .filter(Boolean)
      .reduce<unknown>((node, part) => (isObject(node) ? node[part.replaceAll('~1', '/').replaceAll('~0', '~')] : undefined), root);
    current = isObject(target) ? target : {};
  }
  return current;
}

function propertiesOf(schema: Schema, root: Schema): Record<string, Schema> {
  const own = resolved(schema, root).properties;
  return isObject(own) ? (own as Record<string, Schema>) : {};
}

/** The schema of a dotted path into nested objects, or undefined when the form has no such question. */
function schemaAt(root: Schema, path: string): Schema | undefined {
  let current: Schema | undefined = root;
  for (const part of path.split('.')) current = current === undefined ? undefined : propertiesOf(current, root)[part];
  return current === undefined ? undefined : resolved(current, root);
}

/** Whether an answer can be `value`: its options when it has them (a checkbox's, for a list), its type otherwise. */
function allows(raw: Schema, value: unknown, root: Schema): boolean {
  const schema = resolved(raw, root);
  if (schema.type === 'array' && isObject(schema.items)) return allows(schema.items, value, root);
  const branches = (Array.isArray(schema.oneOf) ? schema.oneOf : Array.isArray(schema.anyOf) ? schema.anyOf : []).filter(isObject).map((branch) => resolved(branch, root));
  if (branches.length > 0 && branches.every((branch) => 'const' in branch)) return branches.some((branch) => branch.const === value);
  if (Array.isArray(schema.enum)) return schema.enum.includes(value);
  if ('const' in schema) return schema.const === value;
  const types = Array.isArray(schema.type) ? schema.type : [schema.type];
  return types.some((type) => type === typeof value || (type === 'integer' && Number.isInteger(value)) || type === undefined);
}

/**
 * `ui.choices`: each a text question (a dotted path, through the rows of a list) offered the
 * partnership's choices; the schema must accept any text there, or a written-in answer would be refused.
 */
function choiceProblems(root: Schema, choices: unknown): string[] {
  if (choices === undefined) return [];
  if (!isObject(choices)) return ['choices must map each question to where its choices come from'];
  const problems: string[] = [];
  for (const [path, hint] of Object.entries(choices)) {
    const at = `choices.${path}`;
    if (!isObject(hint) || !CHOICE_SOURCES.includes(hint.from as never) || Object.keys(hint).some((k) => k !== 'from' && k !== 'other') || (hint.other !== undefined && typeof hint.other !== 'string')) {
      problems.push(`${at} must be {from: ${CHOICE_SOURCES.join(' | ')}, other?: the label of an answer written in}`);
    }
    const question = schemaThroughRows(root, path);
    if (question === undefined) problems.push(`${at}: "${path}" is not a question of the form`);
    else if (question.type !== 'string' || 'enum' in question || 'oneOf' in question || 'const' in question) problems.push(`${at}: "${path}" must be a text question, so that any agency's name is accepted`);
  }
  return problems;
}

/** Like `schemaAt`, but a list's part of the path names its items' question. */
function schemaThroughRows(root: Schema, path: string): Schema | undefined {
  let current: Schema | undefined = root;
  for (const part of path.split('.')) {
    if (current === undefined) return undefined;
    const here: Schema = resolved(current, root);
    const items: Schema | undefined = here.type === 'array' && isObject(here.items) ? resolved(here.items, root) : undefined;
    current = propertiesOf(items ?? here, root)[part];
  }
  return current === undefined ? undefined : resolved(current, root);
}
