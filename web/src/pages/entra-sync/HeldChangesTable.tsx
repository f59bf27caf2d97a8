import { Badge, Button, Group, Table, Text } from '@mantine/core';
import { useDecideHeld, useHeldChanges } from '../../hooks/useDirectorySync';
import { formatDateTime } from '../../lib/format';
import { notifyFailure, notifySuccess } from '../../lib/notify';

const reasons: Record<string, string> = {
  new: 'New in Entra',
  removed: 'Deleted in Entra',
  disabled: 'Disabled in Entra',
  out_of_scope: 'No longer matches the filters',
  not_listed: 'Missing from a complete listing',
};

/** Users the policies held for a decision: approve applies the change, reject leaves things as they are. */
export function HeldChangesTable({ clientId, importId }: { clientId: string; importId: string }) {
  const held = useHeldChanges(clientId, importId);
  const decide = useDecideHeld(clientId, importId);
  if (!held.data?.length) return <Text c="dimmed">Nothing is waiting for approval.</Text>;
  const act = (changeId: string, decision: 'approve' | 'reject') =>
    decide.mutate(
      { changeId, decision },
      {
        onSuccess: () => notifySuccess(decision === 'approve' ? 'Change applied.' : 'Change rejected.'),
        onError: (e) => notifyFailure('The decision was not saved', e),
      },
    );
  return (
    <Table.ScrollContainer minWidth={600}>
      <Table aria-label="Held changes">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Person</Table.Th>
            <Table.Th>Change</Table.Th>
            <Table.Th>Why</Table.Th>
            <Table.Th>Since</Table.Th>
            <Table.Th />
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {held.data.map((h) => (
            <Table.Tr key={h.id}>
              <Table.Td>
                <Text size="sm">{h.displayName ?? h.entraObjectId}</Text>
                <Text size="xs" c="dimmed">
                  {h.email}
                </Text>
              </Table.Td>
              <Table.Td>
                <Badge color={h.kind === 'add' ? 'teal' : 'red'} variant="light">
                  {h.kind === 'add' ? 'Add' : 'Remove'}
                </Badge>
              </Table.Td>
              <Table.Td>{reasons[h.reason] ?? h.reason}</Table.Td>
              <Table.Td>{formatDateTime(h.createdAt)}</Table.Td>
              <Table.Td>
                <Group gap="xs" justify="flex-end" wrap="nowrap">
                  <Button size="xs" onClick={() => act(h.id, 'approve')} loading={decide.isPending}>
                    Approve
                  </Button>
                  <Button size="xs" variant="default" onClick={() => act(h.id, 'reject')} disabled={decide.isPending}>
                    Reject
                  </Button>
                </Group>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
