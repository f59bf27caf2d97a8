import { Alert, Badge, Button, Group, Paper, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { useState } from 'react';
import type { TrainingPackage } from '../api/training';
import { ArchivedClientAlert } from '../components/ArchivedClientAlert';
import { ConfirmModal } from '../components/ConfirmModal';
import { PageHeader } from '../components/PageHeader';
import { PageLoader, QueryError } from '../components/QueryState';
import { useSelectedClient } from '../hooks/useSelectedClient';
import { useIsSystemAdmin } from '../hooks/useSession';
import { useArchivePackage, useDeletePackage, useTrainingLibrary, useTrainingPackages } from '../hooks/useTraining';
import { CoursePreviewModal } from './training/CoursePreviewModal';
import { PackagesTable } from './training/PackagesTable';
import { UploadPackage } from './training/UploadPackage';

/** Training → Library: the built-in courses and the SCORM packages a campaign of this client can use. */
export function TrainingLibraryPage() {
  const { clientId, client } = useSelectedClient();
  const isSystemAdmin = useIsSystemAdmin();
  const library = useTrainingLibrary(clientId);
  const packages = useTrainingPackages(clientId);
  const archive = useArchivePackage(clientId ?? '');
  const remove = useDeletePackage(clientId ?? '');
  const [preview, setPreview] = useState<string | null>(null);
  const [deleting, setDeleting] = useState<TrainingPackage | null>(null);
  const readOnly = Boolean(client?.archived);
  // A client's own packages are its administrators'; the shared library is the system administrators'.
  const canChange = (p: TrainingPackage) => (p.shared ? isSystemAdmin : !readOnly);
  const courses = library.data?.filter((i) => i.kind === 'builtin') ?? [];

  return (
    <Stack gap="lg">
      <PageHeader
        title="Training library"
        description="The courses a training campaign can teach: Baitwise's built-in courses, the shared library published to every client, and this client's own SCORM packages."
      />
      {client && <ArchivedClientAlert client={client} />}
      {!clientId ? (
        <Paper withBorder radius="md" p="xl">
          <Text c="dimmed" ta="center">
            Choose a client in the header to see its training library.
          </Text>
        </Paper>
      ) : (
        <>
          <Stack gap="sm">
            <Title order={2} fz="h3">
              Built-in courses
            </Title>
            {library.isPending && <PageLoader />}
            {library.isError && <QueryError error={library.error} onRetry={() => library.refetch()} />}
            <SimpleGrid cols={{ base: 1, sm: 2 }}>
              {courses.map((c) => (
                <Paper key={c.ref} withBorder radius="md" p="md">
                  <Stack gap="xs" h="100%">
                    <Group justify="space-between" align="flex-start" wrap="nowrap">
                      <Text fw={600}>{c.title}</Text>
                      <Badge variant="light" color="teal">
                        Built-in
                      </Badge>
                    </Group>
                    <Text size="sm" c="dimmed">
                      {c.summary}
                    </Text>
                    <Text size="xs" c="dimmed">
                      About {c.minutes} minutes · pass mark {c.passMark}% · {c.languages.join(', ').toUpperCase()}
                    </Text>
                    <Group mt="auto">
                      <Button
                        size="xs"
                        variant="default"
                        onClick={() => setPreview(c.ref.slice('builtin:'.length))}
                        aria-label={`Preview ${c.title}`}
                      >
                        Preview
                      </Button>
                    </Group>
                  </Stack>
                </Paper>
              ))}
            </SimpleGrid>
          </Stack>

          <Stack gap="sm">
            <Title order={2} fz="h3">
              SCORM packages
            </Title>
            <Paper withBorder radius="md" p="md">
              <Stack gap="md">
                <UploadPackage
                  clientId={clientId}
                  clientName={client?.name ?? 'This client'}
                  isSystemAdmin={isSystemAdmin}
                  disabled={readOnly}
                />
                {packages.isPending && <PageLoader />}
                {packages.isError && <QueryError error={packages.error} onRetry={() => packages.refetch()} />}
                {(archive.isError || remove.isError) && (
                  <Alert color="red" role="alert">
                    {(archive.error ?? remove.error)?.message}
                  </Alert>
                )}
                {packages.data?.length === 0 && (
                  <Text c="dimmed" ta="center" py="md">
                    No SCORM packages yet. Upload a SCORM 1.2 or 2004 zip exported from your authoring tool.
                  </Text>
                )}
                {packages.data && packages.data.length > 0 && (
                  <PackagesTable
                    packages={packages.data}
                    canChange={canChange}
                    onArchive={(pkg, archived) => archive.mutate({ pkg, archived })}
                    onDelete={setDeleting}
                  />
                )}
              </Stack>
            </Paper>
          </Stack>

          <CoursePreviewModal clientId={clientId} slug={preview} onClose={() => setPreview(null)} />
          <ConfirmModal
            opened={deleting !== null}
            title="Delete package"
            confirmLabel="Delete"
            danger
            loading={remove.isPending}
            onClose={() => setDeleting(null)}
            onConfirm={() => deleting && remove.mutate(deleting, { onSettled: () => setDeleting(null) })}
          >
            Delete “{deleting?.title}” and its files? A package that a campaign uses cannot be deleted: archive it
            instead.
          </ConfirmModal>
        </>
      )}
    </Stack>
  );
}
