import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../api/client';
import type { ItemList } from '../api/types';
import type { Webhook, WebhookDelivery, WebhookInput, WebhookWithSecret } from '../api/webhooks';

const key = ['webhooks'] as const;
const path = (clientId: string, webhookId?: string) =>
  `/clients/${encodeURIComponent(clientId)}/webhooks${webhookId ? `/${encodeURIComponent(webhookId)}` : ''}`;

export function useWebhooks(clientId: string | null) {
  return useQuery({
    queryKey: [...key, clientId, 'list'],
    queryFn: () => api.get<ItemList<Webhook>>(path(clientId ?? '')),
    select: (data) => data.items,
    enabled: clientId !== null,
  });
}

export function useWebhookDeliveries(clientId: string, webhookId: string | null, cursor: string | null) {
  return useQuery({
    queryKey: [...key, clientId, 'deliveries', webhookId, cursor],
    queryFn: () =>
      api.get<{ items: WebhookDelivery[]; nextCursor: string | null }>(
        `${path(clientId, webhookId ?? '')}/deliveries`,
        {
          limit: 25,
          cursor,
        },
      ),
    enabled: webhookId !== null,
    placeholderData: keepPreviousData,
  });
}

/** Every change refreshes the list (its last delivery, its state). */
function useWebhookMutation<A, R>(clientId: string, fn: (a: A) => Promise<R>) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: fn,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: [...key, clientId] }),
  });
}

export const useCreateWebhook = (clientId: string) =>
  useWebhookMutation(clientId, (body: WebhookInput) => api.post<WebhookWithSecret>(path(clientId), body));

export const useUpdateWebhook = (clientId: string) =>
  useWebhookMutation(clientId, ({ id, ...body }: Partial<WebhookInput> & { id: string }) =>
    api.patch<Webhook>(path(clientId, id), body),
  );

export const useDeleteWebhook = (clientId: string) =>
  useWebhookMutation(clientId, (id: string) => api.delete<void>(path(clientId, id)));

export const useRotateWebhookSecret = (clientId: string) =>
  useWebhookMutation(clientId, (id: string) => api.post<WebhookWithSecret>(`${path(clientId, id)}/rotate-secret`));

export const useTestWebhook = (clientId: string) =>
  useWebhookMutation(clientId, (id: string) => api.post<WebhookDelivery>(`${path(clientId, id)}/test`));
