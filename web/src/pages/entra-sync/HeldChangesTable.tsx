import { Badge, Button, Group, Stack, Table, Text } from '@mantine/core';
import { useState } from 'react';
import { ConfirmModal } from '../../components/ConfirmModal';
import { useDecideAllHeld, useDecideHeld, useHeldChanges } from '../../hooks/useDirectorySync';
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
  const decideAll = useDecideAllHeld(clientId, importId);
  const [confirming, setConfirming] = useState<'approve' | 'reject' | null>(null);
  if (!held.data?.length) return <Text c="dimmed">Nothing is waiting for approval.</Text>;
  const removals = held.data.filter((h) => h.kind === 'remove').length;
  const all = (decision: 'approve' | 'reject') =>
    decideAll.mutate(
      { decision, kind: 'remove' },
      {
        onSuccess: (r) => {
          setConfirming(null);
          notifySuccess(
            decision === 'approve'
              ? `${r.decided} recipient${r.decided === 1 ? '' : 's'} removed.`
              : `${r.decided} removal${r.decided === 1 ? '' : 's'} rejected: the recipients stay.`,
          );
        },
        onError: (e) => notifyFailure('The decision was not saved', e),
      },
    );
  const act = (changeId: string, decision: 'approve' | 'reject') =>
    decide.mutate(
      { changeId, decision },
      {
        onSuccess: () => notifySuccess(decision === 'approve' ? 'Change applied.' : 'Change rejected.'),
        onError: (e) => notifyFailure('The decision was not saved', e),
      },
    );
  return (
    <Stack gap="sm">
      {removals > 1 && (
        <Group gap="xs">
          <Button size="xs" color="red" variant="light" onClick={() => setConfirming('approve')}>
            Approve all {removals} removals
          </Button>
          <Button size="xs" variant="default" onClick={() => setConfirming('reject')}>
            Reject all {removals} removals
          </Button>
        </Group>
      )}
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
      <ConfirmModal
        opened={confirming !== null}
        title={confirming === 'approve' ? `Remove ${removals} recipients?` : `Keep ${removals} recipients?`}
        confirmLabel={confirming === 'approve' ? `Remove ${removals} recipients` : 'Reject the removals'}
        danger={confirming === 'approve'}
        loading={decideAll.isPending}
        onClose={() => setConfirming(null)}
        onConfirm={() => confirming && all(confirming)}
      >
        {confirming === 'approve'
          ? 'Each held removal is applied: the recipients are deleted (or leave this import’s group when another import still has them).'
          : 'The recipients stay, and this import no longer manages them.'}
      </ConfirmModal>
    </Stack>
  );
}
