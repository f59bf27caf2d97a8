import { ActionIcon, Code, Table, Text, Tooltip, VisuallyHidden } from '@mantine/core';
import { IconListDetails } from '@tabler/icons-react';
import { useState } from 'react';
import type { AuditEntry, Client } from '../api/types';
import { actorLabel, targetLabel, targetTypeLabel } from '../lib/audit';
import { formatDateTime } from '../lib/format';
import { AuditEntryDrawer } from './AuditEntryDrawer';

/**
 * The audit rows shared by the dashboard's recent activity and the audit log page. A row opens
 * its entry in a drawer (a click anywhere on it, or its Details button from the keyboard).
 */
export function AuditTable({
  entries,
  clients,
  label = 'Audit entries',
}: {
  entries: AuditEntry[];
  clients: Client[];
  label?: string;
}) {
  const [open, setOpen] = useState<AuditEntry | null>(null);
  const clientName = (id: string | null) => (id ? (clients.find((c) => c.id === id)?.name ?? 'Unknown client') : '—');
  return (
    <>
      <Table.ScrollContainer minWidth={760}>
        <Table striped highlightOnHover verticalSpacing="xs" aria-label={label}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>When</Table.Th>
              <Table.Th>Who</Table.Th>
              <Table.Th>Action</Table.Th>
              <Table.Th>Client</Table.Th>
              <Table.Th>Target</Table.Th>
              <Table.Th>Source address</Table.Th>
              <Table.Th>
                <VisuallyHidden>Details</VisuallyHidden>
              </Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {entries.map((entry) => {
              const actor = actorLabel(entry);
              const when = formatDateTime(entry.at);
              return (
                <Table.Tr key={entry.id} onClick={() => setOpen(entry)} style={{ cursor: 'pointer' }}>
                  <Table.Td style={{ whiteSpace: 'nowrap' }}>{when}</Table.Td>
                  <Table.Td>
                    {actor.nobody ? (
                      <Text c="dimmed" span size="sm">
                        {actor.text}
                      </Text>
                    ) : (
                      actor.text
                    )}
                  </Table.Td>
                  <Table.Td>
                    <Code>{entry.action}</Code>
                  </Table.Td>
                  <Table.Td>{clientName(entry.clientId)}</Table.Td>
                  <Table.Td>
                    {targetLabel(entry)}
                    {entry.targetName && entry.targetType && (
                      <Text size="xs" c="dimmed">
                        {targetTypeLabel(entry.targetType)}
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td>{entry.ip ?? '—'}</Table.Td>
                  <Table.Td>
                    <Tooltip label="Details">
                      <ActionIcon
                        variant="subtle"
                        color="gray"
                        aria-label={`Details of ${entry.action} at ${when}`}
                        onClick={(event) => {
                          event.stopPropagation();
                          setOpen(entry);
                        }}
                      >
                        <IconListDetails size={18} aria-hidden />
                      </ActionIcon>
                    </Tooltip>
                  </Table.Td>
                </Table.Tr>
              );
            })}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      <AuditEntryDrawer entry={open} clientName={clientName} onClose={() => setOpen(null)} />
    </>
  );
}
