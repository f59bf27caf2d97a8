import { Code, Drawer, Stack, Table, Text } from '@mantine/core';
import type { ReactNode } from 'react';
import type { AuditEntry } from '../api/types';
import { actorLabel, targetTypeLabel } from '../lib/audit';
import { formatDateTime } from '../lib/format';

const detailValue = (value: unknown): string =>
  typeof value === 'string' ? value : value === null ? '—' : JSON.stringify(value, null, 1);

function Row({ label, children }: { label: string; children: ReactNode }) {
  return (
    <Table.Tr>
      <Table.Th w={150} style={{ verticalAlign: 'top' }}>
        {label}
      </Table.Th>
      <Table.Td style={{ wordBreak: 'break-word' }}>{children}</Table.Td>
    </Table.Tr>
  );
}

/** Everything one audit entry holds, for the person investigating it. */
export function AuditEntryDrawer({
  entry,
  clientName,
  onClose,
}: {
  entry: AuditEntry | null;
  clientName: (id: string | null) => string;
  onClose: () => void;
}) {
  const actor = entry && actorLabel(entry);
  const details = Object.entries(entry?.details ?? {});
  return (
    <Drawer
      opened={entry !== null}
      onClose={onClose}
      position="right"
      size="lg"
      title="Audit entry"
      closeButtonProps={{ 'aria-label': 'Close the audit entry' }}
    >
      {entry && actor && (
        <Stack gap="md">
          <Table variant="vertical" layout="fixed" withTableBorder>
            <Table.Tbody>
              <Row label="When">
                {formatDateTime(entry.at)}
                <Text size="xs" c="dimmed">
                  {entry.at}
                </Text>
              </Row>
              <Row label="Action">
                <Code>{entry.action}</Code>
              </Row>
              <Row label="Who">
                {actor.text}
                {entry.actor && (
                  <Text size="xs" c="dimmed">
                    Operator {entry.actor.id}
                  </Text>
                )}
              </Row>
              <Row label="Client">{entry.clientId ? clientName(entry.clientId) : 'None (not about one client)'}</Row>
              <Row label="Target">
                {entry.targetType ? (
                  <>
                    {entry.targetName ?? 'No name recorded'}
                    <Text size="xs" c="dimmed">
                      {targetTypeLabel(entry.targetType)}
                      {entry.targetId ? ` ${entry.targetId}` : ''}
                    </Text>
                  </>
                ) : (
                  '—'
                )}
              </Row>
              <Row label="Source address">{entry.ip ?? '—'}</Row>
              <Row label="User agent">{entry.userAgent ?? '—'}</Row>
            </Table.Tbody>
          </Table>
          <div>
            <Text fw={600} size="sm" mb={4}>
              Details
            </Text>
            {details.length === 0 ? (
              <Text size="sm" c="dimmed">
                This entry has no details.
              </Text>
            ) : (
              <Table variant="vertical" layout="fixed" withTableBorder aria-label="Details">
                <Table.Tbody>
                  {details.map(([key, value]) => (
                    <Row key={key} label={key}>
                      <Text size="sm" style={{ whiteSpace: 'pre-wrap' }}>
                        {detailValue(value)}
                      </Text>
                    </Row>
                  ))}
                </Table.Tbody>
              </Table>
            )}
          </div>
        </Stack>
      )}
    </Drawer>
  );
}
