import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../api/client';
import type {
  FeedbackInput,
  FeedbackPreview,
  FeedbackSettings,
  FeedbackTemplate,
  Verdict,
} from '../api/incidentFeedback';

const key = (clientId: string | null) => ['incident-feedback', clientId] as const;
const path = (clientId: string) => `/clients/${encodeURIComponent(clientId)}/incident-feedback`;

export function useIncidentFeedback(clientId: string | null) {
  return useQuery({
    queryKey: key(clientId),
    queryFn: () => api.get<FeedbackSettings>(path(clientId ?? '')),
    enabled: clientId !== null,
  });
}

export function useSaveIncidentFeedback(clientId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: FeedbackInput) => api.put<FeedbackSettings>(path(clientId), body),
    onSuccess: (saved) => queryClient.setQueryData(key(clientId), saved),
  });
}

export function usePreviewFeedback(clientId: string) {
  return useMutation({
    mutationFn: (body: { verdict: Verdict; template: FeedbackTemplate }) =>
      api.post<FeedbackPreview>(`${path(clientId)}/preview`, body),
  });
}
