import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../api/client';
import type {
  MessageStatus,
  OutboxMessage,
  OutboxStatus,
  SendingProfile,
  SendingProfileInput,
  TestSendResult,
} from '../api/sendingProfiles';
import type { ItemList } from '../api/types';

const key = ['sending-profiles'] as const;
const path = (clientId: string, profileId?: string) =>
  `/clients/${encodeURIComponent(clientId)}/sending-profiles${profileId ? `/${encodeURIComponent(profileId)}` : ''}`;

/** How often a profile with work in its queue is looked at again, so progress shows by itself. */
export const BUSY_REFRESH_MS = 3_000;
/** An idle queue is looked at now and then too: a campaign started elsewhere fills it. */
export const IDLE_REFRESH_MS = 30_000;

export function useSendingProfiles(clientId: string | null) {
  return useQuery({
    queryKey: [...key, clientId, 'list'],
    queryFn: () => api.get<ItemList<SendingProfile>>(path(clientId ?? '')),
    select: (data) => data.items,
    enabled: clientId !== null,
  });
}

export function useSendingProfile(clientId: string, profileId: string) {
  return useQuery({
    queryKey: [...key, clientId, 'profile', profileId],
    queryFn: () => api.get<SendingProfile>(path(clientId, profileId)),
  });
}

const hasWork = (s: OutboxStatus | undefined) => Boolean(s && s.queued + s.sending + s.deferred > 0);

/** The queue's counts and pause; refreshed often while messages wait or are in flight. */
export function useOutboxStatus(clientId: string, profileId: string) {
  return useQuery({
    queryKey: [...key, clientId, 'outbox', profileId],
    queryFn: () => api.get<OutboxStatus>(`${path(clientId, profileId)}/outbox`),
    refetchInterval: (query) => (hasWork(query.state.data) ? BUSY_REFRESH_MS : IDLE_REFRESH_MS),
  });
}

/**
 * Messages of one status. `count` is how many the outbox status reports with that status: the
 * list is fetched again whenever it changes, so the last refresh of a queue that just emptied
 * (which ends the polling) still brings the list up to date.
 */
export function useOutboxMessages(
  clientId: string,
  profileId: string,
  status: MessageStatus,
  o: { count: number | undefined; refresh: boolean },
) {
  return useQuery({
    queryKey: [...key, clientId, 'outbox', profileId, 'messages', status, o.count],
    queryFn: () =>
      api.get<ItemList<OutboxMessage> & { nextCursor: string | null }>(`${path(clientId, profileId)}/outbox/messages`, {
        status,
        limit: 100,
      }),
    placeholderData: keepPreviousData,
    refetchInterval: o.refresh ? BUSY_REFRESH_MS : false,
  });
}

/** Everything of the client's profiles: lists, details and outboxes change together. */
function useInvalidate() {
  const queryClient = useQueryClient();
  return (clientId: string) => queryClient.invalidateQueries({ queryKey: [...key, clientId] });
}

export function useCreateSendingProfile() {
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: ({ clientId, ...body }: SendingProfileInput & { clientId: string }) =>
      api.post<SendingProfile>(path(clientId), body),
    onSuccess: (_data, vars) => invalidate(vars.clientId),
  });
}

export function useUpdateSendingProfile() {
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: ({
      clientId,
      profileId,
      ...body
    }: Partial<SendingProfileInput> & { clientId: string; profileId: string }) =>
      api.patch<SendingProfile>(path(clientId, profileId), body),
    onSuccess: (_data, vars) => invalidate(vars.clientId),
  });
}

export function useDeleteSendingProfile() {
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: ({ clientId, profileId }: { clientId: string; profileId: string }) =>
      api.delete<void>(path(clientId, profileId)),
    onSuccess: (_data, vars) => invalidate(vars.clientId),
  });
}

export function useTestSend() {
  return useMutation({
    mutationFn: ({ clientId, profileId, to }: { clientId: string; profileId: string; to: string }) =>
      api.post<TestSendResult>(`${path(clientId, profileId)}/test`, { to }),
  });
}

export function useResumeSendingProfile() {
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: ({ clientId, profileId }: { clientId: string; profileId: string }) =>
      api.post<SendingProfile>(`${path(clientId, profileId)}/resume`),
    onSuccess: (_data, vars) => invalidate(vars.clientId),
  });
}

/** Sends one failed or expired message again, or all of them when messageId is absent. */
export function useRetryOutbox() {
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: ({ clientId, profileId, messageId }: { clientId: string; profileId: string; messageId?: string }) =>
      api.post<{ requeued: number }>(
        `${path(clientId, profileId)}/outbox${messageId ? `/messages/${encodeURIComponent(messageId)}` : ''}/retry`,
      ),
    onSuccess: (_data, vars) => invalidate(vars.clientId),
  });
}
