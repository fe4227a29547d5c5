import type { FormEvent } from 'react';
import { fieldId } from '../forms/fields.ts';

/**
 * A "from" and "to" filter of GOV.UK date inputs (day, month and year boxes), read as ISO dates. What
 * cannot be a date is refused here with the GOV.UK pattern's messages ("… must include a month",
 * "… must be a real date"), naming and marking only the boxes at fault; the page shows them in its
 * error summary, linked by `pathOf`, and beside the date.
 */

export type RangeField = 'from' | 'to';
export type Range = Record<RangeField, string>;

const PARTS = [
  { part: 'day', label: 'Day', width: 2 },
  { part: 'month', label: 'Month', width: 2 },
  { part: 'year', label: 'Year', width: 4 },
] as const;
type Part = (typeof PARTS)[number]['part'];

export interface DateProblem {
  message: string;
  /** The boxes to mark as wrong: all three when the date as a whole is. */
  parts: readonly Part[];
}

export type RangeProblems = Partial<Record<RangeField, DateProblem>>;

/** How each date is named in messages, and what to ask for when it is left empty. */
const WORDS: Record<RangeField, { name: string; missing: string; example: string }> = {
  from: { name: 'The date the period starts', missing: 'Enter the date the period starts', example: '1 4 2023' },
  to: { name: 'The date the period ends', missing: 'Enter the date the period ends', example: '31 3 2024' },
};

/** The date the boxes hold as `YYYY-MM-DD`, or what is wrong with it. */
export function readDate(field: RangeField, typed: Record<Part, string>): { date: string } | { problem: DateProblem } {
  const { name, missing, example } = WORDS[field];
  const empty = PARTS.map(({ part }) => part).filter((part) => typed[part] === '');
  if (empty.length === 3) return { problem: { message: `${missing}, for example ${example}`, parts: empty } };
  if (empty.length > 0) return { problem: { message: `${name} must include a ${empty.join(' and ')}`, parts: empty } };
  const [day, month, year] = [typed.day, typed.month, typed.year].map(Number);
  const real =
    /^\d{1,2}$/.test(typed.day) && /^\d{1,2}$/.test(typed.month) && /^\d{4}$/.test(typed.year) &&
    new Date(Date.UTC(year!, month! - 1, day!)).getUTCDate() === day && month! >= 1 && month! <= 12;
  if (!real) return { problem: { message: `${name} must be a real date`, parts: PARTS.map(({ part }) => part) } };
  return { date: `${typed.year}-${typed.month.padStart(2, '0')}-${typed.day.padStart(2, '0')}` };
}

function partsOf(date: string): Record<Part, string> {
  const [year = '', month = '', day = ''] = /^\d{4}-\d{2}-\d{2}$/.test(date) ? date.split('-') : [];
  return { day: day.replace(/^0/, ''), month: month.replace(/^0/, ''), year };
}

export function DateRangeFilter({
  range,
  pathOf,
  problems,
  onApply,
  onRefuse,
}: {
  /** The dates shown, as ISO dates; '' for none. */
  range: Range;
  /** Each date's path for `fieldId`: the error summary links to its day box. */
  pathOf: Record<RangeField, string>;
  problems: RangeProblems;
  onApply(range: Range): void;
  onRefuse(problems: RangeProblems): void;
}) {
  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const read = (field: RangeField) =>
      readDate(field, Object.fromEntries(PARTS.map(({ part }) => [part, String(form.get(`${field}-${part}`) ?? '').trim()])) as Record<Part, string>);
    const from = read('from');
    const to = read('to');
    if ('date' in from && 'date' in to) onApply({ from: from.date, to: to.date });
    else onRefuse({ ...('problem' in from ? { from: from.problem } : {}), ...('problem' in to ? { to: to.problem } : {}) });
  }

  return (
    // The key renews the boxes' default values when a link changes the period.
    <form className="app-filters" onSubmit={submit} noValidate key={`${range.from}:${range.to}`}>
      {(['from', 'to'] as const).map((field) => {
        const problem = problems[field];
        const id = fieldId(pathOf[field]);
        const typed = partsOf(range[field]);
        return (
          <div className={`govuk-form-group app-filters__item${problem ? ' govuk-form-group--error' : ''}`} key={field}>
            <fieldset className="govuk-fieldset" role="group" aria-describedby={`${id}-hint${problem ? ` ${id}-error` : ''}`}>
              <legend className="govuk-fieldset__legend govuk-fieldset__legend--s">{field === 'from' ? 'From' : 'To'}</legend>
              <div className="govuk-hint" id={`${id}-hint`}>
                For example, {WORDS[field].example}
              </div>
              {problem && (
                <p className="govuk-error-message" id={`${id}-error`}>
                  <span className="govuk-visually-hidden">Error:</span> {problem.message}
                </p>
              )}
              <div className="govuk-date-input">
                {PARTS.map(({ part, label, width }) => {
                  // The day box carries the date's id, so the error summary's link lands on it.
                  const partId = part === 'day' ? id : `${id}-${part}`;
                  const wrong = problem?.parts.includes(part) ?? false;
                  return (
                    <div className="govuk-date-input__item" key={part}>
                      <div className="govuk-form-group">
                        <label className="govuk-label govuk-date-input__label" htmlFor={partId}>
                          {label}
                        </label>
                        <input
                          className={`govuk-input govuk-date-input__input govuk-input--width-${width}${wrong ? ' govuk-input--error' : ''}`}
                          id={partId}
                          name={`${field}-${part}`}
                          type="text"
                          inputMode="numeric"
                          defaultValue={typed[part]}
                        />
                      </div>
                    </div>
                  );
                })}
              </div>
            </fieldset>
          </div>
        );
      })}
      <button type="submit" className="govuk-button govuk-button--secondary app-filters__item">
        Show
      </button>
    </form>
  );
}
