import { useEffect, useState, type TextareaHTMLAttributes } from 'react';
import { useFormContext, useWatch } from 'react-hook-form';
import type { FormValues } from './formValues.ts';

/**
 * The GOV.UK character count, drawn as govuk-frontend's script leaves the page once it has run,
 * in React rather than by that script: the script inserts its messages into a tree React owns and
 * counts only what is typed, so a restored draft or a reset form would show a stale count. Counts
 * code points, as the server's JSON Schema validator counts `maxLength`.
 */

/** How long typing must pause before a screen reader is told the count, as govuk-frontend waits. */
const ANNOUNCE_AFTER_MS = 1000;

/** Numbers as govuk-frontend writes them for the page's language: "10,000". */
const number = new Intl.NumberFormat('en-GB');

function countMessage(remaining: number): string {
  if (remaining === 0) return 'You have 0 characters remaining';
  const count = Math.abs(remaining);
  const characters = `${number.format(count)} ${count === 1 ? 'character' : 'characters'}`;
  return remaining > 0 ? `You have ${characters} remaining` : `You have ${characters} too many`;
}

/** The count's messages after the textarea; the textarea itself gets `infoId` in its `aria-describedby`. */
export function CharacterCountTextarea({
  path,
  maxLength,
  error,
  textarea,
}: {
  path: string;
  maxLength: number;
  /** The field already shows an error message: the textarea is marked by it, not by the count. */
  error: boolean;
  textarea: TextareaHTMLAttributes<HTMLTextAreaElement> & { id: string };
}) {
  const { control } = useFormContext<FormValues>();
  const value = useWatch({ control, name: path });
  const remaining = maxLength - [...(typeof value === 'string' ? value : '')].length;
  const message = countMessage(remaining);
  const [announced, setAnnounced] = useState(message);
  useEffect(() => {
    const timer = window.setTimeout(() => setAnnounced(message), ANNOUNCE_AFTER_MS);
    return () => window.clearTimeout(timer);
  }, [message]);
  const over = remaining < 0;
  const infoId = `${textarea.id}-info`;
  return (
    <>
      <textarea
        {...textarea}
        className={`govuk-textarea govuk-js-character-count${error || over ? ' govuk-textarea--error' : ''}`}
        rows={5}
        aria-describedby={[infoId, textarea['aria-describedby']].filter(Boolean).join(' ')}
      />
      <div id={infoId} className="govuk-hint govuk-character-count__message govuk-visually-hidden">
        You can enter up to {number.format(maxLength)} characters
      </div>
      <div className={`${over ? 'govuk-error-message' : 'govuk-hint'} govuk-character-count__message govuk-character-count__status`} aria-hidden="true">
        {message}
      </div>
      <div className="govuk-character-count__sr-status govuk-visually-hidden" aria-live="polite">
        {announced}
      </div>
    </>
  );
}
