import { Anchor, Button, Group, Paper, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { IconAlarm, IconCircleCheck, IconFileSpreadsheet, IconSchool, IconUsers } from '@tabler/icons-react';
import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { campaignsPath } from '../../api/training';
import { ArchivedClientAlert } from '../../components/ArchivedClientAlert';
import { ConfirmModal } from '../../components/ConfirmModal';
import { ARCHIVED_REASON, ExplainedButton } from '../../components/ExplainedButton';
import { PageHeader } from '../../components/PageHeader';
import { PageLoader, QueryError } from '../../components/QueryState';
import { StatCard } from '../../components/StatCard';
import { useClientSearch, useSelectedClient } from '../../hooks/useSelectedClient';
import { useCampaignAction, useCampaignResults, useTrainingCampaign } from '../../hooks/useTrainingCampaigns';
import { formatDateTime } from '../../lib/format';
import { notifyFailure, notifySuccess } from '../../lib/notify';
import { CampaignFormModal } from './CampaignFormModal';
import { CampaignStatusBadge } from './CampaignStatusBadge';
import { LearnersTable } from './LearnersTable';
import { ResultsCharts } from './ResultsCharts';

/** A campaign: its settings and state, the actions on it, its results and its learners. */
export function CampaignDetailPage() {
  const { campaignId = '' } = useParams();
  const navigate = useNavigate();
  const search = useClientSearch();
  const { clientId, client } = useSelectedClient();
  const cid = clientId ?? '';
  const campaign = useTrainingCampaign(cid, campaignId);
  const launched = Boolean(campaign.data?.launchedAt);
  const results = useCampaignResults(cid, campaignId, launched);
  const action = useCampaignAction();
  const [editOpened, edit] = useDisclosure(false);
  const [confirm, setConfirm] = useState<'launch' | 'cancel' | 'delete' | null>(null);
  const readOnly = Boolean(client?.archived);

  if (!clientId) return <Text c="dimmed">Choose a client in the header.</Text>;
  if (campaign.isPending) return <PageLoader />;
  if (campaign.isError) return <QueryError error={campaign.error} onRetry={() => campaign.refetch()} />;
  const c = campaign.data;
  const r = results.data;
  const live = c.status === 'scheduled' || c.status === 'running';
  const exportHref = (format: 'csv' | 'xlsx') => `/api/v1${campaignsPath(cid, c.id)}/export?format=${format}`;

  const doAction = (kind: 'launch' | 'cancel' | 'delete') =>
    action.mutate(
      { clientId: cid, id: c.id, action: kind },
      {
        onSuccess: () => {
          setConfirm(null);
          notifySuccess(
            { launch: `${c.name} is launched.`, cancel: `${c.name} is cancelled.`, delete: `${c.name} was deleted.` }[
              kind
            ],
          );
          if (kind === 'delete') navigate(`/training/campaigns${search}`);
        },
        onError: (err) => {
          setConfirm(null);
          notifyFailure(`Could not ${kind} the campaign`, err);
        },
      },
    );

  return (
    <Stack gap="lg">
      <Anchor component={Link} to={`/training/campaigns${search}`} size="sm">
        ← Training campaigns
      </Anchor>
      <PageHeader
        title={c.name}
        description={
          <Group gap="xs" component="span">
            <CampaignStatusBadge status={c.status} />
            <span>
              {c.contentTitle} · {c.language.toUpperCase()} · due {formatDateTime(c.dueAt)} ({c.timeZone}
              {c.recipientTimeZones ? '; each learner’s own time zone where known' : ''})
            </span>
          </Group>
        }
        actions={
          <>
            {(c.status === 'draft' || live) && (
              <ExplainedButton variant="default" onClick={edit.open} disabledReason={readOnly && ARCHIVED_REASON}>
                Edit
              </ExplainedButton>
            )}
            {c.status === 'draft' && (
              <>
                <ExplainedButton
                  variant="default"
                  color="red"
                  onClick={() => setConfirm('delete')}
                  disabledReason={readOnly && ARCHIVED_REASON}
                >
                  Delete
                </ExplainedButton>
                <ExplainedButton onClick={() => setConfirm('launch')} disabledReason={readOnly && ARCHIVED_REASON}>
                  {c.startsAt && Date.parse(c.startsAt) > Date.now() ? 'Schedule' : 'Launch now'}
                </ExplainedButton>
              </>
            )}
            {live && (
              <ExplainedButton
                color="red"
                variant="light"
                onClick={() => setConfirm('cancel')}
                disabledReason={readOnly && ARCHIVED_REASON}
              >
                Cancel campaign
              </ExplainedButton>
            )}
          </>
        }
      />
      {client && <ArchivedClientAlert client={client} />}
      {!launched ? (
        <Paper withBorder radius="md" p="xl">
          <Text c="dimmed" ta="center">
            {c.status === 'scheduled'
              ? `Invitations start ${formatDateTime(c.startsAt)}.`
              : 'Not launched yet: results appear once the invitations are out.'}
          </Text>
        </Paper>
      ) : (
        <>
          <SimpleGrid cols={{ base: 2, md: 4 }}>
            <StatCard label="Learners" value={r?.enrolled} icon={IconUsers} />
            <StatCard
              label="Completed"
              value={r ? `${r.enrolled ? Math.round((r.funnel.completed / r.enrolled) * 100) : 0}%` : undefined}
              icon={IconCircleCheck}
            />
            <StatCard label="Overdue" value={r?.overdue} icon={IconAlarm} />
            <StatCard label="Average score" value={r ? (r.averageScore ?? '—') : undefined} icon={IconSchool} />
          </SimpleGrid>
          {results.isError && <QueryError error={results.error} onRetry={() => results.refetch()} />}
          {r && <ResultsCharts results={r} />}
          <Paper withBorder radius="md" p="md">
            <Group justify="space-between" mb="sm">
              <Title order={2} size="h4">
                Learners
              </Title>
              <Group gap="xs">
                {(['csv', 'xlsx'] as const).map((format) => (
                  <Button
                    key={format}
                    component="a"
                    href={exportHref(format)}
                    download
                    variant="default"
                    size="xs"
                    leftSection={<IconFileSpreadsheet size={14} aria-hidden />}
                  >
                    Export {format.toUpperCase()}
                  </Button>
                ))}
              </Group>
            </Group>
            <LearnersTable clientId={cid} campaignId={c.id} running={c.status === 'running'} readOnly={readOnly} />
          </Paper>
        </>
      )}
      <CampaignFormModal opened={editOpened} onClose={edit.close} clientId={cid} campaign={c} />
      <ConfirmModal
        opened={confirm !== null}
        title={
          { launch: 'Launch the campaign', cancel: 'Cancel the campaign', delete: 'Delete the draft' }[
            confirm ?? 'launch'
          ]
        }
        confirmLabel={{ launch: 'Launch', cancel: 'Cancel campaign', delete: 'Delete' }[confirm ?? 'launch']}
        danger={confirm !== 'launch'}
        loading={action.isPending}
        onConfirm={() => confirm && doAction(confirm)}
        onClose={() => setConfirm(null)}
      >
        {confirm === 'launch'
          ? 'Everyone in the audience is enrolled now and their invitations are queued (spread over the window if one is set).'
          : confirm === 'cancel'
            ? 'Every invitation and reminder not yet sent is cancelled and every learner’s link stops working. This cannot be undone.'
            : 'The draft is deleted.'}
      </ConfirmModal>
    </Stack>
  );
}
