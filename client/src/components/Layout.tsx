import { ServiceNavigation } from 'govuk-frontend';
import { useEffect, useRef, type ReactNode } from 'react';
import { api } from '../api.ts';
import type { User } from '../apiTypes.ts';
import { NOTIFICATIONS_CHANGED } from '../pages/NotificationsPage.tsx';
import { Link, useLocation } from '../router.tsx';
import { useResource } from '../useResource.ts';
import { SERVICE_NAME } from './PageHeading.tsx';
import { TimeoutWarning } from './TimeoutWarning.tsx';

const NAVIGATION = [
  { href: '/', text: 'My cases' },
  { href: '/cases', text: 'All cases' },
  { href: '/start', text: 'Start a case' },
  { href: '/escalation-log', text: 'Escalation log' },
  { href: '/reports', text: 'Reports' },
  { href: '/processes', text: 'Processes' },
] as const;

/** The business unit's own item: its routes refuse everyone else. */
const CONFIGURATION = { href: '/configuration', text: 'Configuration' } as const;

function isCurrent(href: string, pathname: string): boolean {
  return href === '/' ? pathname === '/' : pathname === href || pathname.startsWith(`${href}/`);
}

/** "Notifications", with the unread count, looked up again on every page and when some are marked read. */
function NotificationsItem({ pathname }: { pathname: string }) {
  const [count, reload] = useResource(() => api.notifications().then((list) => list.unread), `notifications:${pathname}`);
  useEffect(() => {
    window.addEventListener(NOTIFICATIONS_CHANGED, reload);
    return () => window.removeEventListener(NOTIFICATIONS_CHANGED, reload);
  }, [reload]);
  const current = isCurrent('/notifications', pathname);
  const unread = count.status === 'ready' ? count.data : 0;
  const text = unread > 0 ? `Notifications (${unread})` : 'Notifications';
  return (
    <li className={`govuk-service-navigation__item${current ? ' govuk-service-navigation__item--active' : ''}`}>
      <Link className="govuk-service-navigation__link" href="/notifications" aria-current={current ? 'page' : undefined}>
        {current ? <strong className="govuk-service-navigation__active-fallback">{text}</strong> : text}
        {unread > 0 && <span className="govuk-visually-hidden"> unread</span>}
      </Link>
    </li>
  );
}

/**
 * govuk-frontend's own ServiceNavigation script, started once the menu is in the page: below the
 * tablet breakpoint it shows the "Menu" button and hides the list until pressed. It is bundled, not
 * an inline script, so the strict CSP (script-src 'self') allows it. It owns the list's `hidden` and
 * the button's `hidden`, `aria-hidden` and `aria-expanded`, so React never renders those: a
 * re-render leaves them as the script set them. Rooted on the nav, which mounts at sign-in.
 */
function useServiceNavigation() {
  const ref = useRef<HTMLElement>(null);
  useEffect(() => {
    const nav = ref.current;
    // StrictMode runs effects twice on one element; the script refuses a second start on it.
    if (nav && !nav.hasAttribute(`data-${ServiceNavigation.moduleName}-init`)) new ServiceNavigation(nav);
  }, []);
  return ref;
}

/** Says the service is new, on every page, signed in or not. */
function PhaseBanner() {
  return (
    <div className="govuk-phase-banner govuk-width-container">
      <p className="govuk-phase-banner__content">
        <strong className="govuk-tag govuk-phase-banner__content__tag">Beta</strong>
        <span className="govuk-phase-banner__text">
          This is a new service. Tell your partnership's business unit what would make it better.
        </span>
      </p>
    </div>
  );
}

/** The menu with its toggle, as govuk-frontend's macro draws it before its script runs. */
function Navigation({ children }: { children: ReactNode }) {
  const ref = useServiceNavigation();
  return (
    <nav aria-label="Menu" className="govuk-service-navigation__wrapper" ref={ref}>
      <button type="button" className="govuk-service-navigation__toggle govuk-js-service-navigation-toggle" aria-controls="navigation" hidden aria-hidden="true">
        Menu
      </button>
      {children}
    </nav>
  );
}

/** The GOV.UK page template: skip link, header with the partnership, service navigation, phase banner, main, footer. */
export function Layout({
  partnershipName,
  mayConfigure = false,
  user,
  onSignOut,
  children,
}: {
  partnershipName?: string;
  mayConfigure?: boolean;
  user?: User;
  onSignOut?: () => void;
  children: ReactNode;
}) {
  const { pathname } = useLocation();
  return (
    <>
      <a href="#main-content" className="govuk-skip-link">
        Skip to main content
      </a>
      <header className="govuk-template__header">
        <div className="govuk-generic-header">
          <div className="govuk-generic-header__container govuk-width-container">
            <div className="govuk-generic-header__logo">
              <Link href="/" className="govuk-generic-header__homepage-link">
                {partnershipName ?? 'Local safeguarding children partnership'}
              </Link>
            </div>
          </div>
        </div>
        <section aria-label="Service information" className="govuk-service-navigation">
          <div className="govuk-width-container">
            <div className="govuk-service-navigation__container">
              <span className="govuk-service-navigation__service-name">
                <Link href="/" className="govuk-service-navigation__link">
                  {SERVICE_NAME}
                </Link>
              </span>
              {user && (
                <Navigation>
                  <ul className="govuk-service-navigation__list" id="navigation">
                    {(mayConfigure ? [...NAVIGATION, CONFIGURATION] : NAVIGATION).map((item) => {
                      const current = isCurrent(item.href, pathname);
                      return (
                        <li
                          key={item.href}
                          className={`govuk-service-navigation__item${current ? ' govuk-service-navigation__item--active' : ''}`}
                        >
                          <Link className="govuk-service-navigation__link" href={item.href} aria-current={current ? 'page' : undefined}>
                            {current ? <strong className="govuk-service-navigation__active-fallback">{item.text}</strong> : item.text}
                          </Link>
                        </li>
                      );
                    })}
                    <NotificationsItem pathname={pathname} />
                    <li className="govuk-service-navigation__item">
                      <button type="button" className="govuk-service-navigation__link app-link-button" onClick={onSignOut}>
                        Sign out<span className="govuk-visually-hidden"> {user.username}</span>
                      </button>
                    </li>
                  </ul>
                </Navigation>
              )}
            </div>
          </div>
        </section>
        {/* Inside the header, after the service navigation, where GOV.UK places it: in a landmark. */}
        <PhaseBanner />
      </header>
      <div className="govuk-width-container">
        {/* In a landmark of its own, so that everything on the page is in one. */}
        {user && (
          <section aria-label="Your account">
            <p className="govuk-body-s app-signed-in">
              Signed in as <strong>{user.username}</strong>
            </p>
          </section>
        )}
        <main className="govuk-main-wrapper" id="main-content" tabIndex={-1}>
          {children}
        </main>
      </div>
      <footer className="govuk-footer">
        <div className="govuk-width-container">
          <p className="govuk-body-s">
            Case records are confidential. Use them only for the partnership's safeguarding work.
          </p>
        </div>
      </footer>
      {user && onSignOut && <TimeoutWarning onSignOut={onSignOut} />}
    </>
  );
}
