import { keepPreviousData, useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../api/client';
import {
  type Campaign,
  type CampaignInput,
  type CampaignListItem,
  type CampaignResults,
  campaignsPath,
  type Enrolment,
  type EnrolmentFilters,
  type MailTemplate,
  type TrainingLanguage,
} from '../api/training';
import type { ItemList } from '../api/types';

const key = (clientId: string) => ['training-campaigns', clientId] as const;
/** Results change while learners learn: looked at again now and then while the page is open. */
const RESULTS_REFRESH_MS = 15_000;

export function useTrainingCampaigns(clientId: string | null) {
  return useQuery({
    queryKey: [...key(clientId ?? ''), 'list'],
    queryFn: () => api.get<ItemList<CampaignListItem>>(campaignsPath(clientId ?? '')),
    select: (d) => d.items,
    enabled: clientId !== null,
  });
}

export function useTrainingCampaign(clientId: string, campaignId: string) {
  return useQuery({
    queryKey: [...key(clientId), 'campaign', campaignId],
    queryFn: () => api.get<Campaign>(campaignsPath(clientId, campaignId)),
  });
}

export function useCampaignResults(clientId: string, campaignId: string, enabled: boolean) {
  return useQuery({
    queryKey: [...key(clientId), 'results', campaignId],
    queryFn: () => api.get<CampaignResults>(`${campaignsPath(clientId, campaignId)}/results`),
    enabled,
    refetchInterval: RESULTS_REFRESH_MS,
  });
}

export function useEnrolments(clientId: string, campaignId: string, filters: EnrolmentFilters, enabled: boolean) {
  return useInfiniteQuery({
    queryKey: [...key(clientId), 'enrolments', campaignId, filters],
    queryFn: ({ pageParam }) =>
      api.get<ItemList<Enrolment> & { nextCursor: string | null }>(
        `${campaignsPath(clientId, campaignId)}/enrolments`,
        {
          ...filters,
          limit: 50,
          cursor: pageParam ?? undefined,
        },
      ),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
    placeholderData: keepPreviousData,
    enabled,
  });
}

export function useTemplates(clientId: string | null, language: TrainingLanguage) {
  return useQuery({
    queryKey: ['training-templates', language],
    queryFn: () =>
      api.get<{ invitation: MailTemplate; reminder: MailTemplate }>(
        `/clients/${encodeURIComponent(clientId ?? '')}/training/templates`,
        { language },
      ),
    enabled: clientId !== null,
    staleTime: Number.POSITIVE_INFINITY,
  });
}

function useInvalidate() {
  const queryClient = useQueryClient();
  return (clientId: string) => queryClient.invalidateQueries({ queryKey: key(clientId) });
}

export function useSaveCampaign() {
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: ({ clientId, id, ...body }: Partial<CampaignInput> & { clientId: string; id?: string }) =>
      id ? api.patch<Campaign>(campaignsPath(clientId, id), body) : api.post<Campaign>(campaignsPath(clientId), body),
    onSuccess: (_d, v) => invalidate(v.clientId),
  });
}

/** launch | cancel of a campaign, or DELETE of a draft. */
export function useCampaignAction() {
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: ({
      clientId,
      id,
      action,
    }: {
      clientId: string;
      id: string;
      action: 'launch' | 'cancel' | 'delete';
    }): Promise<Campaign | undefined> =>
      action === 'delete'
        ? api.delete<undefined>(campaignsPath(clientId, id))
        : api.post<Campaign>(`${campaignsPath(clientId, id)}/${action}`),
    onSuccess: (_d, v) => invalidate(v.clientId),
  });
}

export type LearnerAction = 'resend' | 'extend' | 'complete' | 'revoke';

export function useLearnerAction() {
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: ({
      clientId,
      campaignId,
      enrolmentId,
      action,
      body,
    }: {
      clientId: string;
      campaignId: string;
      enrolmentId: string;
      action: LearnerAction;
      body?: { dueAt?: string; reason?: string };
    }) =>
      api.post<void>(
        `${campaignsPath(clientId, campaignId)}/enrolments/${encodeURIComponent(enrolmentId)}/${action}`,
        body,
      ),
    onSuccess: (_d, v) => invalidate(v.clientId),
  });
}
