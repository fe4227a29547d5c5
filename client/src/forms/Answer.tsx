import type { ReactNode } from 'react';
import { formatDate, humanise, ISO_DATE } from '../format.ts';
import type { Field } from './fields.ts';

/**
 * Data shown to a person: option labels instead of ids, "Yes"/"No", dates in words. With its form
 * field known the labels are the form's own; without (older data, fields no form shows) it falls back
 * to readable guesses.
 */

const NOT_GIVEN = <span className="app-secondary-text">Not given</span>;

function optionLabel(field: Field | undefined, value: unknown): string | undefined {
  if (field?.kind === 'choice' || field?.kind === 'multi-choice') {
    return field.options.find((option) => option.value === value)?.label;
  }
  return undefined;
}

function isEmpty(value: unknown): boolean {
  if (value === undefined || value === null || value === '') return true;
  return typeof value === 'object' && Object.keys(value).length === 0;
}

/** "Share (%):", but "Who pays this share?" as it is. */
function withColon(label: string): string {
  return /[?:]$/.test(label) ? label : `${label}:`;
}

function Pairs({ fields, value }: { fields: Field[] | undefined; value: Record<string, unknown> }) {
  const names = fields ? fields.map((field) => field.name).filter((name) => name in value) : Object.keys(value);
  return (
    <ul className="govuk-list">
      {names.map((name) => {
        const field = fields?.find((candidate) => candidate.name === name);
        return (
          <li key={name}>
            {withColon(field?.label ?? humanise(name))} <Answer field={field} value={value[name]} />
          </li>
        );
      })}
    </ul>
  );
}

export function Answer({ field, value }: { field?: Field; value: unknown }): ReactNode {
  if (isEmpty(value)) return NOT_GIVEN;
  if (typeof value === 'boolean') return value ? 'Yes' : 'No';
  if (typeof value === 'string' || typeof value === 'number') {
    const label = optionLabel(field, value);
    if (label) return label;
    if (typeof value === 'string' && (field?.kind === 'date' || ISO_DATE.test(value))) return formatDate(value);
    return <span className="app-preserve-lines">{String(value)}</span>;
  }
  if (Array.isArray(value)) {
    const item = field?.kind === 'list' ? field.item : field?.kind === 'rows' ? undefined : field;
    const rowFields = field?.kind === 'rows' ? field.fields : undefined;
    return (
      <ul className="govuk-list">
        {value.map((entry, index) => (
          <li key={index}>
            {rowFields && entry && typeof entry === 'object' ? (
              <Pairs fields={rowFields} value={entry as Record<string, unknown>} />
            ) : (
              <Answer field={item} value={entry} />
            )}
          </li>
        ))}
      </ul>
    );
  }
  if (typeof value === 'object') {
    return <Pairs fields={field?.kind === 'group' ? field.fields : undefined} value={value as Record<string, unknown>} />;
  }
  return String(value);
}
