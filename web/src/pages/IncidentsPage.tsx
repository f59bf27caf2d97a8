import { Button, Center, Paper, Stack, Text } from '@mantine/core';
import { useMemo, useState } from 'react';
import { useLocation, useSearchParams } from 'react-router';
import { ArchivedClientAlert } from '../components/ArchivedClientAlert';
import { PageHeader } from '../components/PageHeader';
import { PageLoader, QueryError } from '../components/QueryState';
import { type InboxScope, useIncidentList } from '../hooks/useIncidents';
import { useSelectedClient } from '../hooks/useSelectedClient';
import { BulkActions } from './incidents/BulkActions';
import { IncidentFilters } from './incidents/IncidentFilters';
import { IncidentsTable } from './incidents/IncidentsTable';
import { hasFilters, type InboxFilters, readFilters, toQuery, writeFilters } from './incidents/inboxParams';

/**
 * The incidents inbox: reported messages grouped into incidents. `client`: the chosen client's
 * (client administrators, and system administrators inside a client); `all`: every client's, for
 * system administrators, with the client named on each row.
 */
export function IncidentsPage({ mode }: { mode: 'client' | 'all' }) {
  const { clientId, client, clients } = useSelectedClient();
  if (mode === 'all') return <Inbox scope={null} clients={clients} title="All incidents" />;
  return (
    <>
      {client && <ArchivedClientAlert client={client} />}
      {clientId ? (
        <Inbox key={clientId} scope={{ clientId }} title="Incidents" clientName={client?.name} />
      ) : (
        <>
          <PageHeader title="Incidents" description="Messages people reported, grouped by message." />
          <Paper withBorder radius="md" p="xl">
            <Text c="dimmed" ta="center">
              Choose a client in the header to see its incidents.
            </Text>
          </Paper>
        </>
      )}
    </>
  );
}

function Inbox({
  scope,
  title,
  clientName,
  clients,
}: {
  scope: InboxScope;
  title: string;
  clientName?: string;
  clients?: ReturnType<typeof useSelectedClient>['clients'];
}) {
  const location = useLocation();
  const [params, setParams] = useSearchParams();
  const filters = useMemo(() => readFilters(params), [params]);
  const list = useIncidentList(scope, toQuery(filters));
  const rows = useMemo(() => list.data?.pages.flatMap((p) => p.items) ?? [], [list.data]);
  const [selectedIds, setSelectedIds] = useState<Set<string>>(new Set());
  // Only rows still shown count as selected (a filter change can hide a ticked one).
  const selected = rows.filter((r) => selectedIds.has(r.id));

  const setFilters = (next: InboxFilters) => {
    setSelectedIds(new Set());
    // From the URL as it is now, not as this render saw it (a navigation may be pending).
    setParams((current) => writeFilters(current, next), { replace: true });
  };

  return (
    <Stack gap="md">
      <PageHeader
        title={title}
        description={
          scope
            ? `Messages the people of ${clientName ?? 'this client'} reported, grouped by message: a wave is one row.`
            : 'Every client’s reported messages in one list, the client named on each row.'
        }
      />
      <Paper withBorder radius="md" p="md">
        <Stack>
          <IncidentFilters value={filters} onChange={setFilters} clients={scope ? undefined : clients} />
          <BulkActions scope={scope} selected={selected} onDone={() => setSelectedIds(new Set())} />
          {list.isPending && <PageLoader />}
          {list.isError && <QueryError error={list.error} onRetry={() => list.refetch()} />}
          {list.isSuccess && rows.length === 0 && (
            <Text c="dimmed" py="lg" ta="center">
              {hasFilters(filters) ? 'No incident matches these filters.' : 'No message has been reported yet.'}
            </Text>
          )}
          {rows.length > 0 && (
            <IncidentsTable
              incidents={rows}
              selected={selectedIds}
              onSelect={setSelectedIds}
              showClient={scope === null}
              backTo={`${location.pathname}${location.search}`}
            />
          )}
          {list.hasNextPage && (
            <Center>
              <Button variant="default" loading={list.isFetchingNextPage} onClick={() => list.fetchNextPage()}>
                Load more
              </Button>
            </Center>
          )}
        </Stack>
      </Paper>
    </Stack>
  );
}
