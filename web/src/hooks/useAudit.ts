import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { api } from '../api/client';
import type { AuditPage } from '../api/types';

export interface AuditFilters {
  clientId?: string | null;
  action?: string;
  /** exact: an action chosen from the list; contains: part of one, typed */
  actionMatch?: 'contains' | 'exact';
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

/** The actions the operator can read entries of, for the action filter's list. */
export function useAuditActions(clientId: string | null) {
  return useQuery({
    queryKey: ['audit', 'actions', clientId],
    queryFn: () => api.get<{ items: string[] }>('/audit/actions', { clientId }),
    select: (data) => data.items,
  });
}

/**
 * The CSV export of what the filters show: a plain link, so the browser downloads it with the
 * session cookie (a GET: no CSRF token needed) and shows its own progress.
 */
export function auditExportHref(filters: AuditFilters): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(filters)) if (value) params.set(key, value);
  const search = params.toString();
  return `/api/v1/audit/export.csv${search ? `?${search}` : ''}`;
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
