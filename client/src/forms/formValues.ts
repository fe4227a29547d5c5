import type { Field } from './fields.ts';

/**
 * Two representations of a form's answers: what the inputs hold (strings, as typed, so nothing is
 * lost while someone is half-way through), and the JSON data the schema describes (typed, with empty
 * optional answers left out rather than sent as "").
 */

export interface DateParts {
  day: string;
  month: string;
  year: string;
}

export type FormValue = string | string[] | DateParts | FormValues | FormValues[];
export type FormValues = { [name: string]: FormValue };

const EMPTY_DATE: DateParts = { day: '', month: '', year: '' };

/** The inputs' starting values for one field: its schema `default`, or empty. */
export function toFormValue(field: Field, data: unknown): FormValue {
  switch (field.kind) {
    case 'text':
    case 'number':
    case 'choice':
      return data === undefined || data === null ? '' : String(data);
    case 'boolean':
      return typeof data === 'boolean' ? String(data) : '';
    case 'date': {
      const match = typeof data === 'string' ? /^(\d{4})-(\d{2})-(\d{2})$/.exec(data) : null;
      return match ? { year: match[1], month: String(Number(match[2])), day: String(Number(match[3])) } : { ...EMPTY_DATE };
    }
    case 'multi-choice':
      return Array.isArray(data) ? data.map(String) : [];
    case 'list': {
      const items = Array.isArray(data) ? data : Array.from({ length: Math.max(field.minItems, 1) }, () => undefined);
      return items.map((item) => ({ value: toFormValue(field.item, item) }));
    }
    case 'rows': {
      const rows = Array.isArray(data) ? data : Array.from({ length: field.minItems }, () => undefined);
      return rows.map((row) => toFormValues(field.fields, row));
    }
    case 'group':
      return toFormValues(field.fields, data);
  }
}

export function toFormValues(fields: Field[], data: unknown): FormValues {
  const object = (data && typeof data === 'object' ? data : {}) as Record<string, unknown>;
  return Object.fromEntries(
    fields.map((field) => [field.name, toFormValue(field, object[field.name] ?? field.default)]),
  );
}

function dateToData(parts: DateParts): string | undefined {
  const { day, month, year } = { ...EMPTY_DATE, ...parts };
  if (!day.trim() && !month.trim() && !year.trim()) return undefined;
  const pad = (text: string, width: number) => text.trim().padStart(width, '0');
  // An impossible or partial date is passed on as typed, so the schema's `format: date` rejects it.
  return `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}`;
}

/** One field's data; `undefined` means "leave the property out". */
function toDataValue(field: Field, value: FormValue | undefined): unknown {
  switch (field.kind) {
    case 'text': {
      const text = typeof value === 'string' ? value.trim() : '';
      return text === '' ? undefined : text;
    }
    case 'number': {
      const text = typeof value === 'string' ? value.trim() : '';
      if (text === '') return undefined;
      // Anything that is not plainly a number is kept as text so that validation names the field.
      return /^-?\d+(\.\d+)?$/.test(text) ? Number(text) : text;
    }
    case 'date':
      return dateToData(value as DateParts);
    case 'boolean':
      return value === 'true' ? true : value === 'false' ? false : undefined;
    case 'choice':
      return field.options.find((option) => String(option.value) === value)?.value;
    case 'multi-choice': {
      const chosen = Array.isArray(value) ? (value as string[]) : [];
      const data = field.options.filter((option) => chosen.includes(String(option.value))).map((option) => option.value);
      // No box ticked is no answer: a checkbox group cannot say "none" unless it offers that as an option.
      return data.length === 0 ? undefined : data;
    }
    case 'list': {
      const items = Array.isArray(value) ? (value as FormValues[]) : [];
      const data = items.map((item) => toDataValue(field.item, item.value)).filter((item) => item !== undefined);
      return emptyArray(field, data);
    }
    case 'rows': {
      const rows = Array.isArray(value) ? (value as FormValues[]) : [];
      return emptyArray(field, rows.map((row) => toData(field.fields, row)));
    }
    case 'group': {
      const data = toData(field.fields, (value ?? {}) as FormValues);
      return Object.keys(data).length === 0 && !field.required ? undefined : data;
    }
  }
}

/** A required list of rows is sent even when empty: adding none is a deliberate answer the schema may allow. */
function emptyArray(field: Field, data: unknown[]): unknown[] | undefined {
  return data.length === 0 && !field.required ? undefined : data;
}

/** The data the schema describes, from the inputs' values. */
export function toData(fields: Field[], values: FormValues): Record<string, unknown> {
  const data: Record<string, unknown> = {};
  for (const field of fields) {
    const value = toDataValue(field, values[field.name]);
    if (value !== undefined) data[field.name] = value;
  }
  return data;
}
