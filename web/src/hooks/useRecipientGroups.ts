import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../api/client';
import { groupsPath, type RecipientGroup } from '../api/recipients';
import type { ItemList } from '../api/types';

const key = (clientId: string) => ['recipient-groups', clientId] as const;

export function useRecipientGroups(clientId: string) {
  return useQuery({
    queryKey: key(clientId),
    queryFn: () => api.get<ItemList<RecipientGroup>>(groupsPath(clientId)),
    select: (data) => data.items,
  });
}

/** Group names appear on recipients, so renaming or deleting a group refreshes them too. */
function useInvalidate(clientId: string) {
  const queryClient = useQueryClient();
  return () =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: key(clientId) }),
      queryClient.invalidateQueries({ queryKey: ['recipients', clientId] }),
    ]);
}

export function useSaveRecipientGroup(clientId: string) {
  const invalidate = useInvalidate(clientId);
  return useMutation({
    mutationFn: ({ id, ...body }: { id?: string; name: string; description?: string | null }) =>
      id
        ? api.patch<RecipientGroup>(`${groupsPath(clientId)}/${encodeURIComponent(id)}`, body)
        : api.post<RecipientGroup>(groupsPath(clientId), body),
    onSuccess: invalidate,
  });
}

export function useDeleteRecipientGroup(clientId: string) {
  const invalidate = useInvalidate(clientId);
  return useMutation({
    mutationFn: (id: string) => api.delete<void>(`${groupsPath(clientId)}/${encodeURIComponent(id)}`),
    onSuccess: invalidate,
  });
}
