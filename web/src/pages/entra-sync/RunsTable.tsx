import { Table, Text } from '@mantine/core';
import { useRuns } from '../../hooks/useDirectorySync';
import { formatDateTime } from '../../lib/format';
import { RunStatusBadge } from './RunProgress';
import { runKind, runTrigger } from './words';

/** History of an import's runs with their counts and last error. */
export function RunsTable({ clientId, importId }: { clientId: string; importId: string }) {
  const runs = useRuns(clientId, importId);
  if (!runs.data?.length) return <Text c="dimmed">No runs yet.</Text>;
  return (
    <Table.ScrollContainer minWidth={700}>
      <Table striped aria-label="Runs">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Started</Table.Th>
            <Table.Th>What</Table.Th>
            <Table.Th>Status</Table.Th>
            <Table.Th ta="right">Users</Table.Th>
            <Table.Th ta="right">Added</Table.Th>
            <Table.Th ta="right">Updated</Table.Th>
            <Table.Th ta="right">Removed</Table.Th>
            <Table.Th ta="right">Held</Table.Th>
            <Table.Th ta="right">Skipped</Table.Th>
            <Table.Th>Note</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {runs.data.map((r) => (
            <Table.Tr key={r.id}>
              <Table.Td>{formatDateTime(r.startedAt ?? r.createdAt)}</Table.Td>
              <Table.Td>
                {runKind(r.kind)}
                <Text size="xs" c="dimmed">
                  {runTrigger[r.trigger] ?? r.trigger}
                </Text>
              </Table.Td>
              <Table.Td>
                <RunStatusBadge run={r} />
              </Table.Td>
              <Table.Td ta="right">{r.usersSeen}</Table.Td>
              <Table.Td ta="right">{r.added}</Table.Td>
              <Table.Td ta="right">{r.updated}</Table.Td>
              <Table.Td ta="right">{r.removed}</Table.Td>
              <Table.Td ta="right">{r.held}</Table.Td>
              <Table.Td ta="right">{r.skipped}</Table.Td>
              <Table.Td>
                <Text size="sm" lineClamp={2}>
                  {r.removalsHeld
                    ? `Removals held: ${r.removalsHeld.removals} over the deletion threshold`
                    : (r.errors.at(-1)?.message ?? '')}
                </Text>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
