import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../api/client';
import type { ApiToken, ItemList, Operator, Revoked, Role } from '../api/types';

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

const tokensOf = (operatorId: string) => ['operators', operatorId, 'api-tokens'] as const;

export function useResetOperatorPassword() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, password }: { id: string; password: string }) =>
      api.post<Revoked>(`/operators/${encodeURIComponent(id)}/password`, { password }),
    // The reset revoked the operator's tokens.
    onSuccess: (_data, { id }) => queryClient.invalidateQueries({ queryKey: tokensOf(id) }),
  });
}

/** Another operator's live API tokens (system administrators). */
export function useOperatorApiTokens(operatorId: string | undefined) {
  return useQuery({
    queryKey: tokensOf(operatorId ?? ''),
    queryFn: () => api.get<ItemList<ApiToken>>(`/operators/${encodeURIComponent(operatorId ?? '')}/api-tokens`),
    select: (data) => data.items,
    enabled: operatorId !== undefined,
  });
}

export function useRevokeOperatorApiToken() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ operatorId, tokenId }: { operatorId: string; tokenId: string }) =>
      api.delete<void>(`/operators/${encodeURIComponent(operatorId)}/api-tokens/${encodeURIComponent(tokenId)}`),
    onSuccess: (_data, { operatorId }) => queryClient.invalidateQueries({ queryKey: tokensOf(operatorId) }),
  });
}
