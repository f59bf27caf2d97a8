import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../api/client';
import { ApiError, errorFromResponse } from '../api/errors';
import type { ManifestVariant, ReportAddinInput, ReportAddinSettings } from '../api/reportAddin';

const key = (clientId: string) => ['report-addin', clientId] as const;
const path = (clientId: string) => `/clients/${encodeURIComponent(clientId)}/report-addin`;

export function useReportAddin(clientId: string) {
  return useQuery({ queryKey: key(clientId), queryFn: () => api.get<ReportAddinSettings>(path(clientId)) });
}

export function useSaveReportAddin(clientId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: ReportAddinInput) => api.put<ReportAddinSettings>(path(clientId), body),
    onSuccess: (saved) => queryClient.setQueryData(key(clientId), saved),
  });
}

/**
 * Fetches the manifest first (so a refusal shows its message instead of downloading an error
 * body), then hands the browser the file under the server's name.
 */
export function useDownloadManifest(clientId: string) {
  return useMutation({
    mutationFn: async (variant: ManifestVariant) => {
      let response: Response;
      try {
        response = await fetch(`/api/v1${path(clientId)}/manifest?variant=${variant}`, {
          credentials: 'include',
          headers: { Accept: 'application/xml' },
        });
      } catch {
        throw new ApiError(0, 'network_error', 'The server could not be reached. Check your connection and try again.');
      }
      if (!response.ok) throw await errorFromResponse(response);
      const disposition = response.headers.get('content-disposition') ?? '';
      const filename = /filename="([^"]+)"/.exec(disposition)?.[1] ?? `report-addin-${variant}.xml`;
      const url = URL.createObjectURL(await response.blob());
      const link = document.createElement('a');
      link.href = url;
      link.download = filename;
      link.click();
      setTimeout(() => URL.revokeObjectURL(url), 1000);
      return filename;
    },
  });
}
