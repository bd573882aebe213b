import { createContext, useContext, useEffect, useState, type ReactNode } from 'react';
import { api, ok, tokenStore, type Answer } from './client';

export type Me = Answer<'/api/v1/me', 'get'>;

interface Session {
  me: Me | null;
  /** Members see read-only views; configuration takes an admin token. */
  canEdit: boolean;
  signIn(token: string): Promise<void>;
  signOut(): void;
}

const SessionContext = createContext<Session | null>(null);

export function SessionProvider({ children }: { children: ReactNode }) {
  const [me, setMe] = useState<Me | null>(null);
  const [checked, setChecked] = useState(false);
  useEffect(() => {
    if (!tokenStore.get()) {
      setChecked(true);
      return;
    }
    ok(api.GET('/api/v1/me')).then(setMe, () => tokenStore.clear()).finally(() => setChecked(true));
  }, []);
  const session: Session = {
    me,
    canEdit: me?.role === 'admin',
    async signIn(token) {
      tokenStore.set(token);
      try {
        setMe(await ok(api.GET('/api/v1/me')));
      } catch (err) {
        tokenStore.clear();
        throw err;
      }
    },
    signOut() {
      tokenStore.clear();
      setMe(null);
    },
  };
  if (!checked) return null;
  return <SessionContext.Provider value={session}>{children}</SessionContext.Provider>;
}

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside SessionProvider');
  return session;
}
