import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../api/client';
import type { ReportingMailboxInput, ReportingMailboxRun, ReportingMailboxSettings } from '../api/reportingMailbox';

const key = (clientId: string) => ['reporting-mailbox', clientId] as const;
const path = (clientId: string) => `/clients/${encodeURIComponent(clientId)}/reporting-mailbox`;

export function useReportingMailbox(clientId: string) {
  return useQuery({ queryKey: key(clientId), queryFn: () => api.get<ReportingMailboxSettings>(path(clientId)) });
}

/** The run log; polled while a reading waits or runs, so Sync now shows its outcome. */
export function useReportingMailboxRuns(clientId: string) {
  return useQuery({
    queryKey: [...key(clientId), 'runs'],
    queryFn: () => api.get<{ items: ReportingMailboxRun[] }>(`${path(clientId)}/runs`),
    refetchInterval: (q) =>
      q.state.data?.items.some((r) => r.status === 'queued' || r.status === 'running') ? 3000 : false,
  });
}

export function useSaveReportingMailbox(clientId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: ReportingMailboxInput) => api.put<ReportingMailboxSettings>(path(clientId), body),
    onSuccess: (saved) => queryClient.setQueryData(key(clientId), saved),
  });
}

export function useSyncReportingMailbox(clientId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => api.post<ReportingMailboxRun>(`${path(clientId)}/sync`),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: key(clientId) }),
  });
}
