import type { User } from '@platform/api-client';
import { createContext, type ComponentChildren } from 'preact';
import { useCallback, useContext, useEffect, useMemo, useState } from 'preact/hooks';
import { api, onSessionLost, unwrap } from './api.js';

/**
 * Who is logged in. The session is the gateway's HttpOnly cookie, which the page cannot read: it asks
 * GET /api/auth/check at start, and learns from any plain-text 403 that the session ended.
 */
export interface Session {
  state: 'checking' | 'out' | 'in';
  user: User | null;
  /** Why the last session ended, when the platform ended it (expired, logged out elsewhere). */
  endedNotice: string | null;
  login(email: string, password: string): Promise<void>;
  signUp(email: string, password: string): Promise<void>;
  logout(): Promise<void>;
  refresh(): Promise<void>;
}

const SessionContext = createContext<Session | null>(null);

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside SessionProvider');
  return session;
}

async function fetchUser(id: number): Promise<User> {
  return unwrap(api.GET('/api/users/{id}', { params: { path: { id } } }));
}

export function SessionProvider({ children }: { children: ComponentChildren }) {
  const [state, setState] = useState<Session['state']>('checking');
  const [user, setUser] = useState<User | null>(null);
  const [endedNotice, setEndedNotice] = useState<string | null>(null);

  const signedIn = useCallback(async (id: number) => {
    setUser(await fetchUser(id));
    setEndedNotice(null);
    setState('in');
  }, []);
  const signedOut = useCallback((notice: string | null) => {
    setUser(null);
    setEndedNotice(notice);
    setState('out');
  }, []);

  useEffect(() => {
    // A plain-text 403 here is "not logged in": unwrap reports it to the listener below, which is not yet
    // registered on the first render, so the catch is what signs out.
    unwrap(api.GET('/api/auth/check'))
      .then((found) => {
        setUser(found);
        setState('in');
      })
      .catch(() => signedOut(null));
  }, [signedOut]);

  useEffect(() => onSessionLost(() => signedOut('Your session has ended. Log in again to continue.')), [signedOut]);

  const session = useMemo<Session>(
    () => ({
      state,
      user,
      endedNotice,
      login: async (email, password) => {
        const created = await unwrap(api.POST('/api/login', { body: { email, password } }));
        await signedIn(created.id);
      },
      signUp: async (email, password) => {
        const created = await unwrap(api.POST('/api/users', { body: { email, password } }));
        await signedIn(created.id);
      },
      logout: async () => {
        await unwrap(api.POST('/api/logout')).catch(() => undefined);
        signedOut(null);
      },
      refresh: async () => {
        if (user) setUser(await fetchUser(user.id));
      },
    }),
    [state, user, endedNotice, signedIn, signedOut],
  );
  return <SessionContext.Provider value={session}>{children}</SessionContext.Provider>;
}
