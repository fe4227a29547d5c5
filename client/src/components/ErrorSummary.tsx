import { useEffect, useRef } from 'react';
import { fieldId } from '../forms/fields.ts';

export interface SummaryItem {
  message: string;
  /** The field's react-hook-form path; none for a message about the answers as a whole (a guard). */
  path?: string;
}

/** The element a path's error should take the reader to: the field, or failing that its nearest ancestor. */
function targetOf(path: string): HTMLElement | null {
  const parts = path.split('.');
  for (let length = parts.length; length > 0; length--) {
    const element = document.getElementById(fieldId(parts.slice(0, length).join('.')));
    if (element) return element;
  }
  return null;
}

/**
 * The GOV.UK error summary. It takes focus whenever `focusKey` changes (each failed attempt), and
 * each link moves focus to its field, scrolled so the field's label or legend is in view.
 */
export function ErrorSummary({
  items,
  focusKey,
  title = 'There is a problem',
}: {
  items: SummaryItem[];
  focusKey: string | number;
  title?: string;
}) {
  const summary = useRef<HTMLDivElement>(null);

  const hasItems = items.length > 0;

  // Focus follows each new attempt, not every re-render of the same errors.
  useEffect(() => {
    if (hasItems) summary.current?.focus();
  }, [focusKey, hasItems]);

  if (items.length === 0) return null;
  return (
    <div className="govuk-error-summary" ref={summary} tabIndex={-1} role="alert" aria-labelledby="error-summary-title">
      <h2 className="govuk-error-summary__title" id="error-summary-title">
        {title}
      </h2>
      <div className="govuk-error-summary__body">
        <ul className="govuk-list govuk-error-summary__list">
          {items.map((item, index) => (
            <li key={`${item.path ?? ''}${index}`}>
              {item.path && item.path !== 'root' ? (
                <a
                  href={`#${fieldId(item.path)}`}
                  onClick={(event) => {
                    const target = targetOf(item.path!);
                    if (!target) return;
                    event.preventDefault();
                    (target.closest('fieldset') ?? target).scrollIntoView();
                    target.focus({ preventScroll: true });
                  }}
                >
                  {item.message}
                </a>
              ) : (
                item.message
              )}
            </li>
          ))}
        </ul>
      </div>
    </div>
  );
}
