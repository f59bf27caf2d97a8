import { Alert, Badge, Button, Group, Paper, Stack, Table, Tabs, Text, Title } from '@mantine/core';
import { IconPlus, IconRefresh } from '@tabler/icons-react';
import { useState } from 'react';
import { Link } from 'react-router';
import { type DirectoryImport, isActiveRun } from '../api/directorySync';
import { ArchivedClientAlert } from '../components/ArchivedClientAlert';
import { PageHeader } from '../components/PageHeader';
import { QueryError } from '../components/QueryState';
import { useImports, useRun, useSyncNow } from '../hooks/useDirectorySync';
import { useClientSearch, useSelectedClient } from '../hooks/useSelectedClient';
import { formatDateTime } from '../lib/format';
import { notifyFailure } from '../lib/notify';
import { HeldChangesTable } from './entra-sync/HeldChangesTable';
import { ImportSettings } from './entra-sync/ImportSettings';
import { NeedsAzureApp } from './entra-sync/NeedsAzureApp';
import { NewImportModal } from './entra-sync/NewImportModal';
import { RunProgress, RunStatusBadge } from './entra-sync/RunProgress';
import { RunsTable } from './entra-sync/RunsTable';
import { removalsHeldText, thresholdText } from './entra-sync/words';

const newPolicyLabel = { add: 'new users added', hold: 'new users held for approval' } as const;
const removedPolicyLabel = {
  delete: 'removed users deleted',
  keep: 'removed users kept',
  hold: 'removed users held for approval',
} as const;

/** Imports of Entra users into recipient groups for the client chosen in the header. */
export function EntraSyncPage() {
  const { clientId, client } = useSelectedClient();
  return (
    <>
      <PageHeader
        title="Entra sync"
        description={
          client
            ? `Recipients of ${client.name} imported from Entra ID and kept in sync.`
            : 'Recipients imported from Entra ID and kept in sync, per client.'
        }
      />
      {client && <ArchivedClientAlert client={client} />}
      {clientId ? (
        <Imports key={clientId} clientId={clientId} readOnly={Boolean(client?.archived)} />
      ) : (
        <Paper withBorder radius="md" p="xl">
          <Text c="dimmed" ta="center">
            Choose a client in the header to see its imports.
          </Text>
        </Paper>
      )}
    </>
  );
}

