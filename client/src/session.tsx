import { createContext, Fragment, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { api, ApiError, onUnauthenticated, setCsrfToken } from './api.ts';
import type { Session, User } from './apiTypes.ts';
import { clearDrafts } from './forms/drafts.ts';
import { navigate } from './router.tsx';

/**
 * Why the service, not the person, signed them out, for the sign-in page to say: after a time without
 * activity (the session's idle limit, in minutes), at the longest a session may last, or because the
 * server had already ended it (another sign-in, an administrator, a restart).
 */
export type SignedOutBecause = { kind: 'idle'; minutes: number } | { kind: 'limit' } | { kind: 'ended' };

export type SessionState =
  | { status: 'loading' }
  /** `ended`: a session is known to be over (signed out, expired, replaced); not after a network failure. */
  | { status: 'signed-out'; ended: boolean; because?: SignedOutBecause }
  | { status: 'signed-in'; user: User };

interface SessionContextValue {
  state: SessionState;
  signIn(username: string, password: string): Promise<void>;
  /** Signs out; `because` when the service does it rather than the person. */
  signOut(because?: SignedOutBecause): Promise<void>;
}

const SessionContext = createContext<SessionContextValue | null>(null);

/**
 * Which session this browser's tabs share (they share the cookie): the user and a digest of the
 * session's CSRF token, written whenever a tab finds a different one. Every other tab gets a storage
 * event and asks the server again, so a sign-in, a sign-out or another person's sign-in in one tab
 * reaches them all. A tab that finds the same session writes nothing, so tabs do not echo each other.
 */
const CURRENT_SESSION = 'session';

function sessionMark(session: Session): string {
  let digest = 0x811c9dc5; // FNV-1a: enough to tell sessions apart, without keeping the token itself
  for (const char of session.csrfToken) digest = Math.imul(digest ^ char.charCodeAt(0), 0x01000193) >>> 0;
  return `${session.user.username} ${digest.toString(36)}`;
}

function markSession(mark: string | null): void {
  try {
    if (window.localStorage.getItem(CURRENT_SESSION) === mark) return;
    if (mark === null) window.localStorage.removeItem(CURRENT_SESSION);
    else window.localStorage.setItem(CURRENT_SESSION, mark);
  } catch {
    // Storage disabled: the other tabs find out at their next request instead.
  }
}

export function SessionProvider({ children }: { children: ReactNode }) {
  const [state, setState] = useState<SessionState>({ status: 'loading' });

  const accept = useCallback((session: Session) => {
    setCsrfToken(session.csrfToken);
    setState({ status: 'signed-in', user: session.user });
    markSession(sessionMark(session));
  }, []);

  const drop = useCallback((ended: boolean, because?: SignedOutBecause) => {
    setCsrfToken(null);
    setState({ status: 'signed-out', ended, ...(because ? { because } : {}) });
    if (ended) markSession(null);
  }, []);

  /** Asks the server whose session the cookie holds now. */
  const check = useCallback(() => {
    api.session().then(accept, (error: unknown) => drop(error instanceof ApiError && error.status === 401));
  }, [accept, drop]);

  useEffect(() => {
    check();
    // A request refused for want of a session: the server ended it while this page was open.
    const stopListening = onUnauthenticated(() => drop(true, { kind: 'ended' }));
    const onStorage = (event: StorageEvent) => {
      if (event.key === CURRENT_SESSION) check();
    };
    window.addEventListener('storage', onStorage);
    return () => {
      stopListening();
      window.removeEventListener('storage', onStorage);
    };
  }, [check, drop]);

  // Drafts hold case details and belong to a session: when it ends, however it ends, none stays
  // on what may be a shared computer, and a new sign-in leaves nobody else's. This runs after the
  // pages of the old session have unmounted, so none of them can save a draft after it.
  const username = state.status === 'signed-in' ? state.user.username : undefined;
  const endedSession = state.status === 'signed-out' && state.ended;
  const lastUser = useRef<string | undefined>(undefined);
  useEffect(() => {
    if (username !== undefined) clearDrafts(username);
    else if (endedSession) clearDrafts();
    if (username === undefined) return;
    // Someone else signing in (here after an expiry, or in another tab) starts at the beginning, not on the last person's page.
    if (lastUser.current !== undefined && lastUser.current !== username) navigate('/', { replace: true });
    lastUser.current = username;
  }, [username, endedSession]);

  const value = useMemo<SessionContextValue>(
    () => ({
      state,
      signIn: async (name, password) => accept(await api.signIn(name, password)),
      signOut: async (because) => {
        await api.signOut().catch(() => undefined);
        drop(true, because);
        // The next person to sign in starts at the beginning, not on the last person's page.
        navigate('/', { replace: true });
      },
    }),
    [state, accept, drop],
  );

  // Keyed by the user, so nothing one person's pages hold in memory is shown to the next.
  return (
    <SessionContext.Provider value={value}>
      <Fragment key={username ?? ''}>{children}</Fragment>
    </SessionContext.Provider>
  );
}

export function useSession(): SessionContextValue {
  const value = useContext(SessionContext);
  if (!value) throw new Error('useSession is used outside SessionProvider');
  return value;
}

/** For pages that only render when signed in (the app shows the sign-in page otherwise). */
export function useUser(): User {
  const { state } = useSession();
  if (state.status !== 'signed-in') throw new Error('useUser is used on a page shown before sign-in');
  return state.user;
}
