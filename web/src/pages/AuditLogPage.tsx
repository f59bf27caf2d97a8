import { Anchor, Autocomplete, Button, Center, Group, Paper, Select, Stack, Text, TextInput } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { IconDownload, IconFilter, IconSearch } from '@tabler/icons-react';
import { useState } from 'react';
import { AuditTable } from '../components/AuditTable';
import { PageHeader } from '../components/PageHeader';
import { PageLoader, QueryError } from '../components/QueryState';
import { auditExportHref, useAuditActions, useAuditLog } from '../hooks/useAudit';
import { ALL_CLIENTS, useSelectedClient } from '../hooks/useSelectedClient';

/** Calendar dates are the operator's local days; the API wants instants. */
function startOfDay(date: string): string | undefined {
  return date ? new Date(`${date}T00:00:00`).toISOString() : undefined;
}
function endOfDay(date: string): string | undefined {
  return date ? new Date(`${date}T23:59:59.999`).toISOString() : undefined;
}

export function AuditLogPage() {
  // The client filter starts from the header's client picker (the choice follows the operator
  // around), so it is always shown as a filter: a log that looks complete but is not would
  // mislead an investigation.
  const { clientId, client, clients, setClientId } = useSelectedClient();
  const [action, setAction] = useState('');
  const [debouncedAction] = useDebouncedValue(action.trim(), 300);
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const rangeError = from && to && from > to ? 'The end date is before the start date' : null;
  const actions = useAuditActions(clientId);

  const filters = {
    clientId,
    action: debouncedAction || undefined,
    // An action chosen from the list is that action; typed text matches any part of one.
    actionMatch: actions.data?.includes(debouncedAction) ? ('exact' as const) : undefined,
    from: rangeError ? undefined : startOfDay(from),
    to: rangeError ? undefined : endOfDay(to),
  };
  const log = useAuditLog(filters);
  const entries = log.data?.pages.flatMap((page) => page.items) ?? [];

  return (
    <>
      <PageHeader
        title="Audit log"
        description="Who did what, when, and from where: sign-ins (failed ones too), permission changes and every change to a client. Newest first."
        actions={
          <Button
            component="a"
            href={auditExportHref(filters)}
            download
            variant="default"
            leftSection={<IconDownload size={16} aria-hidden />}
          >
            Export CSV
          </Button>
        }
      />
      <Paper withBorder radius="md" p="md">
        <Stack>
          <Group align="flex-start" gap="sm" wrap="wrap" role="search" aria-label="Filter the audit log">
            <Select
              label="Client"
              data={[
                { value: ALL_CLIENTS, label: 'All clients' },
                ...clients.map((c) => ({ value: c.id, label: c.archived ? `${c.name} (archived)` : c.name })),
              ]}
              value={clientId ?? ALL_CLIENTS}
              onChange={(value) => setClientId(value === ALL_CLIENTS ? null : value)}
              allowDeselect={false}
              searchable
              selectFirstOptionOnChange
              nothingFoundMessage="No client matches"
              w={220}
            />
            <Autocomplete
              label="Action"
              placeholder="Pick one, or type part of one"
              leftSection={<IconSearch size={16} aria-hidden />}
              data={actions.data ?? []}
              value={action}
              onChange={setAction}
              limit={50}
              maxDropdownHeight={300}
              w={260}
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
          {client && (
            // A status, not an alert: it is news when the filter changes, not an error.
            <Paper role="status" bg="var(--mantine-color-blue-light)" radius="sm" px="sm" py={6}>
              <Group gap="xs" wrap="wrap">
                <IconFilter size={16} aria-hidden />
                <Text size="sm">Showing only the entries of {client.name}.</Text>
                <Anchor component="button" type="button" size="sm" onClick={() => setClientId(null)}>
                  Show all clients
                </Anchor>
              </Group>
            </Paper>
          )}
          {log.isPending && <PageLoader />}
          {log.isError && <QueryError error={log.error} onRetry={() => log.refetch()} />}
          {log.isSuccess && entries.length === 0 && (
            <Text c="dimmed" py="lg" ta="center">
              No audit entries match these filters.
            </Text>
          )}
          {entries.length > 0 && <AuditTable entries={entries} clients={clients} label="Audit log" />}
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
