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

const COUNT_CAP = 500;

/** Entries in the last 24 hours, counted up to the API's page limit ("500+" beyond it). */
export function useAuditCountLastDay(clientId: string | null) {
  return useQuery({
    queryKey: ['audit', 'last-day', clientId],
    queryFn: () =>
      api.get<AuditPage>('/audit', {
        clientId,
        limit: COUNT_CAP,
        from: new Date(Date.now() - 86_400_000).toISOString(),
      }),
    select: (data) => `${data.items.length}${data.nextCursor ? '+' : ''}`,
  });
}
