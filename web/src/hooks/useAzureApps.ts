import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { AzureApp, AzureAppInput, ConnectionReport, Guidance, RegistrationInfo } from '../api/azureApps';
import { api } from '../api/client';
import type { ItemList } from '../api/types';

const appsKey = ['azure-apps'] as const;
const path = (clientId: string, appId?: string) =>
  `/clients/${encodeURIComponent(clientId)}/azure-apps${appId ? `/${encodeURIComponent(appId)}` : ''}`;

/** The applications of the clients this operator administers; all of them when clientId is null. */
export function useAzureApps(clientId: string | null) {
  return useQuery({
    queryKey: [...appsKey, 'list', { clientId }],
    queryFn: () => api.get<ItemList<AzureApp>>('/azure-apps', { clientId }),
    select: (data) => data.items,
  });
}

/**
 * One application by id alone: the detail page's address (where Microsoft's redirect lands)
 * carries no client id, so it is looked up in the operator's own list.
 */
export function useAzureApp(appId: string) {
  return useQuery({
    queryKey: [...appsKey, 'list', { clientId: null }],
    queryFn: () => api.get<ItemList<AzureApp>>('/azure-apps'),
    select: (data) => data.items.find((app) => app.id === appId) ?? null,
  });
}

export function useRegistrationInfo() {
  return useQuery({
    queryKey: [...appsKey, 'registration-info'],
    queryFn: () => api.get<RegistrationInfo>('/azure-apps/registration-info'),
    staleTime: Number.POSITIVE_INFINITY,
  });
}

export function useGuidance(query: { key?: string; aadsts?: number } | null) {
  return useQuery({
    queryKey: [...appsKey, 'guidance', query],
    queryFn: () => api.get<Guidance>('/azure-apps/guidance', query ?? {}),
    enabled: query !== null,
    staleTime: Number.POSITIVE_INFINITY,
  });
}

const invalidate = (queryClient: ReturnType<typeof useQueryClient>) =>
  queryClient.invalidateQueries({ queryKey: [...appsKey, 'list'] });

export function useCreateAzureApp() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ clientId, ...body }: AzureAppInput & { clientId: string }) =>
      api.post<AzureApp>(path(clientId), body),
    onSuccess: () => invalidate(queryClient),
  });
}

export function useUpdateAzureApp() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ clientId, appId, ...body }: Partial<AzureAppInput> & { clientId: string; appId: string }) =>
      api.patch<AzureApp>(path(clientId, appId), body),
    onSuccess: () => invalidate(queryClient),
  });
}

export function useDeleteAzureApp() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (app: Pick<AzureApp, 'clientId' | 'id'>) => api.delete<void>(path(app.clientId, app.id)),
    onSuccess: () => invalidate(queryClient),
  });
}

export function useAuthorizeAzureApp() {
  return useMutation({
    mutationFn: ({ app, adminConsent }: { app: Pick<AzureApp, 'clientId' | 'id'>; adminConsent: boolean }) =>
      api.post<{ url: string }>(`${path(app.clientId, app.id)}/authorize`, { adminConsent }),
  });
}

export function useTestAzureApp() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (app: Pick<AzureApp, 'clientId' | 'id'>) =>
      api.post<ConnectionReport>(`${path(app.clientId, app.id)}/test`),
    // Either outcome can change the status (last use, or "re-authorization required").
    onSettled: () => invalidate(queryClient),
  });
}

/** "Request sent": approval was requested through Entra's admin consent workflow. */
export function useApprovalRequested() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (app: Pick<AzureApp, 'clientId' | 'id'>) =>
      api.post<AzureApp>(`${path(app.clientId, app.id)}/approval-requested`),
    onSettled: () => invalidate(queryClient),
  });
}
