import { Button, Code, Group, Modal, Stack, Table, Text } from '@mantine/core';
import { useEffect, useState } from 'react';
import type { Webhook } from '../../api/webhooks';
import { PageLoader, QueryError } from '../../components/QueryState';
import { useWebhookDeliveries } from '../../hooks/useWebhooks';
import { formatDateTime } from '../../lib/format';
import { DeliveryStatusBadge } from './DeliveryStatusBadge';

/** A webhook's deliveries, newest first, page by page (keyset: "older" follows the cursor). */
export function DeliveriesModal({
  clientId,
  webhook,
  onClose,
}: {
  clientId: string;
  webhook: Webhook | null;
  onClose: () => void;
}) {
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const cursor = cursors.at(-1) ?? null;
  const page = useWebhookDeliveries(clientId, webhook?.id ?? null, cursor);
  // biome-ignore lint/correctness/useExhaustiveDependencies: back to the newest page for another webhook
  useEffect(() => setCursors([null]), [webhook?.id]);

  return (
    <Modal
      opened={webhook !== null}
      onClose={onClose}
      title={`Deliveries of ${webhook?.name ?? ''}`}
      size="xl"
      centered
    >
      <Stack gap="sm">
        {page.isPending && <PageLoader />}
        {page.isError && <QueryError error={page.error} onRetry={() => page.refetch()} />}
        {page.data?.items.length === 0 && (
          <Text c="dimmed" ta="center" py="md">
            Nothing was sent to this webhook yet.
          </Text>
        )}
        {page.data && page.data.items.length > 0 && (
          <Table.ScrollContainer minWidth={640}>
            <Table verticalSpacing="xs">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Event</Table.Th>
                  <Table.Th>Status</Table.Th>
                  <Table.Th>Attempts</Table.Th>
                  <Table.Th>Last answer</Table.Th>
                  <Table.Th>Created</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {page.data.items.map((d) => (
                  <Table.Tr key={d.id}>
                    <Table.Td>
                      <Text size="sm">{d.event}</Text>
                      <Text size="xs" c="dimmed">
                        {d.id}
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      <DeliveryStatusBadge status={d.status} attempts={d.attempts} />
                      {d.status === 'pending' && d.nextAttemptAt && (
                        <Text size="xs" c="dimmed">
                          next {formatDateTime(d.nextAttemptAt)}
                        </Text>
                      )}
                    </Table.Td>
                    <Table.Td>{d.attempts}</Table.Td>
                    <Table.Td>
                      <Text size="sm">
                        {d.lastStatusCode !== null ? `HTTP ${d.lastStatusCode}` : (d.lastError ?? '—')}
                        {d.lastDurationMs !== null && ` · ${d.lastDurationMs} ms`}
                      </Text>
                      {d.lastStatusCode !== null && d.lastError && (
                        <Text size="xs" c="red">
                          {d.lastError}
                        </Text>
                      )}
                      {d.responseExcerpt && (
                        <Code block style={{ maxHeight: 80, overflow: 'auto', whiteSpace: 'pre-wrap' }}>
                          {d.responseExcerpt}
                        </Code>
                      )}
                    </Table.Td>
                    <Table.Td>{formatDateTime(d.createdAt)}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
        <Group justify="space-between">
          <Button
            variant="default"
            size="xs"
            disabled={cursors.length < 2}
            onClick={() => setCursors((c) => c.slice(0, -1))}
          >
            Newer
          </Button>
          <Button
            variant="default"
            size="xs"
            disabled={!page.data?.nextCursor}
            onClick={() => page.data?.nextCursor && setCursors((c) => [...c, page.data.nextCursor])}
          >
            Older
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
