import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { api } from '../api/client';
import {
  type DirectoryImport,
  type EntraGroupHit,
  type HeldChange,
  type ImportInput,
  importsPath,
  isActiveRun,
  type PreviewResult,
  type SyncFilters,
  type SyncRun,
} from '../api/directorySync';
import type { ItemList } from '../api/types';

const key = (clientId: string) => ['directory-imports', clientId] as const;

export function useImports(clientId: string) {
  return useQuery({
    queryKey: [...key(clientId), 'list'],
    queryFn: () => api.get<ItemList<DirectoryImport>>(importsPath(clientId)),
    select: (data) => data.items,
    // While any import runs, the list's last-run column follows it.
    refetchInterval: (q) => (q.state.data?.items.some((i) => isActiveRun(i.lastRun)) ? 2000 : false),
  });
}

/**
 * One run, polled every second while it is queued or running (the live progress). When it ends,
 * the import, its history, held changes and the recipients are fetched again.
 */
export function useRun(clientId: string, importId: string, runId: string | null) {
  const queryClient = useQueryClient();
  const run = useQuery({
    queryKey: [...key(clientId), 'run', importId, runId],
    queryFn: () => api.get<SyncRun>(`${importsPath(clientId, importId)}/runs/${encodeURIComponent(runId ?? '')}`),
    enabled: runId !== null,
    refetchInterval: (q) => (q.state.data && !isActiveRun(q.state.data) ? false : 1000),
  });
  const ended = run.data !== undefined && !isActiveRun(run.data);
  useEffect(() => {
    if (!ended) return;
    for (const k of ['list', 'runs', 'held']) void queryClient.invalidateQueries({ queryKey: [...key(clientId), k] });
    void queryClient.invalidateQueries({ queryKey: ['recipients', clientId] });
    void queryClient.invalidateQueries({ queryKey: ['recipient-groups', clientId] });
  }, [ended, clientId, queryClient]);
  return run;
}

export function useRuns(clientId: string, importId: string) {
  return useQuery({
    queryKey: [...key(clientId), 'runs', importId],
    queryFn: () => api.get<ItemList<SyncRun>>(`${importsPath(clientId, importId)}/runs`),
    select: (data) => data.items,
  });
}

export function useHeldChanges(clientId: string, importId: string) {
  return useQuery({
    queryKey: [...key(clientId), 'held', importId],
    queryFn: () => api.get<ItemList<HeldChange>>(`${importsPath(clientId, importId)}/held-changes`),
    select: (data) => data.items,
  });
}

export function usePreview(clientId: string) {
  return useMutation({
    mutationFn: (body: {
      azureAppId: string;
      source: 'all_users' | 'groups';
      groupIds: string[];
      filters: SyncFilters;
    }) => api.post<PreviewResult>(`${importsPath(clientId)}/preview`, body),
  });
}

export function useGroupSearch(clientId: string) {
  return useMutation({
    mutationFn: (body: { azureAppId: string; search: string }) =>
      api.post<ItemList<EntraGroupHit>>(`${importsPath(clientId)}/entra-groups/search`, body).then((r) => r.items),
  });
}

function useInvalidate(clientId: string) {
  const queryClient = useQueryClient();
  return () =>
    Promise.all([
      ...['list', 'runs', 'held'].map((k) => queryClient.invalidateQueries({ queryKey: [...key(clientId), k] })),
      queryClient.invalidateQueries({ queryKey: ['recipients', clientId] }),
      queryClient.invalidateQueries({ queryKey: ['recipient-groups', clientId] }),
    ]);
}

export function useCreateImport(clientId: string) {
  const invalidate = useInvalidate(clientId);
  return useMutation({
    mutationFn: (body: ImportInput) => api.post<DirectoryImport>(importsPath(clientId), body),
    onSuccess: invalidate,
  });
}

export function useUpdateImport(clientId: string, importId: string) {
  const invalidate = useInvalidate(clientId);
  return useMutation({
    mutationFn: (body: Partial<ImportInput>) => api.patch<DirectoryImport>(importsPath(clientId, importId), body),
    onSuccess: invalidate,
  });
}

export function useDeleteImport(clientId: string) {
  const invalidate = useInvalidate(clientId);
  return useMutation({
    mutationFn: (importId: string) => api.delete<void>(importsPath(clientId, importId)),
    onSuccess: invalidate,
  });
}

export function useSyncNow(clientId: string) {
  const invalidate = useInvalidate(clientId);
  return useMutation({
    mutationFn: (importId: string) => api.post<SyncRun>(`${importsPath(clientId, importId)}/sync`),
    onSuccess: invalidate,
  });
}

export function useDecideHeld(clientId: string, importId: string) {
  const invalidate = useInvalidate(clientId);
  return useMutation({
    mutationFn: ({ changeId, decision }: { changeId: string; decision: 'approve' | 'reject' }) =>
      api.post<HeldChange>(
        `${importsPath(clientId, importId)}/held-changes/${encodeURIComponent(changeId)}/${decision}`,
      ),
    onSuccess: invalidate,
  });
}

/** Approve or reject every pending change at once (of one kind, of one run). */
export function useDecideAllHeld(clientId: string, importId: string) {
  const invalidate = useInvalidate(clientId);
  return useMutation({
    mutationFn: (body: { decision: 'approve' | 'reject'; kind?: 'add' | 'remove'; runId?: string }) =>
      api.post<{ decided: number; left: number }>(`${importsPath(clientId, importId)}/held-changes/decide`, body),
    onSuccess: invalidate,
  });
}
