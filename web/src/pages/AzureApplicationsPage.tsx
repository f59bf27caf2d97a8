import { Button, Group, Paper, Select, Stack, Text } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { IconBuilding, IconPlus } from '@tabler/icons-react';
import { useState } from 'react';
import { useNavigate, useSearchParams } from 'react-router';
import type { AzureApp } from '../api/azureApps';
import { PageHeader } from '../components/PageHeader';
import { PageLoader, QueryError } from '../components/QueryState';
import { useAzureApps, useGuidance } from '../hooks/useAzureApps';
import { useClients } from '../hooks/useClients';
import { useSelectedClient } from '../hooks/useSelectedClient';
import { AadstsLookup } from './azure-apps/AadstsLookup';
import { AuthorizeModal } from './azure-apps/AuthorizeModal';
import { AzureAppFormModal } from './azure-apps/AzureAppFormModal';
import { AzureAppsTable } from './azure-apps/AzureAppsTable';
import { DeleteAzureAppModal } from './azure-apps/DeleteAzureAppModal';
import { GuidancePanel } from './azure-apps/GuidancePanel';

/** Settings → Azure Applications: the Entra app registrations that connect each client's tenant. */
export function AzureApplicationsPage() {
  const navigate = useNavigate();
  const [searchParams] = useSearchParams();
  const { clientId, clients, setClientId } = useSelectedClient();
  const allClients = useClients({ includeArchived: true });
  const apps = useAzureApps(clientId);
  // Microsoft's redirect could not be matched to an authorization this session started.
  const stateInvalid = searchParams.get('authorization') === 'failed' && searchParams.get('reason') === 'state_invalid';
  const stateGuidance = useGuidance(stateInvalid ? { key: 'state_invalid' } : null);

  const [addOpened, add] = useDisclosure(false);
  const [editOpened, edit] = useDisclosure(false);
  // Kept after closing so the modals do not change content during their closing animation.
  const [target, setTarget] = useState<AzureApp | undefined>();
  const [authorizing, setAuthorizing] = useState<AzureApp | null>(null);
  const [deleting, setDeleting] = useState<AzureApp | null>(null);

  const clientName = (id: string) => allClients.data?.find((c) => c.id === id)?.name ?? 'Unknown client';
  const openDetail = (app: AzureApp) => navigate(`/settings/azure-applications/${app.id}`);

  return (
    <Stack gap="lg">
      <PageHeader
        title="Azure Applications"
        description="Entra app registrations that connect Baitwise to each client’s Microsoft 365 tenant."
        actions={
          <Button leftSection={<IconPlus size={16} aria-hidden />} onClick={add.open} disabled={clients.length === 0}>
            Add application
          </Button>
        }
      />
      {stateInvalid && stateGuidance.data && <GuidancePanel guidance={stateGuidance.data} />}
      <Paper withBorder radius="md" p="md">
        <Group mb="md">
          <Select
            label="Client"
            placeholder="All clients"
            data={clients.map((c) => ({ value: c.id, label: c.name }))}
            value={clientId}
            onChange={setClientId}
            clearable
            searchable
            nothingFoundMessage="No client matches"
            leftSection={<IconBuilding size={16} aria-hidden />}
            w={280}
          />
        </Group>
        {apps.isPending && <PageLoader />}
        {apps.isError && <QueryError error={apps.error} onRetry={() => apps.refetch()} />}
        {apps.data?.length === 0 && (
          <Text c="dimmed" py="lg" ta="center">
            {clients.length === 0
              ? 'You do not administer any client yet, so there is nothing to connect.'
              : clientId
                ? 'This client has no Azure application yet. Add one to connect its Microsoft 365 tenant.'
                : 'No Azure applications yet. Add one to connect a client’s Microsoft 365 tenant.'}
          </Text>
        )}
        {apps.data && apps.data.length > 0 && (
          <AzureAppsTable
            apps={apps.data}
            clientName={clientName}
            onAuthorize={setAuthorizing}
            onEdit={(app) => {
              setTarget(app);
              edit.open();
            }}
            onDelete={setDeleting}
          />
        )}
      </Paper>
      <AadstsLookup />
      <AzureAppFormModal opened={addOpened} onClose={add.close} defaultClientId={clientId} onSaved={openDetail} />
      <AzureAppFormModal opened={editOpened} onClose={edit.close} app={target} defaultClientId={clientId} />
      {authorizing && <AuthorizeModal app={authorizing} opened onClose={() => setAuthorizing(null)} />}
      <DeleteAzureAppModal app={deleting} onClose={() => setDeleting(null)} />
    </Stack>
  );
}
