import { Paper, Tabs, Text } from '@mantine/core';
import { IconUser, IconUsersGroup } from '@tabler/icons-react';
import { useLocation, useNavigate } from 'react-router';
import { ArchivedClientAlert } from '../components/ArchivedClientAlert';
import { PageHeader } from '../components/PageHeader';
import { useClientSearch, useSelectedClient } from '../hooks/useSelectedClient';
import { GroupsPanel } from './recipients/GroupsPanel';
import { RecipientsPanel } from './recipients/RecipientsPanel';

/** Recipients of the client chosen in the header, with their groups on a second tab. */
export function RecipientsPage() {
  const { pathname } = useLocation();
  const navigate = useNavigate();
  const search = useClientSearch();
  const { clientId, client } = useSelectedClient();
  const tab = pathname.startsWith('/recipients/groups') ? 'groups' : 'recipients';

  return (
    <>
      <PageHeader
        title="Recipients"
        description={
          client
            ? `The people of ${client.name} who receive training and simulations, and the groups they are sent to.`
            : 'The people who receive training and simulations, per client.'
        }
      />
      {client && <ArchivedClientAlert client={client} />}
      {!clientId ? (
        <Paper withBorder radius="md" p="xl">
          <Text c="dimmed" ta="center">
            Choose a client in the header to see its recipients.
          </Text>
        </Paper>
      ) : (
        <Tabs
          value={tab}
          onChange={(value) => navigate(`${value === 'groups' ? '/recipients/groups' : '/recipients'}${search}`)}
          keepMounted={false}
        >
          <Tabs.List mb="md">
            <Tabs.Tab value="recipients" leftSection={<IconUser size={16} aria-hidden />}>
              People
            </Tabs.Tab>
            <Tabs.Tab value="groups" leftSection={<IconUsersGroup size={16} aria-hidden />}>
              Groups
            </Tabs.Tab>
          </Tabs.List>
          <Tabs.Panel value="recipients">
            <RecipientsPanel key={clientId} clientId={clientId} readOnly={Boolean(client?.archived)} />
          </Tabs.Panel>
          <Tabs.Panel value="groups">
            <GroupsPanel key={clientId} clientId={clientId} readOnly={Boolean(client?.archived)} />
          </Tabs.Panel>
        </Tabs>
      )}
    </>
  );
}
