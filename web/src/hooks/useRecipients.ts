import { keepPreviousData, useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../api/client';
import {
  type ImportResult,
  type Recipient,
  type RecipientFilters,
  type RecipientInput,
  type RecipientPage,
  recipientsPath,
} from '../api/recipients';

const PAGE_SIZE = 50;
const key = (clientId: string) => ['recipients', clientId] as const;

/** Pages of recipients by cursor; a filter change starts again from the first page. */
export function useRecipientList(clientId: string, filters: RecipientFilters) {
  return useInfiniteQuery({
    queryKey: [...key(clientId), 'list', filters],
    queryFn: ({ pageParam }) =>
      api.get<RecipientPage>(recipientsPath(clientId), {
        ...filters,
        limit: PAGE_SIZE,
        cursor: pageParam ?? undefined,
        // The count is a pass over every match: the first page asks for it, the next ones do not.
        total: pageParam ? undefined : true,
      }),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    // Keep the rows on screen while the next search's first page loads, instead of a spinner per keystroke.
    placeholderData: keepPreviousData,
  });
}

export function useRecipientFacets(clientId: string) {
  return useQuery({
    queryKey: [...key(clientId), 'facets'],
    queryFn: () => api.get<{ departments: string[]; jobTitles: string[] }>(`${recipientsPath(clientId)}/facets`),
  });
}

/** Recipients and groups change together (member counts), so every write refreshes both. */
function useInvalidate(clientId: string) {
  const queryClient = useQueryClient();
  return () =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: key(clientId) }),
      queryClient.invalidateQueries({ queryKey: ['recipient-groups', clientId] }),
    ]);
}

export function useSaveRecipient(clientId: string) {
  const invalidate = useInvalidate(clientId);
  return useMutation({
    mutationFn: ({ id, ...body }: Partial<RecipientInput> & { id?: string }) =>
      id
        ? api.patch<Recipient>(`${recipientsPath(clientId)}/${encodeURIComponent(id)}`, body)
        : api.post<Recipient>(recipientsPath(clientId), body),
    onSuccess: invalidate,
  });
}

export function useDeleteRecipient(clientId: string) {
  const invalidate = useInvalidate(clientId);
  return useMutation({
    mutationFn: (id: string) => api.delete<void>(`${recipientsPath(clientId)}/${encodeURIComponent(id)}`),
    onSuccess: invalidate,
  });
}

export function useImportRecipients(clientId: string) {
  const invalidate = useInvalidate(clientId);
  return useMutation({
    mutationFn: (body: { csv: string; groupId?: string; dryRun: boolean }) =>
      api.post<ImportResult>(`${recipientsPath(clientId)}/import`, body),
    onSuccess: (result) => (result.dryRun ? undefined : invalidate()),
  });
}
