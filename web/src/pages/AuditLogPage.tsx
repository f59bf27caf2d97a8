import { Button, Center, Group, Paper, Select, Stack, Text, TextInput } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { IconSearch } from '@tabler/icons-react';
import { useState } from 'react';
import { AuditTable } from '../components/AuditTable';
import { PageHeader } from '../components/PageHeader';
import { PageLoader, QueryError } from '../components/QueryState';
import { useAuditLog } from '../hooks/useAudit';
import { useSelectedClient } from '../hooks/useSelectedClient';

/** Calendar dates are the operator's local days; the API wants instants. */
function startOfDay(date: string): string | undefined {
  return date ? new Date(`${date}T00:00:00`).toISOString() : undefined;
}
function endOfDay(date: string): string | undefined {
  return date ? new Date(`${date}T23:59:59.999`).toISOString() : undefined;
}

export function AuditLogPage() {
  // The client filter is the header's client picker, so the choice follows the operator around.
  const { clientId, clients, setClientId } = useSelectedClient();
  const [action, setAction] = useState('');
  const [debouncedAction] = useDebouncedValue(action.trim(), 300);
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const rangeError = from && to && from > to ? 'The end date is before the start date' : null;

  const log = useAuditLog({
    clientId,
    action: debouncedAction || undefined,
    from: rangeError ? undefined : startOfDay(from),
    to: rangeError ? undefined : endOfDay(to),
  });
  const entries = log.data?.pages.flatMap((page) => page.items) ?? [];

  return (
    <>
      <PageHeader title="Audit log" description="Who did what, when, and from where. Newest first." />
      <Paper withBorder radius="md" p="md">
        <Stack>
          <Group align="flex-start" gap="sm" wrap="wrap" role="search" aria-label="Filter the audit log">
            <Select
              label="Client"
              placeholder="All clients"
              data={clients.map((client) => ({ value: client.id, label: client.name }))}
              value={clientId}
              onChange={setClientId}
              clearable
              searchable
              w={220}
            />
            <TextInput
              label="Action"
              placeholder="e.g. client.create"
              leftSection={<IconSearch size={16} aria-hidden />}
              value={action}
              onChange={(event) => setAction(event.currentTarget.value)}
              w={220}
            />
            <TextInput
              label="From"
              type="date"
              value={from}
              onChange={(event) => setFrom(event.currentTarget.value)}
              w={170}
            />
            <TextInput
              label="To"
              type="date"
              value={to}
              onChange={(event) => setTo(event.currentTarget.value)}
              error={rangeError}
              w={170}
            />
          </Group>
          {log.isPending && <PageLoader />}
          {log.isError && <QueryError error={log.error} onRetry={() => log.refetch()} />}
          {log.isSuccess && entries.length === 0 && (
            <Text c="dimmed" py="lg" ta="center">
              No audit entries match these filters.
            </Text>
          )}
          {entries.length > 0 && <AuditTable entries={entries} clients={clients} />}
          {log.hasNextPage && (
            <Center>
              <Button variant="default" loading={log.isFetchingNextPage} onClick={() => log.fetchNextPage()}>
                Load more
              </Button>
            </Center>
          )}
        </Stack>
      </Paper>
    </>
  );
}
