import { Anchor, Group, Paper, Progress, Stack, Table, Text } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { IconPlus } from '@tabler/icons-react';
import { Link, useNavigate } from 'react-router';
import { ArchivedClientAlert } from '../components/ArchivedClientAlert';
import { ARCHIVED_REASON, ExplainedButton } from '../components/ExplainedButton';
import { PageHeader } from '../components/PageHeader';
import { PageLoader, QueryError } from '../components/QueryState';
import { useClientSearch, useSelectedClient } from '../hooks/useSelectedClient';
import { useTrainingCampaigns } from '../hooks/useTrainingCampaigns';
import { formatDate } from '../lib/format';
import { CampaignFormModal } from './training/CampaignFormModal';
import { CampaignStatusBadge } from './training/CampaignStatusBadge';

export const campaignPath = (id: string) => `/training/campaigns/${id}`;

/** Training → Campaigns: every campaign of the chosen client with its completion rate at a glance. */
export function TrainingCampaignsPage() {
  const navigate = useNavigate();
  const search = useClientSearch();
  const { clientId, client } = useSelectedClient();
  const campaigns = useTrainingCampaigns(clientId);
  const readOnly = Boolean(client?.archived);
  const [opened, form] = useDisclosure(false);

  return (
    <Stack gap="lg">
      <PageHeader
        title="Training campaigns"
        description="Invite people to a course, remind them, and see who completed it."
        actions={
          <ExplainedButton
            leftSection={<IconPlus size={16} aria-hidden />}
            onClick={form.open}
            disabledReason={!clientId ? 'Choose a client in the header first.' : readOnly && ARCHIVED_REASON}
          >
            New campaign
          </ExplainedButton>
        }
      />
      {client && <ArchivedClientAlert client={client} />}
      {!clientId ? (
        <Paper withBorder radius="md" p="xl">
          <Text c="dimmed" ta="center">
            Choose a client in the header to see its training campaigns.
          </Text>
        </Paper>
      ) : (
        <Paper withBorder radius="md" p="md">
          {campaigns.isPending && <PageLoader />}
          {campaigns.isError && <QueryError error={campaigns.error} onRetry={() => campaigns.refetch()} />}
          {campaigns.data?.length === 0 && (
            <Text c="dimmed" py="lg" ta="center">
              No training campaign yet. Create one to invite people to a course.
            </Text>
          )}
          {campaigns.data && campaigns.data.length > 0 && (
            <Table.ScrollContainer minWidth={720}>
              <Table verticalSpacing="sm" highlightOnHover>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>Campaign</Table.Th>
                    <Table.Th>Status</Table.Th>
                    <Table.Th>Due</Table.Th>
                    <Table.Th>Learners</Table.Th>
                    <Table.Th w={220}>Completion</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {campaigns.data.map((c) => (
                    <Table.Tr key={c.id}>
                      <Table.Td>
                        <Anchor component={Link} to={`${campaignPath(c.id)}${search}`} fw={600}>
                          {c.name}
                        </Anchor>
                        <Text size="xs" c="dimmed">
                          {c.contentTitle} · {c.language.toUpperCase()}
                        </Text>
                      </Table.Td>
                      <Table.Td>
                        <CampaignStatusBadge status={c.status} />
                      </Table.Td>
                      <Table.Td>{formatDate(c.dueAt)}</Table.Td>
                      <Table.Td>{c.launchedAt ? c.enrolled : '—'}</Table.Td>
                      <Table.Td>
                        {c.completionRate === null ? (
                          <Text size="sm" c="dimmed">
                            not launched
                          </Text>
                        ) : (
                          <Group gap="xs" wrap="nowrap">
                            <Progress
                              value={c.completionRate * 100}
                              w={120}
                              aria-label={`${c.name}: ${Math.round(c.completionRate * 100)}% completed`}
                            />
                            <Text size="sm">{Math.round(c.completionRate * 100)}%</Text>
                          </Group>
                        )}
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
          )}
        </Paper>
      )}
      {clientId && (
        <CampaignFormModal
          opened={opened}
          onClose={form.close}
          clientId={clientId}
          onSaved={(c) => navigate(`${campaignPath(c.id)}${search}`)}
        />
      )}
    </Stack>
  );
}
