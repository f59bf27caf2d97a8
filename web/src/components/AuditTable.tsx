import { Code, Table, Text } from '@mantine/core';
import type { AuditEntry, Client } from '../api/types';
import { formatDateTime } from '../lib/format';

/** The audit rows shared by the dashboard's recent activity and the audit log page. */
export function AuditTable({ entries, clients }: { entries: AuditEntry[]; clients: Client[] }) {
  const clientName = (id: string | null) => (id ? (clients.find((c) => c.id === id)?.name ?? 'Unknown client') : '—');
  return (
    <Table.ScrollContainer minWidth={720}>
      <Table striped highlightOnHover verticalSpacing="xs">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>When</Table.Th>
            <Table.Th>Who</Table.Th>
            <Table.Th>Action</Table.Th>
            <Table.Th>Client</Table.Th>
            <Table.Th>Target</Table.Th>
            <Table.Th>IP address</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {entries.map((entry) => (
            <Table.Tr key={entry.id}>
              <Table.Td style={{ whiteSpace: 'nowrap' }}>{formatDateTime(entry.at)}</Table.Td>
              <Table.Td>
                {entry.actor?.email ?? (
                  <Text c="dimmed" span size="sm">
                    system
                  </Text>
                )}
              </Table.Td>
              <Table.Td>
                <Code>{entry.action}</Code>
              </Table.Td>
              <Table.Td>{clientName(entry.clientId)}</Table.Td>
              <Table.Td>{entry.targetType ?? '—'}</Table.Td>
              <Table.Td>{entry.ip ?? '—'}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