function Imports({ clientId, readOnly }: { clientId: string; readOnly: boolean }) {
  const imports = useImports(clientId);
  const [creating, setCreating] = useState(false);
  const [selected, setSelected] = useState<string | null>(null);
  const current = imports.data?.find((i) => i.id === selected) ?? imports.data?.[0] ?? null;
  if (imports.isError) return <QueryError error={imports.error} onRetry={() => imports.refetch()} />;
  return (
    <Stack gap="lg">
      <NeedsAzureApp clientId={clientId} />
      <Group justify="space-between">
        <Text c="dimmed" size="sm">
          {imports.data?.length ?? 0} import{imports.data?.length === 1 ? '' : 's'}
        </Text>
        <Button leftSection={<IconPlus size={16} aria-hidden />} onClick={() => setCreating(true)} disabled={readOnly}>
          New import
        </Button>
      </Group>
      {imports.data && imports.data.length > 0 && (
        <Table highlightOnHover aria-label="Imports">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Name</Table.Th>
              <Table.Th>Source</Table.Th>
              <Table.Th>Sync</Table.Th>
              <Table.Th>Last run</Table.Th>
              <Table.Th>Held</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {imports.data.map((i) => (
              <Table.Tr
                key={i.id}
                onClick={() => setSelected(i.id)}
                style={{ cursor: 'pointer' }}
                bg={i.id === current?.id ? 'var(--mantine-primary-color-light)' : undefined}
              >
                <Table.Td>
                  <Button variant="subtle" size="compact-sm" onClick={() => setSelected(i.id)}>
                    {i.name}
                  </Button>
                </Table.Td>
                <Table.Td>
                  {i.source === 'all_users' ? 'All users' : i.entraGroups.map((g) => g.displayName).join(', ')}
                </Table.Td>
                <Table.Td>
                  {i.status === 'paused' ? (
                    <Badge color="orange">paused</Badge>
                  ) : i.syncEnabled ? (
                    `every ${i.syncIntervalMinutes} min`
                  ) : (
                    'manual'
                  )}
                </Table.Td>
                <Table.Td>{i.lastRun ? <RunStatusBadge run={i.lastRun} /> : '—'}</Table.Td>
                <Table.Td>{i.pendingHeld}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      {current && <ImportDetail key={current.id} clientId={clientId} imp={current} readOnly={readOnly} />}
      <NewImportModal
        key={String(creating)}
        clientId={clientId}
        opened={creating}
        onClose={() => setCreating(false)}
        onCreated={(imp) => {
          setCreating(false);
          setSelected(imp.id);
        }}
      />
    </Stack>
  );
}

function ImportDetail({ clientId, imp, readOnly }: { clientId: string; imp: DirectoryImport; readOnly: boolean }) {
  const search = useClientSearch();
  const syncNow = useSyncNow(clientId);
  const [runId, setRunId] = useState<string | null>(null);
  const run = useRun(clientId, imp.id, runId ?? imp.lastRun?.id ?? null);
  const shown = run.data ?? imp.lastRun;
  const [tab, setTab] = useState<string | null>(imp.pendingHeld > 0 ? 'held' : 'runs');
  const heldRemovals = imp.lastRun?.removalsHeld && imp.pendingHeld > 0 ? imp.lastRun.removalsHeld : null;
  return (
    <Paper withBorder radius="md" p="lg">
      <Stack gap="md">
        <Group justify="space-between" align="flex-start">
          <Stack gap={2}>
            <Title order={2} fz="h3">
              {imp.name}
            </Title>
            <Text size="sm" c="dimmed">
              {newPolicyLabel[imp.newUserPolicy]}, {removedPolicyLabel[imp.removedUserPolicy]}
              {imp.removedUserPolicy === 'delete'
                ? ` (more than ${thresholdText(imp.deletionThreshold)} in one sync are held)`
                : ''}{' '}
              ·{' '}
              {imp.syncEnabled
                ? `next sync ${formatDateTime(imp.nextSyncAt, 'after the first run')}`
                : 'synced on demand'}
            </Text>
          </Stack>
          <Group gap="xs">
            <Button component={Link} to={`/recipients${search}`} variant="default">
              Recipients
            </Button>
            <Button
              leftSection={<IconRefresh size={16} aria-hidden />}
              loading={syncNow.isPending}
              disabled={readOnly || isActiveRun(shown)}
              onClick={() =>
                syncNow.mutate(imp.id, {
                  onSuccess: (r) => setRunId(r.id),
                  onError: (e) => notifyFailure('The sync could not be started', e),
                })
              }
            >
              Sync now
            </Button>
          </Group>
        </Group>
        {imp.status === 'paused' && imp.statusReason && (
          <Alert color="orange" title="Sync paused">
            {imp.statusReason.message} Authorize the Azure application again under{' '}
            <Link to={`/settings/azure-applications${search}`}>Azure Applications</Link>; syncs resume by themselves.
          </Alert>
        )}
        {heldRemovals && (
          <Alert color="orange" title="Removals held by the deletion threshold">
            <Stack gap="xs" align="flex-start">
              <Text size="sm">{removalsHeldText(heldRemovals)}</Text>
              <Text size="sm">
                Check that the import’s scope and Entra are right (a deleted group, a changed filter or a faulty change
                in Entra looks like this), then approve or reject the removals.
              </Text>
              <Button size="xs" variant="light" onClick={() => setTab('held')}>
                Review held removals
              </Button>
            </Stack>
          </Alert>
        )}
        {shown && <RunProgress run={shown} />}
        <Tabs value={tab} onChange={setTab} keepMounted={false}>
          <Tabs.List>
            <Tabs.Tab value="runs">History</Tabs.Tab>
            <Tabs.Tab value="held" rightSection={imp.pendingHeld ? <Badge size="xs">{imp.pendingHeld}</Badge> : null}>
              Held for approval
            </Tabs.Tab>
            <Tabs.Tab value="settings">Settings</Tabs.Tab>
          </Tabs.List>
          <Tabs.Panel value="runs" pt="md">
            <RunsTable clientId={clientId} importId={imp.id} />
          </Tabs.Panel>
          <Tabs.Panel value="held" pt="md">
            <HeldChangesTable clientId={clientId} importId={imp.id} />
          </Tabs.Panel>
          <Tabs.Panel value="settings" pt="md">
            <ImportSettings clientId={clientId} imp={imp} />
          </Tabs.Panel>
        </Tabs>
      </Stack>
    </Paper>
  );
}
