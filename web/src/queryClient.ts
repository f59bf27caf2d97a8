import { MutationCache, QueryCache, QueryClient } from '@tanstack/react-query';
import { isApiError } from './api/errors';
import { overviewKey } from './hooks/useClientOverview';
import { sessionKey } from './hooks/useSession';

// A 401 "unauthenticated" from any call means the session ended (expired, revoked by a password
// change elsewhere, or signed out in another tab): fall back to the sign-in page at once rather
// than leaving every page to render its own error.
function onError(error: unknown): void {
  if (isApiError(error, 'unauthenticated')) queryClient.setQueryData(sessionKey, null);
  // A CSRF rejection means the token we hold belongs to an older session (e.g. the operator
  // signed in again in another tab); GET /auth/me hands out the current one for the retry.
  if (isApiError(error, 'csrf_failed')) void queryClient.invalidateQueries({ queryKey: sessionKey });
}

export const queryClient: QueryClient = new QueryClient({
  queryCache: new QueryCache({ onError }),
  mutationCache: new MutationCache({
    onError,
    // Any write may complete an onboarding step or change a client's counts: the overview (the
    // client page, the checklist, the clients list's columns) is read again the next time it shows.
    onSuccess: (): void => {
      void queryClient.invalidateQueries({ queryKey: overviewKey });
    },
  }),
  defaultOptions: {
    queries: {
      // Client errors will not improve by asking again; only retry what might be transient.
      retry: (failureCount, error) =>
        failureCount < 2 && !(isApiError(error) && error.status >= 400 && error.status < 500),
      refetchOnWindowFocus: false,
    },
  },
});
