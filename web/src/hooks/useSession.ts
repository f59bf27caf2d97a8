import { notifications } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, setCsrfToken } from '../api/client';
import { isApiError } from '../api/errors';
import type { Operator, Revoked, Session } from '../api/types';

export const sessionKey = ['session'] as const;

/** The signed-in operator, or null when there is no session (GET /auth/me answered 401). */
export function useSession() {
  return useQuery({
    queryKey: sessionKey,
    queryFn: async (): Promise<Session | null> => {
      try {
        const session = await api.get<Session>('/auth/me');
        setCsrfToken(session.csrfToken);
        return session;
      } catch (error) {
        if (isApiError(error) && error.status === 401) {
          setCsrfToken(null);
          return null;
        }
        throw error;
      }
    },
    staleTime: 60_000,
    retry: false,
  });
}

/** For pages rendered only inside the signed-in shell. */
export function useOperator(): Operator {
  const { data } = useSession();
  if (!data) throw new Error('useOperator used outside a signed-in page');
  return data.operator;
}

export function useIsSystemAdmin(): boolean {
  return useOperator().role === 'system_admin';
}

function useStartSession() {
  const queryClient = useQueryClient();
  return (session: Session) => {
    setCsrfToken(session.csrfToken);
    // Whatever was cached belonged to the previous operator (or to nobody).
    queryClient.removeQueries({ predicate: (query) => query.queryKey[0] !== sessionKey[0] });
    notifications.clean();
    queryClient.setQueryData(sessionKey, session);
  };
}

export function useSignIn() {
  const start = useStartSession();
  return useMutation({
    mutationFn: (body: { email: string; password: string }) => api.post<Session>('/auth/login', body),
    onSuccess: start,
  });
}

export function useSetupStatus() {
  return useQuery({
    queryKey: ['setup'],
    queryFn: () => api.get<{ required: boolean }>('/auth/setup'),
    staleTime: Number.POSITIVE_INFINITY,
  });
}

export function useCompleteSetup() {
  const start = useStartSession();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: { token: string; email: string; name: string; password: string }) =>
      api.post<Session>('/auth/setup', body),
    onSuccess: (session) => {
      queryClient.setQueryData(['setup'], { required: false });
      start(session);
    },
  });
}

export function useSignOut() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => api.post<void>('/auth/logout'),
    // Even if the server call fails the operator asked to leave; drop everything we hold.
    onSettled: () => {
      setCsrfToken(null);
      // Session first: the app switches to the sign-in page before the signed-in pages lose their
      // data. (clear() would also detach the app's own session observer.)
      queryClient.setQueryData(sessionKey, null);
      queryClient.removeQueries({ predicate: (query) => query.queryKey[0] !== sessionKey[0] });
      // Toasts can name clients; the next person at this browser must not see them.
      notifications.clean();
    },
  });
}

export function useChangePassword() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: { currentPassword: string; newPassword: string }) => api.post<Revoked>('/auth/password', body),
    // The change revoked your API tokens.
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['api-tokens'] }),
  });
}
