import { Anchor, Button, Group, Paper, Stack, Text, Title } from '@mantine/core';
import { IconPlugConnected, IconPlus } from '@tabler/icons-react';
import { useState } from 'react';
import { Link } from 'react-router';
import type { AzureApp } from '../../api/azureApps';
import type { ClientOverview } from '../../api/clientOverview';
import type { Client } from '../../api/types';
import { useAzureApps } from '../../hooks/useAzureApps';
import { formatDate, formatDateTime } from '../../lib/format';
import { AuthorizeModal } from '../azure-apps/AuthorizeModal';
import { AzureAppStatusBadge } from '../azure-apps/AzureAppStatusBadge';

const SECRET_WARNING_DAYS = 30;

/** A client secret that expires within a month (or has) stops every connection: say so here. */
function secretWarning(expiresAt: string | null): string | null {
  if (!expiresAt) return null;
  const days = (new Date(expiresAt).getTime() - Date.now()) / 86_400_000;
  if (days > SECRET_WARNING_DAYS) return null;
  return days < 0 ? `client secret expired ${formatDate(expiresAt)}` : `client secret expires ${formatDate(expiresAt)}`;
}

/**
 * The client's Microsoft 365 connection: each Azure application with its status and the action
 * it needs — "Authorize" as the primary button until it is connected (or when Microsoft stopped
 * accepting it), "Re-authorize" once it is, to renew or widen the grant.
 */
export function Microsoft365Card({ client, overview }: { client: Client; overview: ClientOverview }) {
  // The authorize dialog needs the application's full record (the overview carries a summary).
  const apps = useAzureApps(client.id);
  const [authorizing, setAuthorizing] = useState<AzureApp | null>(null);
  const q = `?client=${encodeURIComponent(client.id)}`;
  const list = overview.microsoft365.applications;
  const readOnly = client.archived;

  return (
    <Paper withBorder radius="md" p="md" component="section" aria-labelledby="m365-title">
      <Stack gap="sm">
        <Group justify="space-between">
          <Title order={2} fz="h4" id="m365-title">
            Microsoft 365 connection
          </Title>
          <Anchor component={Link} to={`/settings/azure-applications${q}`} size="sm">
            Azure applications
          </Anchor>
        </Group>
        {list.length === 0 && (
          <Group justify="space-between" wrap="wrap">
            <Text size="sm" c="dimmed">
              No Azure application yet. Baitwise reaches the client's Microsoft 365 through one registered in their
              Entra tenant.
            </Text>
            {!readOnly && (
              <Button
                component={Link}
                to={`/settings/azure-applications${q}`}
                leftSection={<IconPlus size={16} aria-hidden />}
              >
                Add an Azure application
              </Button>
            )}
          </Group>
        )}
        {list.map((app) => {
          const full = apps.data?.find((a) => a.id === app.id);
          const connected = app.status === 'connected';
          const label = connected ? 'Re-authorize' : 'Authorize';
          return (
            <Group
              key={app.id}
              justify="space-between"
              wrap="wrap"
              role="group"
              aria-label={`Azure application ${app.name}`}
            >
              <Stack gap={2}>
                <Group gap="xs">
                  <Anchor
                    component={Link}
                    to={`/settings/azure-applications/${encodeURIComponent(app.id)}${q}`}
                    fw={500}
                  >
                    {app.name}
                  </Anchor>
                  <AzureAppStatusBadge status={app.status} />
                </Group>
                <Text size="xs" c="dimmed">
                  {[
                    app.tenantDomain,
                    app.authorizedAt ? `authorized ${formatDateTime(app.authorizedAt)}` : 'never authorized',
                    secretWarning(app.secretExpiresAt),
                  ]
                    .filter(Boolean)
                    .join(' · ')}
                </Text>
              </Stack>
              <Button
                variant={connected ? 'default' : 'filled'}
                color={app.status === 'reauth_required' || app.status === 'error' ? 'orange' : undefined}
                leftSection={<IconPlugConnected size={16} aria-hidden />}
                onClick={() => full && setAuthorizing(full)}
                loading={!full && apps.isPending}
                disabled={readOnly || (!full && !apps.isPending)}
                title={readOnly ? 'The client is archived: unarchive it to authorize' : undefined}
                aria-label={`${label} ${app.name}`}
              >
                {label}
              </Button>
            </Group>
          );
        })}
      </Stack>
      {authorizing && (
        <AuthorizeModal app={authorizing} opened={authorizing !== null} onClose={() => setAuthorizing(null)} />
      )}
    </Paper>
  );
}
