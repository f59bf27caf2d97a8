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
import { useIsSystemAdmin, useOperator, useSession } from '../hooks/useSession';
import { formatDateTime } from '../lib/format';
import { DashboardOnboarding } from './client-hub/DashboardOnboarding';

export function DashboardPage() {
  const operator = useOperator();
  const previousSignInAt = useSession().data?.previousSignInAt ?? null;
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
        description={
          // "Welcome back" only to someone who has been here before: the first session (right
          // after setup, or a new operator's first sign-in) is greeted as a first visit.
          previousSignInAt === null
            ? `Welcome, ${operator.name}.${client ? ` Showing activity for ${client.name}.` : ''}`
            : `Welcome back, ${operator.name}. Your previous sign-in was ${formatDateTime(previousSignInAt)}.${
                client ? ` Showing activity for ${client.name}.` : ''
              }`
        }
      />
      {clients.data && <DashboardOnboarding clients={clients.data} selected={client} canAddClients={isSystemAdmin} />}
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
