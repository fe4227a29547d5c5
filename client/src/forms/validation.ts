import type { ErrorObject, ValidateFunction } from 'ajv';
import { get, set, type FieldErrors } from 'react-hook-form';
import { midSentence } from '../format.ts';
import { findField, type Field } from './fields.ts';
import type { FormValues } from './formValues.ts';
import { requireValidatorRuntime } from './validatorRuntime.ts';

export type FormErrors = FieldErrors<FormValues>;

/** What the server sends at `…/forms/:formId/validator.js`: Ajv's standalone code for the form. */
export type ValidatorFactory = (require: (name: string) => unknown) => ValidateFunction;

/**
 * The form's validator: the very code the server validates with, compiled by the server's Ajv
 * and loaded as a same-origin module. Null when it cannot be loaded; the server checks every
 * submission anyway, and its answer lands on the same fields.
 */
export async function loadValidator(url: string): Promise<ValidateFunction | null> {
  try {
    const module = (await import(/* @vite-ignore */ url)) as { default: ValidatorFactory };
    return module.default(requireValidatorRuntime);
  } catch {
    return null;
  }
}

/** `/costShares/0/percent` → `costShares.0.percent`, react-hook-form's way of naming the same field. */
export function pointerToPath(pointer: string): string {
  return pointer
    .split('/')
    .slice(1)
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .join('.');
}

function put(errors: FormErrors, path: string, type: string, message: string): void {
  const key = path || 'root';
  // The first error for a field is the most specific (Ajv reports a `const` mismatch before its `oneOf`).
  if ((get(errors, key) as { message?: string } | undefined)?.message) return;
  set(errors, key, { type, message });
}

function isQuestion(label: string): boolean {
  return label.trim().endsWith('?');
}

function askToChoose(field: Field): string {
  return isQuestion(field.label) ? `Answer “${field.label}”` : `Select ${midSentence(field.label)}`;
}

function askToEnter(field: Field): string {
  if (field.kind === 'choice' || field.kind === 'boolean' || field.kind === 'multi-choice') return askToChoose(field);
  return isQuestion(field.label) ? `Answer “${field.label}”` : `Enter ${midSentence(field.label)}`;
}

/** A GOV.UK-style message ("Enter a summary", "… must be a real date") for one Ajv error. */
function messageFor(error: ErrorObject, field: Field | undefined): string {
  if (!field) return error.message ? `The answers ${error.message}` : 'Check your answers';
  const params = error.params as Record<string, unknown>;
  const label = field.label;
  switch (error.keyword) {
    case 'required':
    case 'dependentRequired':
      return askToEnter(field);
    case 'minLength':
      return params.limit === 1 ? askToEnter(field) : `${label} must be ${params.limit} characters or more`;
    case 'maxLength':
      return `${label} must be ${params.limit} characters or fewer`;
    case 'format':
      return params.format === 'date' ? `${label} must be a real date` : `Enter ${midSentence(label)} in the right format`;
    case 'enum':
    case 'const':
    case 'oneOf':
    case 'anyOf':
      return askToChoose(field);
    case 'type':
      if (params.type === 'integer') return `${label} must be a whole number`;
      if (params.type === 'number') return `${label} must be a number`;
      return askToEnter(field);
    case 'minimum':
      return `${label} must be ${params.limit} or more`;
    case 'maximum':
      return `${label} must be ${params.limit} or less`;
    case 'minItems':
      return field.kind === 'multi-choice'
        ? `Select at least ${params.limit} for ${midSentence(label)}`
        : `Add at least ${params.limit} to ${midSentence(label)}`;
    case 'maxItems':
      return `${label} can have at most ${params.limit}`;
    case 'uniqueItems':
      return `${label} must not list the same answer twice`;
    default:
      return `${label} ${error.message ?? 'is not valid'}`;
  }
}

/** Ajv's errors as react-hook-form errors on the fields they concern, worded for the person filling the form. */
export function ajvErrorsToFieldErrors(errors: ErrorObject[], fields: Field[]): FormErrors {
  const result: FormErrors = {};
  for (const error of errors) {
    // An `if` failure only says which branch applied; the branch's own errors name the fields.
    if (error.keyword === 'if') continue;
    const missing = (error.params as { missingProperty?: string }).missingProperty;
    const path = pointerToPath(missing === undefined ? error.instancePath : `${error.instancePath}/${missing}`);
    put(result, path, error.keyword, messageFor(error, findField(fields, path)));
  }
  return result;
}

export interface ErrorListItem {
  path: string;
  message: string;
}

/** Every message in a react-hook-form error tree, in form order, for the error summary. */
export function listErrors(errors: FormErrors, fields: Field[]): ErrorListItem[] {
  const items: ErrorListItem[] = [];
  const visit = (node: unknown, path: string) => {
    if (!node || typeof node !== 'object') return;
    const message = (node as { message?: unknown }).message;
    if (typeof message === 'string' && message) items.push({ path, message });
    for (const [key, child] of Object.entries(node)) {
      if (key !== 'message' && key !== 'type' && key !== 'ref' && key !== 'types') visit(child, path ? `${path}.${key}` : key);
    }
  };
  const known = fields.map((field) => field.name);
  // Fields first in form order; then anything the server named that the form does not show, and `root`.
  const names = [...known, ...Object.keys(errors).filter((name) => !known.includes(name))];
  for (const name of names) visit((errors as Record<string, unknown>)[name], name);
  return items;
}
