import { useEffect, useRef, type ReactNode } from 'react';

/**
 * GOV.UK notification banner. A success banner confirms what the person just did and takes focus, as
 * the pattern asks; an important one tells them about something that happened meanwhile.
 */
export function NotificationBanner({
  kind,
  title,
  children,
  focus = kind === 'success',
}: {
  kind: 'success' | 'important';
  title: string;
  children: ReactNode;
  /** Important banners about what just happened (a conflict) take focus too. */
  focus?: boolean;
}) {
  const banner = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (focus) banner.current?.focus();
  }, [focus]);
  return (
    <div
      className={`govuk-notification-banner${kind === 'success' ? ' govuk-notification-banner--success' : ''}`}
      role={focus ? 'alert' : 'region'}
      aria-labelledby="notification-banner-title"
      tabIndex={-1}
      ref={banner}
    >
      <div className="govuk-notification-banner__header">
        <h2 className="govuk-notification-banner__title" id="notification-banner-title">
          {kind === 'success' ? 'Success' : 'Important'}
        </h2>
      </div>
      <div className="govuk-notification-banner__content">
        <p className="govuk-notification-banner__heading">{title}</p>
        {children}
      </div>
    </div>
  );
}
