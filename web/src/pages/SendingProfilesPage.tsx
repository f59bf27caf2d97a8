import { Accordion, Button, Paper, Stack, Text } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { IconPlus } from '@tabler/icons-react';
import { useState } from 'react';
import { useNavigate } from 'react-router';
import type { SendingProfile } from '../api/sendingProfiles';
import { ArchivedClientAlert } from '../components/ArchivedClientAlert';
import { PageHeader } from '../components/PageHeader';
import { PageLoader, QueryError } from '../components/QueryState';
import { useAzureApps } from '../hooks/useAzureApps';
import { useSelectedClient } from '../hooks/useSelectedClient';
import { useSendingProfiles } from '../hooks/useSendingProfiles';
import { DeleteProfileModal } from './sending-profiles/DeleteProfileModal';
import { ProfileFormModal } from './sending-profiles/ProfileFormModal';
import { SendingHelp } from './sending-profiles/SendingHelp';
import { profilePath, SendingProfilesTable } from './sending-profiles/SendingProfilesTable';

/** Settings → Sending profiles: how the mail of the client chosen in the header leaves. */
export function SendingProfilesPage() {
  const navigate = useNavigate();
  const { clientId, client } = useSelectedClient();
  const profiles = useSendingProfiles(clientId);
  const apps = useAzureApps(clientId);
  const readOnly = Boolean(client?.archived);
  const [addOpened, add] = useDisclosure(false);
  const [editOpened, edit] = useDisclosure(false);
  // Kept after closing so the modal does not change content during its closing animation.
  const [target, setTarget] = useState<SendingProfile | undefined>();
  const [deleting, setDeleting] = useState<SendingProfile | null>(null);

  return (
    <Stack gap="lg">
      <PageHeader
        title="Sending profiles"
        description={
          client
            ? `How the mail of ${client.name} leaves: its SMTP relays and Microsoft 365 mailboxes, with their pace and queues.`
            : 'How each client’s mail leaves: SMTP relays and Microsoft 365 mailboxes, with their pace and queues.'
        }
        actions={
          <Button leftSection={<IconPlus size={16} aria-hidden />} onClick={add.open} disabled={!clientId || readOnly}>
            Add profile
          </Button>
        }
      />
      {client && <ArchivedClientAlert client={client} />}
      {!clientId ? (
        <Paper withBorder radius="md" p="xl">
          <Text c="dimmed" ta="center">
            Choose a client in the header to see its sending profiles.
          </Text>
        </Paper>
      ) : (
        <Paper withBorder radius="md" p="md">
          {profiles.isPending && <PageLoader />}
          {profiles.isError && <QueryError error={profiles.error} onRetry={() => profiles.refetch()} />}
          {profiles.data?.length === 0 && (
            <Text c="dimmed" py="lg" ta="center">
              This client has no sending profile yet. Add an SMTP relay for simulations, or an Office 365 or Graph
              mailbox for training mail.
            </Text>
          )}
          {profiles.data && profiles.data.length > 0 && (
            <SendingProfilesTable
              clientId={clientId}
              profiles={profiles.data}
              apps={apps.data ?? []}
              readOnly={readOnly}
              onEdit={(p) => {
                setTarget(p);
                edit.open();
              }}
              onDelete={setDeleting}
            />
          )}
        </Paper>
      )}
      <Paper withBorder radius="md">
        <Accordion chevronPosition="left" multiple>
          <Accordion.Item value="relay">
            <Accordion.Control>SMTP relay: what the client’s Microsoft 365 administrator sets up</Accordion.Control>
            <Accordion.Panel>
              <SendingHelp kind="smtp" />
            </Accordion.Panel>
          </Accordion.Item>
          <Accordion.Item value="microsoft">
            <Accordion.Control>Office 365 and Graph: sending from the client’s own mailbox</Accordion.Control>
            <Accordion.Panel>
              <SendingHelp kind="office365" />
            </Accordion.Panel>
          </Accordion.Item>
        </Accordion>
      </Paper>
      {clientId && (
        <>
          <ProfileFormModal
            opened={addOpened}
            onClose={add.close}
            clientId={clientId}
            onSaved={(p) => navigate(profilePath(clientId, p.id))}
          />
          <ProfileFormModal opened={editOpened} onClose={edit.close} clientId={clientId} profile={target} />
          <DeleteProfileModal clientId={clientId} profile={deleting} onClose={() => setDeleting(null)} />
        </>
      )}
    </Stack>
  );
}
