import { Alert, Badge, Button, Divider, Group, Paper, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { IconAlertTriangle, IconDownload, IconInfoCircle } from '@tabler/icons-react';
import type { ManifestVariant } from '../../api/reportAddin';
import type { Client } from '../../api/types';
import { PageLoader, QueryError } from '../../components/QueryState';
import { useAzureApps } from '../../hooks/useAzureApps';
import { useDownloadManifest, useReportAddin } from '../../hooks/useReportAddin';
import { notifyFailure, notifySuccess } from '../../lib/notify';
import { RedirectUriField } from '../azure-apps/RegistrationHelp';
import { AdminSteps } from './AdminSteps';
import { ReportAddinForm } from './ReportAddinForm';

/**
 * The client's Outlook report add-in: its settings, the redirect URI its Azure application needs,
 * the manifest to download and what the client's Microsoft 365 administrator does with it.
 */
export function ReportAddinSection({ client }: { client: Client }) {
  const settings = useReportAddin(client.id);
  const apps = useAzureApps(client.id);
  const download = useDownloadManifest(client.id);

  const get = (variant: ManifestVariant) =>
    download.mutate(variant, {
      onSuccess: (filename) => notifySuccess(`Downloaded ${filename}.`),
      onError: (error) => notifyFailure('Could not download the manifest', error),
    });

  return (
    <Paper withBorder radius="md" p="md" component="section" aria-labelledby="report-addin-title">
      <Stack gap="md">
        <Group justify="space-between">
          <Title order={2} fz="h4" id="report-addin-title">
            Outlook report add-in
          </Title>
          <Badge color="yellow" variant="light">
            Reporting not active yet
          </Badge>
        </Group>
        <Alert color="yellow" icon={<IconAlertTriangle size={18} aria-hidden />} title="Reporting is not active yet">
          <Text size="sm">
            This version of Baitwise prepares the add-in: its settings, its manifest and the Azure registration. It does
            not receive reports yet — that part comes in the next version. An add-in installed from this manifest shows
            its button, but pressing it reports nothing, moves nothing and forwards nothing; its pages tell people that
            reporting is being set up.
          </Text>
        </Alert>
        {(settings.isPending || apps.isPending) && <PageLoader />}
        {settings.isError && <QueryError error={settings.error} onRetry={() => settings.refetch()} />}
        {settings.data && apps.data && (
          <SimpleGrid cols={{ base: 1, md: 2 }} spacing="xl">
            <ReportAddinForm settings={settings.data} apps={apps.data} readOnly={client.archived} />
            <Stack gap="md">
              <Stack gap="xs">
                <Title order={3} fz="md">
                  Register the add-in’s sign-in
                </Title>
                <Text size="sm" c="dimmed">
                  In the Entra admin center, open the chosen Azure application → Authentication → Add a platform →
                  Single-page application, and add this redirect URI. The add-in needs it to sign reporters in.
                </Text>
                <RedirectUriField
                  label="Single-page application redirect URI"
                  redirectUri={settings.data.nestedAppAuthRedirectUri}
                  description="Platform: Single-page application. Enter it exactly as shown."
                />
              </Stack>
              <Divider />
              <Stack gap="xs">
                <Title order={3} fz="md">
                  Download the manifest
                </Title>
                {settings.data.manifestBlocker && (
                  <Alert
                    color="red"
                    icon={<IconAlertTriangle size={18} aria-hidden />}
                    title="Baitwise is not on https"
                  >
                    <Text size="sm">{settings.data.manifestBlocker}</Text>
                  </Alert>
                )}
                {!settings.data.configured && (
                  <Alert color="blue" icon={<IconInfoCircle size={18} aria-hidden />}>
                    <Text size="sm">Save the settings first: the first save gives this client its add-in id.</Text>
                  </Alert>
                )}
                {settings.data.addinId && (
                  <Text size="xs" c="dimmed">
                    Add-in id{' '}
                    <Text span ff="monospace" size="xs">
                      {settings.data.addinId}
                    </Text>{' '}
                    · version {settings.data.manifestVersion}
                  </Text>
                )}
                <Group gap="sm">
                  {(['classic', 'integrated'] as const).map((variant) => (
                    <Button
                      key={variant}
                      variant={variant === 'classic' ? 'filled' : 'light'}
                      leftSection={<IconDownload size={16} aria-hidden />}
                      disabled={
                        !settings.data.configured || !settings.data.azureAppId || !!settings.data.manifestBlocker
                      }
                      loading={download.isPending && download.variables === variant}
                      onClick={() => get(variant)}
                    >
                      Download manifest ({variant === 'classic' ? 'classic' : 'integrated reporting'})
                    </Button>
                  ))}
                </Group>
              </Stack>
              <Divider />
              <AdminSteps />
            </Stack>
          </SimpleGrid>
        )}
      </Stack>
    </Paper>
  );
}
