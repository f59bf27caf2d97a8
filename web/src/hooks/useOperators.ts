import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../api/client';
import type { ItemList, Operator, Role } from '../api/types';

const operatorsKey = ['operators'] as const;

export function useOperators(options: { enabled?: boolean } = {}) {
  return useQuery({
    queryKey: operatorsKey,
    queryFn: () => api.get<ItemList<Operator>>('/operators'),
    select: (data) => data.items,
    enabled: options.enabled ?? true,
  });
}

export interface NewOperator {
  email: string;
  name: string;
  role: Role;
  password: string;
  clientIds: string[];
}

export function useCreateOperator() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: NewOperator) => api.post<Operator>('/operators', body),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: operatorsKey }),
  });
}

export interface OperatorChanges {
  name?: string;
  role?: Role;
  clientIds?: string[];
  disabled?: boolean;
}

export function useUpdateOperator() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, ...body }: OperatorChanges & { id: string }) =>
      api.patch<Operator>(`/operators/${encodeURIComponent(id)}`, body),
    onSuccess: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: operatorsKey }),
        queryClient.invalidateQueries({ queryKey: ['clients'] }),
      ]),
  });
}

export function useResetOperatorPassword() {
  return useMutation({
    mutationFn: ({ id, password }: { id: string; password: string }) =>
      api.post<void>(`/operators/${encodeURIComponent(id)}/password`, { password }),
  });
}
