import { ActionIcon, Anchor, Button, Group, Paper, Stack, Table, Text, VisuallyHidden } from '@mantine/core';
import { IconPencil, IconPlus, IconTrash } from '@tabler/icons-react';
import { useState } from 'react';
import { Link } from 'react-router';
import type { RecipientGroup } from '../../api/recipients';
import { ConfirmModal } from '../../components/ConfirmModal';
import { PageLoader, QueryError } from '../../components/QueryState';
import { useDeleteRecipientGroup, useRecipientGroups } from '../../hooks/useRecipientGroups';
import { useClientSearch } from '../../hooks/useSelectedClient';
import { notifyFailure, notifySuccess } from '../../lib/notify';
import { GroupFormModal } from './GroupFormModal';

/** Recipient groups with member counts: create, rename, delete (the recipients stay). */
export function GroupsPanel({ clientId, readOnly = false }: { clientId: string; readOnly?: boolean }) {
  const groups = useRecipientGroups(clientId);
  const remove = useDeleteRecipientGroup(clientId);
  const search = useClientSearch();
  const [editing, setEditing] = useState<{ group?: RecipientGroup } | null>(null);
  const [deleting, setDeleting] = useState<RecipientGroup | null>(null);

  return (
    <Paper withBorder radius="md" p="md">
      <Stack>
        <Group justify="flex-end">
          <Button leftSection={<IconPlus size={16} aria-hidden />} onClick={() => setEditing({})} disabled={readOnly}>
            New group
          </Button>
        </Group>
        {groups.isPending && <PageLoader />}
        {groups.isError && <QueryError error={groups.error} onRetry={() => groups.refetch()} />}
        {groups.data?.length === 0 && (
          <Text c="dimmed" ta="center" py="lg">
            No groups yet. Groups are what training and simulations are sent to.
          </Text>
        )}
        {groups.data && groups.data.length > 0 && (
          <Table highlightOnHover verticalSpacing="sm" aria-label="Recipient groups">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Group</Table.Th>
                <Table.Th>Members</Table.Th>
                <Table.Th w={90}>
                  <VisuallyHidden>Actions</VisuallyHidden>
                </Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {groups.data.map((g) => (
                <Table.Tr key={g.id}>
                  <Table.Td>
                    <Text fw={500}>{g.name}</Text>
                    {g.description && (
                      <Text size="xs" c="dimmed">
                        {g.description}
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td>
                    {/* The count links to the recipients list filtered to this group. */}
                    <Anchor component={Link} to={`/recipients${search}${search ? '&' : '?'}group=${g.id}`}>
                      {g.memberCount.toLocaleString()}
                    </Anchor>
                  </Table.Td>
                  <Table.Td>
                    <Group gap={4} wrap="nowrap">
                      <ActionIcon
                        variant="subtle"
                        color="gray"
                        aria-label={`Rename ${g.name}`}
                        onClick={() => setEditing({ group: g })}
                      >
                        <IconPencil size={16} aria-hidden />
                      </ActionIcon>
                      <ActionIcon
                        variant="subtle"
                        color="red"
                        aria-label={`Delete ${g.name}`}
                        onClick={() => setDeleting(g)}
                      >
                        <IconTrash size={16} aria-hidden />
                      </ActionIcon>
                    </Group>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
      </Stack>
      <GroupFormModal
        clientId={clientId}
        opened={editing !== null}
        group={editing?.group}
        onClose={() => setEditing(null)}
      />
      <ConfirmModal
        opened={deleting !== null}
        title="Delete group"
        confirmLabel="Delete group"
        danger
        loading={remove.isPending}
        onClose={() => setDeleting(null)}
        onConfirm={() =>
          deleting &&
          remove.mutate(deleting.id, {
            onSuccess: () => {
              notifySuccess(`Group ${deleting.name} was deleted.`);
              setDeleting(null);
            },
            onError: (error) => notifyFailure('Could not delete the group', error),
          })
        }
      >
        Delete {deleting?.name}? Its {deleting?.memberCount.toLocaleString()} members stay as recipients; only the group
        goes.
      </ConfirmModal>
    </Paper>
  );
}
