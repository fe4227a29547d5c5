import { useSyncExternalStore, type AnchorHTMLAttributes, type MouseEvent } from 'react';

/**
 * A minimal History API router: the app has a handful of pages, and the server answers every
 * non-/api GET with index.html, so real URLs work on reload and in new tabs.
 */

const NAVIGATED = 'app:navigated';

interface HistoryState {
  /** A one-off confirmation shown by the page navigated to (GOV.UK success notification banner). */
  flash?: string;
}

export interface Location {
  pathname: string;
  search: URLSearchParams;
  flash: string | undefined;
}

let cached: { key: string; location: Location } | null = null;

function snapshot(): Location {
  const state = (window.history.state ?? {}) as HistoryState;
  const key = `${window.location.pathname}${window.location.search}#${state.flash ?? ''}`;
  if (cached?.key !== key) {
    cached = {
      key,
      location: {
        pathname: window.location.pathname,
        search: new URLSearchParams(window.location.search),
        flash: state.flash,
      },
    };
  }
  return cached.location;
}

function subscribe(onChange: () => void): () => void {
  window.addEventListener('popstate', onChange);
  window.addEventListener(NAVIGATED, onChange);
  return () => {
    window.removeEventListener('popstate', onChange);
    window.removeEventListener(NAVIGATED, onChange);
  };
}

let headingFocusPending = false;

/**
 * Whether the page heading should take focus: true once after each in-app navigation, so keyboard and
 * screen reader users start at the new page's heading, and false on first load, where the browser's own
 * focus handling is right.
 */
export function takeHeadingFocus(): boolean {
  const pending = headingFocusPending;
  headingFocusPending = false;
  return pending;
}

export function navigate(to: string, options: { replace?: boolean; flash?: string } = {}): void {
  const state: HistoryState = options.flash ? { flash: options.flash } : {};
  if (options.replace) window.history.replaceState(state, '', to);
  else window.history.pushState(state, '', to);
  headingFocusPending = true;
  window.scrollTo(0, 0);
  window.dispatchEvent(new Event(NAVIGATED));
}

export function useLocation(): Location {
  return useSyncExternalStore(subscribe, snapshot);
}

/** `/cases/:id` against `/cases/42` gives `{id: '42'}`; null when the path does not match. */
export function matchPath(pattern: string, pathname: string): Record<string, string> | null {
  const want = pattern.split('/');
  const have = (pathname.length > 1 ? pathname.replace(/\/$/, '') : pathname).split('/');
  if (want.length !== have.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < want.length; i++) {
    if (want[i].startsWith(':')) params[want[i].slice(1)] = decodeURIComponent(have[i]);
    else if (want[i] !== have[i]) return null;
  }
  return params;
}

function isPlainLeftClick(event: MouseEvent): boolean {
  return event.button === 0 && !event.metaKey && !event.ctrlKey && !event.shiftKey && !event.altKey;
}

/** An ordinary link that navigates in-app on a plain click and behaves natively otherwise (new tab, copy). */
export function Link({ href, onClick, ...rest }: AnchorHTMLAttributes<HTMLAnchorElement> & { href: string }) {
  return (
    <a
      href={href}
      onClick={(event) => {
        onClick?.(event);
        if (event.defaultPrevented || !isPlainLeftClick(event)) return;
        event.preventDefault();
        navigate(href);
      }}
      {...rest}
    />
  );
}
