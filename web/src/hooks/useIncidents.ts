import { keepPreviousData, useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../api/client';
import { ApiError, errorFromResponse } from '../api/errors';
import {
  type BulkRequest,
  clientIncidentsPath,
  type IncidentChanges,
  type IncidentDetail,
  type IncidentPage,
  type IncidentQuery,
  type IncidentSettings,
  incidentPath,
  incidentSettingsPath,
  reportEmlPath,
  type TimelineEvent,
} from '../api/incidents';

const PAGE_SIZE = 50;
/** Every incidents query starts with this, so one write refreshes a client's inbox and All incidents alike. */
const incidentsKey = ['incidents'] as const;

/** null: every client's incidents (system administrators' All incidents). */
export type InboxScope = { clientId: string } | null;

const listPath = (scope: InboxScope) => (scope ? clientIncidentsPath(scope.clientId) : '/incidents');
const bulkPath = (scope: InboxScope) => `${listPath(scope)}/bulk`;

/** Pages of incidents by cursor; a change of filters starts again from the first page. */
export function useIncidentList(scope: InboxScope, query: IncidentQuery) {
  return useInfiniteQuery({
    queryKey: [...incidentsKey, 'list', scope?.clientId ?? '*', query],
    queryFn: ({ pageParam }) =>
      api.get<IncidentPage>(listPath(scope), { ...query, limit: PAGE_SIZE, cursor: pageParam ?? undefined }),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    // The rows stay on screen while the next filter's first page loads, instead of a spinner per keystroke.
    placeholderData: keepPreviousData,
  });
}

export function useIncident(clientId: string, incidentId: string) {
  return useQuery({
    queryKey: [...incidentsKey, 'detail', clientId, incidentId],
    queryFn: () => api.get<IncidentDetail>(incidentPath(clientId, incidentId)),
    // Each fetch may record a "viewed" event; a focus change is no reason to fetch again.
    refetchOnWindowFocus: false,
  });
}

function useInvalidate() {
  const queryClient = useQueryClient();
  return () => queryClient.invalidateQueries({ queryKey: incidentsKey });
}

export function useUpdateIncident(clientId: string, incidentId: string) {
  const queryClient = useQueryClient();
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: (changes: IncidentChanges) => api.patch<IncidentDetail>(incidentPath(clientId, incidentId), changes),
    onSuccess: (detail) => {
      queryClient.setQueryData([...incidentsKey, 'detail', clientId, incidentId], detail);
      return invalidate();
    },
  });
}

export function useAddNote(clientId: string, incidentId: string) {
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: (text: string) => api.post<TimelineEvent>(`${incidentPath(clientId, incidentId)}/notes`, { text }),
    onSuccess: invalidate,
  });
}

/** All or nothing on the server: `updated` is how many incidents changed. */
export function useBulkIncidents(scope: InboxScope) {
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: (body: BulkRequest) => api.post<{ updated: number }>(bulkPath(scope), body),
    onSuccess: invalidate,
  });
}

export function useIncidentSettings(clientId: string) {
  return useQuery({
    queryKey: [...incidentsKey, 'settings', clientId],
    queryFn: () => api.get<IncidentSettings>(incidentSettingsPath(clientId)),
  });
}

export function useSaveIncidentSettings(clientId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: IncidentSettings) => api.put<IncidentSettings>(incidentSettingsPath(clientId), body),
    onSuccess: (data) => queryClient.setQueryData([...incidentsKey, 'settings', clientId], data),
  });
}

/**
 * Downloads a report's raw message. Fetched (not a plain link) so that a message deleted by
 * retention (410 raw_message_deleted) is explained on the page instead of saved as an error file.
 */
export function useDownloadEml(clientId: string, incidentId: string) {
  return useMutation({
    mutationFn: async (reportId: string) => {
      let response: Response;
      try {
        response = await fetch(reportEmlPath(clientId, incidentId, reportId), {
          credentials: 'include',
          headers: { Accept: 'message/rfc822' },
        });
      } catch {
        throw new ApiError(0, 'network_error', 'The server could not be reached. Check your connection and try again.');
      }
      if (!response.ok) throw await errorFromResponse(response);
      const disposition = response.headers.get('content-disposition') ?? '';
      const filename = /filename="([^"]+)"/.exec(disposition)?.[1] ?? `report-${reportId}.eml`;
      const url = URL.createObjectURL(await response.blob());
      const link = document.createElement('a');
      link.href = url;
      link.download = filename;
      link.click();
      setTimeout(() => URL.revokeObjectURL(url), 1000);
      return filename;
    },
  });
}
