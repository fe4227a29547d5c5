import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { api, onUnauthenticated, setCsrfToken } from './api.ts';
import type { Session, User } from './apiTypes.ts';
import { clearDrafts } from './forms/drafts.ts';
import { navigate } from './router.tsx';

export type SessionState =
  | { status: 'loading' }
  | { status: 'signed-out' }
  | { status: 'signed-in'; user: User };

interface SessionContextValue {
  state: SessionState;
  signIn(username: string, password: string): Promise<void>;
  signOut(): Promise<void>;
}

const SessionContext = createContext<SessionContextValue | null>(null);

export function SessionProvider({ children }: { children: ReactNode }) {
  const [state, setState] = useState<SessionState>({ status: 'loading' });

  const accept = useCallback((session: Session) => {
    setCsrfToken(session.csrfToken);
    setState({ status: 'signed-in', user: session.user });
  }, []);

  const drop = useCallback(() => {
    setCsrfToken(null);
    setState({ status: 'signed-out' });
  }, []);

  useEffect(() => {
    api.session().then(accept, drop);
    return onUnauthenticated(drop);
  }, [accept, drop]);

  const value = useMemo<SessionContextValue>(
    () => ({
      state,
      signIn: async (username, password) => accept(await api.signIn(username, password)),
      signOut: async () => {
        // Drafts hold case details; a deliberate sign-out should not leave them on a shared computer.
        if (state.status === 'signed-in') clearDrafts(state.user.username);
        await api.signOut().catch(() => undefined);
        drop();
        // The next person to sign in starts at the beginning, not on the last person's page.
        navigate('/', { replace: true });
      },
    }),
    [state, accept, drop],
  );

  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
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
