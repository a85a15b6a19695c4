import { useQuery, useQueryClient } from '@tanstack/react-query';
import { createContext, type ReactNode, useContext } from 'react';
import { mayHaveSession, request } from './api/client';
import type { User } from './api/types';

interface Session {
  user: User | null;
  loading: boolean;
  refresh: () => Promise<void>;
}

const SessionContext = createContext<Session>({ user: null, loading: true, refresh: async () => {} });

// Who is logged in, as /users/current says; null when no one is.
export function SessionProvider({ children }: { children: ReactNode }) {
  const client = useQueryClient();
  const current = useQuery({
    queryKey: ['current-user'],
    queryFn: async () => {
      if (!mayHaveSession()) return null;
      try {
        return await request<User>('/users/current');
      } catch {
        return null;
      }
    },
    staleTime: Infinity,
  });
  const refresh = async () => {
    await client.invalidateQueries({ queryKey: ['current-user'] });
  };
  return (
    <SessionContext.Provider value={{ user: current.data ?? null, loading: current.isPending, refresh }}>
      {children}
    </SessionContext.Provider>
  );
}

export function useSession(): Session {
  return useContext(SessionContext);
}
