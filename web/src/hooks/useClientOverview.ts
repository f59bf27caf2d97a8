import { useQuery } from '@tanstack/react-query';
import { api } from '../api/client';
import type { ClientOverview, ClientSummary } from '../api/clientOverview';
import type { ItemList } from '../api/types';

/**
 * Every change made anywhere in the console can tick an onboarding step, so queryClient.ts marks
 * these stale after any successful write; they are also read afresh whenever a page shows them.
 */
export const overviewKey = ['client-overview'] as const;

export function useClientOverview(clientId: string | null) {
  return useQuery({
    queryKey: [...overviewKey, clientId],
    queryFn: () => api.get<ClientOverview>(`/clients/${encodeURIComponent(clientId ?? '')}/overview`),
    enabled: clientId !== null,
  });
}

/** The clients list's per-client columns, by client id. */
export function useClientSummaries() {
  return useQuery({
    queryKey: [...overviewKey, 'list'],
    queryFn: () => api.get<ItemList<ClientSummary>>('/clients/overview'),
    select: (data) => new Map(data.items.map((s) => [s.clientId, s])),
  });
}
