import { Anchor, Paper, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { IconBuilding, IconClipboardList, IconUsers } from '@tabler/icons-react';
import { Link } from 'react-router';
import { AuditTable } from '../components/AuditTable';
import { PageHeader } from '../components/PageHeader';
import { PageLoader, QueryError } from '../components/QueryState';
import { StatCard } from '../components/StatCard';
import { useAuditCountLastDay, useRecentAudit } from '../hooks/useAudit';
import { useClients } from '../hooks/useClients';
import { useOperators } from '../hooks/useOperators';
import { useClientSearch, useSelectedClient } from '../hooks/useSelectedClient';
import { useIsSystemAdmin, useOperator } from '../hooks/useSession';

export function DashboardPage() {
  const operator = useOperator();
  const isSystemAdmin = useIsSystemAdmin();
  const { clientId, client } = useSelectedClient();
  const search = useClientSearch();
  const clients = useClients();
  // Only system administrators may list operators; others would only get a 403.
  const operators = useOperators({ enabled: isSystemAdmin });
  const recent = useRecentAudit(clientId);
  const lastDay = useAuditCountLastDay(clientId);

  return (
    <Stack gap="lg">
      <PageHeader
        title="Dashboard"
        description={`Welcome back, ${operator.name}.${client ? ` Showing activity for ${client.name}.` : ''}`}
      />
      <SimpleGrid cols={{ base: 1, sm: 3 }}>
        <StatCard label="Clients" value={clients.data?.length} icon={IconBuilding} />
        {isSystemAdmin && <StatCard label="Operators" value={operators.data?.length} icon={IconUsers} />}
        <StatCard label="Audit entries, last 24 hours" value={lastDay.data} icon={IconClipboardList} />
      </SimpleGrid>
      <Paper withBorder p="md" radius="md">
        <Stack gap="sm">
          <Title order={2} fz="h4">
            Recent activity
          </Title>
          {recent.isPending && <PageLoader />}
          {recent.isError && <QueryError error={recent.error} onRetry={() => recent.refetch()} />}
          {recent.data?.length === 0 && <Text c="dimmed">Nothing has been recorded yet.</Text>}
          {recent.data && recent.data.length > 0 && <AuditTable entries={recent.data} clients={clients.data ?? []} />}
          <Anchor component={Link} to={`/audit${search}`} size="sm">
            Open the audit log
          </Anchor>
        </Stack>
      </Paper>
    </Stack>
  );
}
