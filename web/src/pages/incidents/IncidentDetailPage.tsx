import { Anchor, Grid, Group, Paper, Stack, Text } from '@mantine/core';
import { IconArrowLeft } from '@tabler/icons-react';
import type { ReactNode } from 'react';
import { Link, useLocation, useParams } from 'react-router';
import { ArchivedClientAlert } from '../../components/ArchivedClientAlert';
import { PageHeader } from '../../components/PageHeader';
import { PageLoader, QueryError } from '../../components/QueryState';
import { useIncident } from '../../hooks/useIncidents';
import { useClientSearch, useSelectedClient } from '../../hooks/useSelectedClient';
import { IncidentTimeline } from './IncidentTimeline';
import { MessageBody } from './MessageBody';
import { MessageDetails } from './MessageDetails';
import { MessageSummary } from './MessageSummary';
import { ReportersTable } from './ReportersTable';
import { TriagePanel } from './TriagePanel';

/** One incident: what the message is, who reported it, what was done, and the triage controls. */
export function IncidentDetailPage() {
  const { incidentId = '' } = useParams();
  const { clientId, client } = useSelectedClient();
  const search = useClientSearch();
  const location = useLocation();
  const backTo = (location.state as { backTo?: string } | null)?.backTo ?? `/incidents${search}`;
  const back = (
    <Anchor component={Link} to={backTo} size="sm">
      <Group gap={4} component="span">
        <IconArrowLeft size={14} aria-hidden /> {backTo.startsWith('/incidents/all') ? 'All incidents' : 'Incidents'}
      </Group>
    </Anchor>
  );
  if (!clientId)
    return (
      <Stack align="flex-start">
        {back}
        <Paper withBorder radius="md" p="xl">
          <Text c="dimmed">Choose the incident’s client in the header to see it.</Text>
        </Paper>
      </Stack>
    );
  return (
    <Incident
      key={`${clientId}/${incidentId}`}
      clientId={clientId}
      incidentId={incidentId}
      back={back}
      archived={Boolean(client?.archived)}
      client={client}
    />
  );
}

function Incident({
  clientId,
  incidentId,
  back,
  archived,
  client,
}: {
  clientId: string;
  incidentId: string;
  back: ReactNode;
  archived: boolean;
  client: ReturnType<typeof useSelectedClient>['client'];
}) {
  const incident = useIncident(clientId, incidentId);
  if (incident.isPending) return <PageLoader />;
  if (incident.isError)
    return (
      <Stack align="flex-start">
        {back}
        <QueryError error={incident.error} onRetry={() => incident.refetch()} />
      </Stack>
    );
  const data = incident.data;
  return (
    <Stack gap="md">
      {back}
      <PageHeader
        title={data.subject || '(no subject)'}
        description={`${data.clientName} · reported by ${data.reportCount === 1 ? 'one person' : `${data.reportCount} people`}`}
      />
      {client && <ArchivedClientAlert client={client} />}
      <Grid gap="md">
        <Grid.Col span={{ base: 12, lg: 8 }}>
          <Stack gap="md">
            {data.message ? (
              <>
                <MessageSummary incident={data} message={data.message} />
                <MessageBody clientId={clientId} incidentId={incidentId} />
                <MessageDetails message={data.message} />
              </>
            ) : (
              <Paper withBorder radius="md" p="md">
                <Text>The message is being analysed. Reload the page in a moment to see it.</Text>
              </Paper>
            )}
          </Stack>
        </Grid.Col>
        <Grid.Col span={{ base: 12, lg: 4 }}>
          <Stack gap="md">
            <TriagePanel incident={data} readOnly={archived} />
            <IncidentTimeline clientId={clientId} incidentId={incidentId} events={data.timeline} readOnly={archived} />
          </Stack>
        </Grid.Col>
      </Grid>
      <ReportersTable incident={data} />
    </Stack>
  );
}
