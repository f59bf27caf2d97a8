import { Alert, Badge, Button, Group, Paper, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { IconAlertTriangle, IconRefresh } from '@tabler/icons-react';
import type { ReportingMailboxRun } from '../../api/reportingMailbox';
import type { Client } from '../../api/types';
import { PageLoader, QueryError } from '../../components/QueryState';
import { useAzureApps } from '../../hooks/useAzureApps';
import { useReportingMailbox, useReportingMailboxRuns, useSyncReportingMailbox } from '../../hooks/useReportingMailbox';
import { formatDateTime } from '../../lib/format';
import { notifyFailure, notifySuccess } from '../../lib/notify';
import { ReportingMailboxForm } from './ReportingMailboxForm';

const STATUS_COLOR: Record<ReportingMailboxRun['status'], string> = {
  queued: 'gray',
  running: 'blue',
  succeeded: 'green',
  failed: 'red',
};

function Runs({ runs }: { runs: ReportingMailboxRun[] }) {
  if (runs.length === 0)
    return (
      <Text size="sm" c="dimmed">
        No reading yet.
      </Text>
    );
  return (
    <Table striped withTableBorder aria-label="Last readings of the reporting mailbox">
      <Table.Thead>
        <Table.Tr>
          <Table.Th>When</Table.Th>
          <Table.Th>Status</Table.Th>
          <Table.Th>New reports</Table.Th>
          <Table.Th>Already recorded</Table.Th>
          <Table.Th>Refused</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {runs.map((r) => (
          <Table.Tr key={r.id}>
            <Table.Td>
              {formatDateTime(r.finishedAt ?? r.startedAt ?? r.createdAt)}
              <Text size="xs" c="dimmed">
                {r.trigger === 'manual' ? 'Sync now' : 'Scheduled'}
                {r.restarted ? ' · full round (Microsoft reset the sync)' : ''}
              </Text>
            </Table.Td>
            <Table.Td>
              <Badge color={STATUS_COLOR[r.status]} variant="light">
                {r.status}
              </Badge>
              {r.error && (
                <Text size="xs" c="red" mt={4}>
                  {r.error}
                </Text>
              )}
            </Table.Td>
            <Table.Td>{r.ingested}</Table.Td>
            <Table.Td>{r.duplicates}</Table.Td>
            <Table.Td>
              {r.refused}
              {r.refusals.slice(0, 3).map((f) => (
                <Text key={`${f.sender}-${f.reason}`} size="xs" c="dimmed">
                  {f.sender ?? 'no sender'}: {f.reason}
                </Text>
              ))}
            </Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}

/**
 * Intake from Microsoft's own Report button: the reporting mailbox Defender's user reported
 * settings send reports to, read through the client's Azure application.
 */
export function ReportingMailboxSection({ client }: { client: Client }) {
  const settings = useReportingMailbox(client.id);
  const runs = useReportingMailboxRuns(client.id);
  const apps = useAzureApps(client.id);
  const sync = useSyncReportingMailbox(client.id);
  const last = runs.data?.items[0];

  return (
    <Paper withBorder radius="md" p="md" component="section" aria-labelledby="reporting-mailbox-title">
      <Stack gap="md">
        <Group justify="space-between">
          <Title order={2} fz="h4" id="reporting-mailbox-title">
            Reporting mailbox
          </Title>
          <Button
            variant="light"
            leftSection={<IconRefresh size={16} aria-hidden />}
            disabled={client.archived || !settings.data?.enabled}
            loading={sync.isPending}
            onClick={() =>
              sync.mutate(undefined, {
                onSuccess: () => notifySuccess('Reading the reporting mailbox now.'),
                onError: (error) => notifyFailure('Could not start reading the mailbox', error),
              })
            }
          >
            Sync now
          </Button>
        </Group>
        <Text size="sm" c="dimmed">
          For clients using Outlook’s own Report button: Microsoft sends each report to a reporting mailbox (Defender →
          User reported settings). Baitwise reads it, records the attached message as a report of the person who sent it
          and moves the report to a folder.
        </Text>
        {(settings.isPending || apps.isPending) && <PageLoader />}
        {settings.isError && <QueryError error={settings.error} onRetry={() => settings.refetch()} />}
        {settings.data && apps.data && (
          <SimpleGrid cols={{ base: 1, md: 2 }} spacing="xl">
            <ReportingMailboxForm settings={settings.data} apps={apps.data} readOnly={client.archived} />
            <Stack gap="sm">
              <Title order={3} fz="md">
                Last readings
              </Title>
              {last?.status === 'failed' && last.error && (
                <Alert color="red" icon={<IconAlertTriangle size={18} aria-hidden />} title="The last reading failed">
                  <Text size="sm">{last.error}</Text>
                </Alert>
              )}
              {settings.data.enabled && (
                <Text size="xs" c="dimmed">
                  Next scheduled reading: {formatDateTime(settings.data.nextRunAt)}
                </Text>
              )}
              {runs.isError && <QueryError error={runs.error} onRetry={() => runs.refetch()} />}
              {runs.data && <Runs runs={runs.data.items.slice(0, 10)} />}
            </Stack>
          </SimpleGrid>
        )}
      </Stack>
    </Paper>
  );
}
