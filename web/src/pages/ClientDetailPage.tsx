import { Anchor, Button, Group, Paper, SimpleGrid, Stack, Text } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { IconArchive, IconArchiveOff, IconArrowLeft, IconPencil } from '@tabler/icons-react';
import { useEffect, useRef } from 'react';
import { Link, useLocation, useNavigate, useParams } from 'react-router';
import { ArchivedClientAlert } from '../components/ArchivedClientAlert';
import { ClientAdministrators } from '../components/ClientAdministrators';
import { ClientNameModal } from '../components/ClientNameModal';
import { ClientStatusBadge } from '../components/ClientStatusBadge';
import { ConfirmModal } from '../components/ConfirmModal';
import { clientSteps, OnboardingChecklist } from '../components/OnboardingChecklist';
import { PageHeader } from '../components/PageHeader';
import { PageLoader, QueryError } from '../components/QueryState';
import { useArchiveClient } from '../hooks/useArchiveClient';
import { useClientOverview } from '../hooks/useClientOverview';
import { useClient } from '../hooks/useClients';
import { useSelectedClient } from '../hooks/useSelectedClient';
import { useIsSystemAdmin } from '../hooks/useSession';
import { formatDateTime } from '../lib/format';
import { ClientStateCards } from './client-hub/ClientStateCards';
import { Microsoft365Card } from './client-hub/Microsoft365Card';
import { RetentionSection } from './incidents/RetentionSection';
import { ReportAddinSection } from './report-addin/ReportAddinSection';
import { ReportingMailboxSection } from './reporting-mailbox/ReportingMailboxSection';

export function ClientDetailPage() {
  const { clientId = '' } = useParams();
  const client = useClient(clientId);
  const isSystemAdmin = useIsSystemAdmin();
  const [renameOpened, rename] = useDisclosure(false);
  const [archiveOpened, archiveConfirm] = useDisclosure(false);
  const archive = useArchiveClient();
  const overview = useClientOverview(client.data ? clientId : null);
  const { clientId: selectedId, setClientId } = useSelectedClient();
  const { hash } = useLocation();

  // The client's page is where the operator works on that client: the header's picker follows,
  // so the pages its links lead to (recipients, sync, campaigns…) show the same client; choosing
  // another client in the picker here opens that client's page.
  const navigate = useNavigate();
  const shownId = client.data?.id;
  const synced = useRef<{ shown: string; before: string | null } | null>(null);
  useEffect(() => {
    if (!shownId) return;
    if (synced.current?.shown !== shownId) {
      synced.current = { shown: shownId, before: selectedId };
      if (selectedId !== shownId) setClientId(shownId);
    } else if (selectedId === shownId) {
      synced.current.before = null;
    } else if (selectedId && selectedId !== synced.current.before) {
      // (`before`: the picker's value until our own switch lands, which is not the operator's choice)
      navigate(`/clients/${encodeURIComponent(selectedId)}?client=${encodeURIComponent(selectedId)}`);
    }
  }, [shownId, selectedId, setClientId, navigate]);

  // A checklist link to a section of this page (#report-addin) scrolls to it once it is drawn.
  const loaded = Boolean(client.data);
  useEffect(() => {
    if (loaded && hash) document.getElementById(hash.slice(1))?.scrollIntoView({ block: 'start' });
  }, [loaded, hash]);

  const back = (
    <Anchor component={Link} to="/clients" size="sm">
      <Group gap={4} component="span">
        <IconArrowLeft size={14} aria-hidden /> All clients
      </Group>
    </Anchor>
  );
  if (client.isPending) return <PageLoader />;
  if (client.isError) {
    return (
      <Stack align="flex-start">
        {back}
        <QueryError error={client.error} />
      </Stack>
    );
  }

  const data = client.data;
  return (
    <Stack gap="lg">
      {back}
      <PageHeader
        title={data.name}
        description={<ClientStatusBadge archived={data.archived} />}
        actions={
          isSystemAdmin && (
            <>
              <Button
                variant="default"
                leftSection={<IconPencil size={16} aria-hidden />}
                onClick={rename.open}
                disabled={data.archived}
                title={data.archived ? 'Unarchive the client to rename it' : undefined}
              >
                Rename
              </Button>
              {data.archived ? (
                <Button
                  variant="default"
                  leftSection={<IconArchiveOff size={16} aria-hidden />}
                  loading={archive.isPending}
                  onClick={() => archive.toggle(data)}
                >
                  Unarchive
                </Button>
              ) : (
                <Button
                  variant="light"
                  color="red"
                  leftSection={<IconArchive size={16} aria-hidden />}
                  onClick={archiveConfirm.open}
                >
                  Archive
                </Button>
              )}
            </>
          )
        }
      />
      <ArchivedClientAlert client={data} onClientPage />
      {overview.isError && <QueryError error={overview.error} onRetry={() => overview.refetch()} />}
      {overview.data && overview.data.onboarding.done < overview.data.onboarding.total && !data.archived && (
        <OnboardingChecklist title={`Set up ${data.name}`} steps={clientSteps(overview.data)} />
      )}
      {overview.data && <Microsoft365Card client={data} overview={overview.data} />}
      {overview.data && <ClientStateCards overview={overview.data} />}
      <Paper withBorder radius="md" p="md">
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          <div>
            <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
              Created
            </Text>
            <Text>{formatDateTime(data.createdAt)}</Text>
          </div>
          <div>
            <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
              Last changed
            </Text>
            <Text>{formatDateTime(data.updatedAt)}</Text>
          </div>
        </SimpleGrid>
      </Paper>
      <ClientAdministrators client={data} />
      <div id="report-addin">
        <ReportAddinSection client={data} />
      </div>
      <ReportingMailboxSection client={data} />
      <RetentionSection client={data} />
      <ClientNameModal opened={renameOpened} onClose={rename.close} client={data} />
      <ConfirmModal
        opened={archiveOpened}
        title="Archive client"
        confirmLabel="Archive"
        danger
        loading={archive.isPending}
        onClose={archiveConfirm.close}
        onConfirm={() => archive.toggle(data, archiveConfirm.close)}
      >
        Archive {data.name}? Nothing is deleted: it becomes read-only and its directory syncs pause until you unarchive
        it.
      </ConfirmModal>
    </Stack>
  );
}
