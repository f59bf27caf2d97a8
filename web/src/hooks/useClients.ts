import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../api/client';
import type { Client, ItemList, Operator } from '../api/types';

const clientsKey = ['clients'] as const;

export function useClients(options: { includeArchived?: boolean } = {}) {
  const includeArchived = options.includeArchived ?? false;
  return useQuery({
    queryKey: [...clientsKey, { includeArchived }],
    queryFn: () => api.get<ItemList<Client>>('/clients', { includeArchived }),
    select: (data) => data.items,
  });
}

export function useClient(clientId: string) {
  return useQuery({
    queryKey: [...clientsKey, 'detail', clientId],
    queryFn: () => api.get<Client>(`/clients/${encodeURIComponent(clientId)}`),
  });
}

export function useCreateClient() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: { name: string }) => api.post<Client>('/clients', body),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: clientsKey }),
  });
}

export function useUpdateClient() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, ...body }: { id: string; name?: string; archived?: boolean }) =>
      api.patch<Client>(`/clients/${encodeURIComponent(id)}`, body),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: clientsKey }),
  });
}

export function useClientAdministrators(clientId: string) {
  return useQuery({
    queryKey: [...clientsKey, 'detail', clientId, 'administrators'],
    queryFn: () => api.get<ItemList<Operator>>(`/clients/${encodeURIComponent(clientId)}/administrators`),
    select: (data) => data.items,
  });
}

export function useSetClientAdministrator() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ clientId, operatorId, assigned }: { clientId: string; operatorId: string; assigned: boolean }) => {
      const path = `/clients/${encodeURIComponent(clientId)}/administrators/${encodeURIComponent(operatorId)}`;
      return assigned ? api.put<void>(path) : api.delete<void>(path);
    },
    onSuccess: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: clientsKey }),
        // An operator's clientIds change with the assignment.
        queryClient.invalidateQueries({ queryKey: ['operators'] }),
      ]),
  });
}
