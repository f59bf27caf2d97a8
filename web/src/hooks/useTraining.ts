import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, uploadFile } from '../api/client';
import type { BuiltinCourse, LibraryItem, TrainingPackage } from '../api/training';
import type { ItemList } from '../api/types';

const key = ['training'] as const;
const clientPath = (clientId: string) => `/clients/${encodeURIComponent(clientId)}/training`;
/** Shared packages are changed under /training/packages (system administrators), own ones under the client. */
const packagePath = (clientId: string, p: Pick<TrainingPackage, 'id' | 'shared'>) =>
  p.shared
    ? `/training/packages/${encodeURIComponent(p.id)}`
    : `${clientPath(clientId)}/packages/${encodeURIComponent(p.id)}`;

export function useTrainingLibrary(clientId: string | null) {
  return useQuery({
    queryKey: [...key, clientId, 'library'],
    queryFn: () => api.get<ItemList<LibraryItem>>(`${clientPath(clientId ?? '')}/library`),
    select: (data) => data.items,
    enabled: clientId !== null,
  });
}

export function useBuiltinCourse(clientId: string, slug: string | null, language: string) {
  return useQuery({
    queryKey: [...key, clientId, 'course', slug, language],
    queryFn: () =>
      api.get<BuiltinCourse>(`${clientPath(clientId)}/courses/${encodeURIComponent(slug ?? '')}`, { language }),
    enabled: slug !== null,
  });
}

export function useTrainingPackages(clientId: string | null) {
  return useQuery({
    queryKey: [...key, clientId, 'packages'],
    queryFn: () =>
      api.get<ItemList<TrainingPackage>>(`${clientPath(clientId ?? '')}/packages`, { includeArchived: true }),
    select: (data) => data.items,
    enabled: clientId !== null,
  });
}

export function useUploadPackage(clientId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (args: { file: File; shared: boolean; onProgress: (fraction: number) => void }) =>
      uploadFile<TrainingPackage>(
        args.shared ? '/training/packages' : `${clientPath(clientId)}/packages`,
        args.file,
        'application/zip',
        args.onProgress,
      ),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: key }),
  });
}

export function useArchivePackage(clientId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (args: { pkg: TrainingPackage; archived: boolean }) =>
      api.patch<TrainingPackage>(packagePath(clientId, args.pkg), { archived: args.archived }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: key }),
  });
}

export function useDeletePackage(clientId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (pkg: TrainingPackage) => api.delete<void>(packagePath(clientId, pkg)),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: key }),
  });
}
