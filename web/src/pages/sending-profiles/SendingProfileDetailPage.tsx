import { Alert, Anchor, Badge, Button, Group, Paper, Stack } from '@mantine/core';
import { IconArrowLeft, IconPencil, IconTrash } from '@tabler/icons-react';
import { type ReactNode, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import type { SendingProfile } from '../../api/sendingProfiles';
import { ArchivedClientAlert } from '../../components/ArchivedClientAlert';
import { PageHeader } from '../../components/PageHeader';
import { PageLoader, QueryError } from '../../components/QueryState';
import { useAzureApps } from '../../hooks/useAzureApps';
import { useClientSearch, useSelectedClient } from '../../hooks/useSelectedClient';
import { useOutboxStatus, useSendingProfile } from '../../hooks/useSendingProfiles';
import { DeleteProfileModal } from './DeleteProfileModal';
import { FailedMessages } from './FailedMessages';
import { OutboxCard } from './OutboxCard';
import { PausedBadge } from './PausedBadge';
import { ProfileFormModal } from './ProfileFormModal';
import { ProfileSettings } from './ProfileSettings';
import { kindLabels } from './profileKinds';
import { SendingHelp } from './SendingHelp';
import { TestSendCard } from './TestSendCard';

const LIST = '/settings/sending-profiles';

/** One profile of the client chosen in the header (the address carries it as ?client=). */
export function SendingProfileDetailPage() {
  const { clientId } = useSelectedClient();
  const search = useClientSearch();
  const back = (
    <Anchor component={Link} to={`${LIST}${search}`} size="sm">
      <Group gap={4} component="span">
        <IconArrowLeft size={14} aria-hidden /> All sending profiles
      </Group>
    </Anchor>
  );
  if (!clientId) {
    return (
      <Stack align="flex-start">
        {back}
        <Alert color="gray" title="No client chosen">
          Choose the profile’s client in the header.
        </Alert>
      </Stack>
    );
  }
  return <ProfileDetail key={clientId} clientId={clientId} back={back} />;
}

function ProfileDetail({ clientId, back }: { clientId: string; back: ReactNode }) {
  const { profileId = '' } = useParams();
  const navigate = useNavigate();
  const search = useClientSearch();
  const { client } = useSelectedClient();
  const profile = useSendingProfile(clientId, profileId);
  const apps = useAzureApps(clientId);
  // Polled while the queue works, so a pause that happens meanwhile shows in the header too.
  const outbox = useOutboxStatus(clientId, profileId);
  const [editOpened, setEditOpened] = useState(false);
  const [deleting, setDeleting] = useState<SendingProfile | null>(null);
  const readOnly = Boolean(client?.archived);

  if (profile.isPending) return <PageLoader />;
  if (profile.isError) {
    return (
      <Stack align="flex-start">
        {back}
        <QueryError error={profile.error} onRetry={() => profile.refetch()} />
      </Stack>
    );
  }
  const p = profile.data;
  const app = apps.data?.find((a) => a.id === p.azureAppId);
  return (
    <Stack gap="lg">
      {back}
      <PageHeader
        title={p.name}
        description={
          <Group gap="xs" component="span">
            <Badge variant="outline" color="gray">
              {kindLabels[p.kind]}
            </Badge>
            <PausedBadge paused={outbox.data ? outbox.data.paused : p.paused} withReason={false} />
            <span>{client?.name}</span>
          </Group>
        }
        actions={
          <>
            <Button
              variant="default"
              leftSection={<IconPencil size={16} aria-hidden />}
              onClick={() => setEditOpened(true)}
              disabled={readOnly}
            >
              Edit
            </Button>
            <Button
              variant="light"
              color="red"
              leftSection={<IconTrash size={16} aria-hidden />}
              onClick={() => setDeleting(p)}
              disabled={readOnly}
            >
              Delete
            </Button>
          </>
        }
      />
      {client && <ArchivedClientAlert client={client} />}
      <TestSendCard clientId={clientId} profile={p} readOnly={readOnly} />
      <OutboxCard clientId={clientId} profileId={p.id} readOnly={readOnly} />
      <FailedMessages clientId={clientId} profileId={p.id} readOnly={readOnly} />
      <ProfileSettings profile={p} app={app} />
      <Paper withBorder radius="md" p="md" component="section" aria-label="What the client’s administrator sets up">
        <SendingHelp
          kind={p.kind}
          fromAddress={p.fromAddress}
          dkimDomain={p.dkim?.domain}
          mailbox={p.mailbox ?? app?.microsoftAccount?.upn}
        />
      </Paper>
      <ProfileFormModal opened={editOpened} onClose={() => setEditOpened(false)} clientId={clientId} profile={p} />
      <DeleteProfileModal
        clientId={clientId}
        profile={deleting}
        onClose={() => setDeleting(null)}
        onDeleted={() => navigate(`${LIST}${search}`)}
      />
    </Stack>
  );
}
