import type { ReactNode } from 'react';
import type { User } from '../apiTypes.ts';
import { Link, useLocation } from '../router.tsx';
import { SERVICE_NAME } from './PageHeading.tsx';

const NAVIGATION = [
  { href: '/', text: 'My cases' },
  { href: '/cases', text: 'All cases' },
  { href: '/start', text: 'Start a case' },
  { href: '/escalation-log', text: 'Escalation log' },
  { href: '/reports', text: 'Reports' },
  { href: '/processes', text: 'Processes' },
] as const;

function isCurrent(href: string, pathname: string): boolean {
  return href === '/' ? pathname === '/' : pathname === href || pathname.startsWith(`${href}/`);
}

/** The GOV.UK page template: skip link, header with the partnership, service navigation, main, footer. */
export function Layout({
  partnershipName,
  user,
  onSignOut,
  children,
}: {
  partnershipName?: string;
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
                <nav aria-label="Menu" className="govuk-service-navigation__wrapper">
                  <ul className="govuk-service-navigation__list" id="navigation">
                    {NAVIGATION.map((item) => {
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
                    <li className="govuk-service-navigation__item">
                      <button type="button" className="govuk-service-navigation__link app-link-button" onClick={onSignOut}>
                        Sign out<span className="govuk-visually-hidden"> {user.username}</span>
                      </button>
                    </li>
                  </ul>
                </nav>
              )}
            </div>
          </div>
        </section>
      </header>
      <div className="govuk-width-container">
        {user && (
          <p className="govuk-body-s app-signed-in">
            Signed in as <strong>{user.username}</strong>
          </p>
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
    </>
  );
}
