/**
 * Lists a case keeps, item by item: an action plan's actions, each with its owner, due date and
 * status. A step whose event has `updateItem: <list>` adds the item its answers describe or updates
 * the one they name; the list is then a fact of the case (`data.<list>`) that every later rule,
 * deadline and report reads. Each item may have its own deadline (a deadline with `each: <list>`).
 * Pure: the step's date and answers in, the list out.
 */
import type { DeadlineDef, Effect, IsoDate, ListDef, ProcessDef, TransitionDef } from './definition.ts';
import { evaluateValue, isPresent, readPath, type EvalEnv } from './expressions.ts';

/** One item as the case keeps it: `id`, the list's fields, whether it is still open, and when it was last updated. */
export type ListItem = Record<string, unknown> & { id: string; open: boolean; updatedOn: IsoDate };

/** The lists a transition updates: the names of its `updateItem` effects (whatever their `when`). */
function listsUpdatedBy(transition: TransitionDef | undefined): string[] {
  return (transition?.effects ?? []).flatMap((e: Effect) => ('updateItem' in e ? [e.updateItem] : []));
}

/**
 * The answers that belong to the items of the lists a transition updates: they are kept on the item,
 * not as facts of the case, so the next update of another item can give other values.
 */
export function itemAnswers(def: ProcessDef, transition: TransitionDef | undefined): Set<string> {
  const names = new Set<string>();
  for (const list of listsUpdatedBy(transition)) {
    const listDef = def.lists?.[list];
    if (listDef === undefined) continue;
    names.add(listDef.key);
    for (const field of listDef.fields) names.add(field);
  }
  return names;
}

const normalised = (text: string) => text.trim().toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');

/** A status given in the list's words (`In progress`, `complete`) as the status id; other words as written. */
export function statusId(listDef: ListDef, given: unknown): unknown {
  if (typeof given !== 'string' || listDef.status === undefined) return given;
  const wanted = normalised(given);
  return listDef.status.values.find((s) => s.id === wanted || normalised(s.label) === wanted)?.id ?? given;
}

/** Whether an item with this status is closed: a status the list marks as closing. */
function closes(listDef: ListDef, status: unknown): boolean {
  return listDef.status?.values.some((s) => s.id === status && s.closes === true) ?? false;
}

/** The item the answers name: by key, else by `matchBy`; undefined for a new item. */
function findItem(listDef: ListDef, items: readonly ListItem[], answers: Record<string, unknown>): ListItem | undefined {
  const key = answers[listDef.key];
  if (isPresent(key)) return items.find((item) => item.id === String(key).trim());
  if (listDef.matchBy === undefined) return undefined;
  const match = answers[listDef.matchBy];
  if (typeof match !== 'string' || !isPresent(match)) return undefined;
  return items.find((item) => typeof item[listDef.matchBy!] === 'string' && normalised(item[listDef.matchBy!] as string) === normalised(match));
}

/** A new item's id: the key given, else the next number not yet used. */
function newId(listDef: ListDef, items: readonly ListItem[], answers: Record<string, unknown>): string {
  const key = answers[listDef.key];
  if (isPresent(key)) return String(key).trim();
  let n = items.length + 1;
  while (items.some((item) => item.id === String(n))) n++;
  return String(n);
}

export interface ListUpdate {
  items: ListItem[];
  /** The item added or updated. */
  item: ListItem;
}

/**
 * Adds or updates the item the step's answers describe. Answers the step does not give keep the
 * item's values; `defaults` fill what neither gives (on the step's date); a closing status records
 * `closedOn` (the answer, else the step's date), and reopening the item clears it.
 */
export function updateList(listDef: ListDef, current: unknown, answers: Record<string, unknown>, env: EvalEnv): ListUpdate {
  const items = Array.isArray(current) ? (current as ListItem[]) : [];
  const before = findItem(listDef, items, answers);
  const item: ListItem = { ...(before ?? { id: newId(listDef, items, answers), open: true, updatedOn: env.today }) };
  for (const field of listDef.fields) if (isPresent(answers[field])) item[field] = answers[field];
  for (const [field, expr] of Object.entries(listDef.defaults ?? {})) {
    if (isPresent(item[field])) continue;
    const value = evaluateValue(expr, env);
    if (isPresent(value)) item[field] = value;
  }
  if (listDef.status !== undefined && item[listDef.status.field] !== undefined) item[listDef.status.field] = statusId(listDef, item[listDef.status.field]);
  item.open = listDef.status === undefined || !closes(listDef, item[listDef.status.field]);
  item.updatedOn = env.today;
  if (listDef.closedOn !== undefined) {
    if (item.open) delete item[listDef.closedOn];
    else if (!isPresent(answers[listDef.closedOn]) && (before === undefined || before.open)) item[listDef.closedOn] = env.today;
  }
  const ordered = inOrder(listDef, item);
  const updated = before === undefined ? [...items, ordered] : items.map((i) => (i === before ? ordered : i));
  return { items: updated, item: ordered };
}

/** The item's keys in one order (id, the list's fields as written, open, updatedOn), so equal items read the same. */
function inOrder(listDef: ListDef, item: ListItem): ListItem {
  const ordered: Record<string, unknown> = { id: item.id };
  for (const field of listDef.fields) if (item[field] !== undefined) ordered[field] = item[field];
  return { ...ordered, open: item.open, updatedOn: item.updatedOn } as ListItem;
}

/** The deadline of one item: its id, label, due date (read on the item) and where its satisfying date is. */
export interface ItemDeadline {
  id: string;
  label: string;
  due: unknown;
  /** A path into the case data: `<list>.<index>.<field>`. */
  satisfiedBy: string | null;
}

/** The deadlines with `each: <list>`, for one of its items (at `index` in the list). */
export function itemDeadlines(def: ProcessDef, list: string, item: ListItem, index: number, env: EvalEnv): ItemDeadline[] {
  return Object.entries(def.deadlines ?? {})
    .filter(([, d]) => d.each === list)
    .map(([id, d]) => ({
      id: itemDeadlineId(id, item.id),
      label: itemLabel(d, item),
      due: evaluateValue(d.due, { ...env, data: item }),
      satisfiedBy: d.satisfiedBy === undefined ? null : `${list}.${index}.${d.satisfiedBy}`,
    }));
}

export function itemDeadlineId(deadline: string, itemId: string): string {
  return `${deadline}-${itemId}`;
}

const LABEL_TEXT = 80;

function itemLabel(deadline: DeadlineDef, item: ListItem): string {
  return deadline.label.replace(/\{item(?:\.([A-Za-z0-9_.]+))?\}/g, (_whole, field: string | undefined) => {
    if (field === undefined) return item.id;
    const value = readPath(item, field);
    const text = value === undefined || value === null ? '' : String(value).trim();
    // A label names the item in lists and reminders; the whole answer is on the case.
    return text.length > LABEL_TEXT ? `${text.slice(0, LABEL_TEXT - 1).trimEnd()}…` : text;
  });
}
