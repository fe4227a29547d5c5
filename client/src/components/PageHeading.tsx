import { useEffect, useRef } from 'react';
import { takeHeadingFocus } from '../router.tsx';

export const SERVICE_NAME = 'Safeguarding partnership cases';

/**
 * The page's one `h1`, and its browser tab title. After an in-app navigation (or when `focus` is set,
 * for a new step within a page) it takes focus, so keyboard and screen reader users start there.
 */
export function PageHeading({
  children,
  caption,
  error = false,
  focus = false,
  size = 'l',
}: {
  children: string;
  caption?: string;
  /** Prefixes the tab title with "Error:", as the GOV.UK error summary pattern asks. */
  error?: boolean;
  focus?: boolean;
  size?: 'l' | 'xl';
}) {
  const heading = useRef<HTMLHeadingElement>(null);

  useEffect(() => {
    document.title = `${error ? 'Error: ' : ''}${children} – ${SERVICE_NAME}`;
  }, [children, error]);

  useEffect(() => {
    if (takeHeadingFocus() || focus) heading.current?.focus();
  }, [focus]);

  return (
    <>
      {caption && <span className={`govuk-caption-${size}`}>{caption}</span>}
      <h1 className={`govuk-heading-${size} app-heading`} tabIndex={-1} ref={heading}>
        {children}
      </h1>
    </>
  );
}
