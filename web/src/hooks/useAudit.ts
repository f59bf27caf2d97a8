import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { api } from '../api/client';
import type { AuditPage } from '../api/types';

export interface AuditFilters {
  clientId?: string | null;
  action?: string;
  /** ISO-8601 instants; the page converts the operator's calendar dates. */
  from?: string;
  to?: string;
}

const PAGE_SIZE = 50;

export function useAuditLog(filters: AuditFilters) {
  return useInfiniteQuery({
    queryKey: ['audit', 'log', filters],
    queryFn: ({ pageParam }) =>
      api.get<AuditPage>('/audit', { ...filters, limit: PAGE_SIZE, cursor: pageParam ?? undefined }),
    initialPageParam: null as string | null,
    getNextPageParam: (lastPage) => lastPage.nextCursor ?? undefined,
  });
}

export function useRecentAudit(clientId: string | null, limit = 8) {
  return useQuery({
    queryKey: ['audit', 'recent', clientId, limit],
    queryFn: () => api.get<AuditPage>('/audit', { clientId, limit }),
    select: (data) => data.items,
  });
}
