import {
  ActionIcon,
  Anchor,
  Badge,
  Button,
  Group,
  Menu,
  Paper,
  Switch,
  Table,
  Text,
  VisuallyHidden,
} from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { IconArchive, IconArchiveOff, IconDots, IconPencil, IconPlus } from '@tabler/icons-react';
import { useState } from 'react';
import { Link } from 'react-router';
import type { Client } from '../api/types';
import { ClientNameModal } from '../components/ClientNameModal';
import { ClientStatusBadge } from '../components/ClientStatusBadge';
import { ConfirmModal } from '../components/ConfirmModal';
import { ConnectionBadge } from '../components/ConnectionBadge';
import { PageHeader } from '../components/PageHeader';
import { PageLoader, QueryError } from '../components/QueryState';
import { useArchiveClient } from '../hooks/useArchiveClient';
import { useClientSummaries } from '../hooks/useClientOverview';
import { useClients } from '../hooks/useClients';
import { useIsSystemAdmin } from '../hooks/useSession';
import { formatDate, formatDateTime } from '../lib/format';

export function ClientsPage() {
  const isSystemAdmin = useIsSystemAdmin();
  const [showArchived, setShowArchived] = useState(false);
  const clients = useClients({ includeArchived: showArchived });
  const summaries = useClientSummaries();
  const [addOpened, add] = useDisclosure(false);
  // The target outlives the modal's closing animation, so the title does not flip to "Add client".
  const [renaming, setRenaming] = useState<Client | undefined>();
  const [renameOpened, rename] = useDisclosure(false);
  const [archiving, setArchiving] = useState<Client | null>(null);
  const archive = useArchiveClient();

  return (
    <>
      <PageHeader
        title="Clients"
        description={
          isSystemAdmin
            ? "The organisations this Baitwise server serves. Each client's data is kept apart from every other's."
            : 'The organisations you administer.'
        }
        actions={
          isSystemAdmin && (
            <Button leftSection={<IconPlus size={16} aria-hidden />} onClick={add.open}>
              Add client
            </Button>
          )
        }
      />
      <Paper withBorder radius="md" p="md">
        <Switch
          label="Show archived clients"
          checked={showArchived}
          onChange={(event) => setShowArchived(event.currentTarget.checked)}
          mb="md"
        />
        {clients.isPending && <PageLoader />}
        {clients.isError && <QueryError error={clients.error} onRetry={() => clients.refetch()} />}
        {clients.data?.length === 0 && (
          <Text c="dimmed" py="lg" ta="center">
            {isSystemAdmin
              ? 'No clients yet. Add the first one to get started.'
              : 'You have not been assigned to a client yet.'}
          </Text>
        )}
        {clients.data && clients.data.length > 0 && (
          <Table.ScrollContainer minWidth={880}>
            <Table highlightOnHover verticalSpacing="sm" aria-label="Clients">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Name</Table.Th>
                  <Table.Th>Status</Table.Th>
                  <Table.Th>Microsoft 365</Table.Th>
                  <Table.Th ta="right">Recipients</Table.Th>
                  <Table.Th>Last sync</Table.Th>
                  <Table.Th>Setup</Table.Th>
                  <Table.Th>Created</Table.Th>
                  {isSystemAdmin && (
                    <Table.Th w={60}>
                      <VisuallyHidden>Actions</VisuallyHidden>
                    </Table.Th>
                  )}
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {clients.data.map((client) => {
                  const summary = summaries.data?.get(client.id);
                  return (
                    <Table.Tr key={client.id}>
                      <Table.Td>
                        <Anchor component={Link} to={`/clients/${client.id}`} fw={500}>
                          {client.name}
                        </Anchor>
                      </Table.Td>
                      <Table.Td>
                        <ClientStatusBadge archived={client.archived} />
                      </Table.Td>
                      <Table.Td>{summary && <ConnectionBadge connection={summary.connection} />}</Table.Td>
                      <Table.Td ta="right">{summary?.recipients.toLocaleString()}</Table.Td>
                      <Table.Td>
                        {summary &&
                          (summary.lastSync ? (
                            <Group gap={6} wrap="nowrap">
                              <span>{formatDateTime(summary.lastSync.finishedAt)}</span>
                              {summary.lastSync.status === 'failed' && (
                                <Badge color="red" variant="light" size="sm">
                                  Failed
                                </Badge>
                              )}
                            </Group>
                          ) : (
                            <Text size="sm" c="dimmed" component="span">
                              Never
                            </Text>
                          ))}
                        {summary && summary.heldChanges > 0 && (
                          <Text size="xs" component="div">
                            {summary.heldChanges} held for approval
                          </Text>
                        )}
                      </Table.Td>
                      <Table.Td>
                        {summary &&
                          (summary.onboarding.done === summary.onboarding.total ? (
                            <Text size="sm" component="span">
                              Complete
                            </Text>
                          ) : (
                            <Text size="sm" component="span">
                              {summary.onboarding.done} of {summary.onboarding.total} steps
                            </Text>
                          ))}
                      </Table.Td>
                      <Table.Td>{formatDate(client.createdAt)}</Table.Td>
                      {isSystemAdmin && (
                        <Table.Td>
                          <Menu position="bottom-end" shadow="md">
                            <Menu.Target>
                              <ActionIcon variant="subtle" color="gray" aria-label={`Actions for ${client.name}`}>
                                <IconDots size={18} aria-hidden />
                              </ActionIcon>
                            </Menu.Target>
                            <Menu.Dropdown>
                              <Menu.Item
                                leftSection={<IconPencil size={16} aria-hidden />}
                                onClick={() => {
                                  setRenaming(client);
                                  rename.open();
                                }}
                              >
                                Rename
                              </Menu.Item>
                              {client.archived ? (
                                <Menu.Item
                                  leftSection={<IconArchiveOff size={16} aria-hidden />}
                                  onClick={() => archive.toggle(client)}
                                >
                                  Unarchive
                                </Menu.Item>
                              ) : (
                                <Menu.Item
                                  leftSection={<IconArchive size={16} aria-hidden />}
                                  color="red"
                                  onClick={() => setArchiving(client)}
                                >
                                  Archive
                                </Menu.Item>
                              )}
                            </Menu.Dropdown>
                          </Menu>
                        </Table.Td>
                      )}
                    </Table.Tr>
                  );
                })}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </Paper>
      <ClientNameModal opened={addOpened} onClose={add.close} />
      <ClientNameModal opened={renameOpened} onClose={rename.close} client={renaming} />
      <ConfirmModal
        opened={archiving !== null}
        title="Archive client"
        confirmLabel="Archive"
        danger
        loading={archive.isPending}
        onClose={() => setArchiving(null)}
        onConfirm={() => archiving && archive.toggle(archiving, () => setArchiving(null))}
      >
        Archive {archiving?.name}? It disappears from the client picker and lists until you show archived clients;
        nothing is deleted and you can unarchive it later.
      </ConfirmModal>
    </>
  );
}
