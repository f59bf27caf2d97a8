import { ActionIcon, Badge, Group, Menu, Switch, Table, Text } from '@mantine/core';
import { IconDots, IconKey, IconList, IconPencil, IconSend, IconTrash } from '@tabler/icons-react';
import { useState } from 'react';
import type { Webhook, WebhookWithSecret } from '../../api/webhooks';
import { ConfirmModal } from '../../components/ConfirmModal';
import { useDeleteWebhook, useRotateWebhookSecret, useTestWebhook, useUpdateWebhook } from '../../hooks/useWebhooks';
import { formatDateTime } from '../../lib/format';
import { notifyFailure, notifySuccess } from '../../lib/notify';
import { DeliveryStatusBadge } from './DeliveryStatusBadge';

/** The client's webhooks with their state, last delivery and actions. */
export function WebhooksTable({
  clientId,
  hooks,
  readOnly,
  onEdit,
  onSecret,
  onLog,
}: {
  clientId: string;
  hooks: Webhook[];
  readOnly: boolean;
  onEdit: (w: Webhook) => void;
  onSecret: (w: WebhookWithSecret) => void;
  onLog: (w: Webhook) => void;
}) {
  const update = useUpdateWebhook(clientId);
  const test = useTestWebhook(clientId);
  const rotate = useRotateWebhookSecret(clientId);
  const remove = useDeleteWebhook(clientId);
  const [rotating, setRotating] = useState<Webhook | null>(null);
  const [deleting, setDeleting] = useState<Webhook | null>(null);

  const sendTest = (w: Webhook) =>
    test.mutate(w.id, {
      onSuccess: (d) =>
        d.status === 'succeeded'
          ? notifySuccess(`${w.name} answered the test with HTTP ${d.lastStatusCode}.`)
          : notifyFailure(`The test to ${w.name} failed`, new Error(d.lastError ?? 'No answer')),
      onError: (error) => notifyFailure('Could not send the test', error),
    });

  return (
    <>
      {/* The switch comes before the last delivery, whose width depends on whether one happened:
          at 768 px the table scrolls, and a control past it would be off screen. */}
      <Table.ScrollContainer minWidth={720}>
        <Table verticalSpacing="sm">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Name</Table.Th>
              <Table.Th>Events</Table.Th>
              <Table.Th>Enabled</Table.Th>
              <Table.Th>Last delivery</Table.Th>
              <Table.Th aria-label="Actions" />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {hooks.map((w) => (
              <Table.Tr key={w.id}>
                <Table.Td>
                  <Text fw={500}>{w.name}</Text>
                  <Text size="xs" c="dimmed" style={{ wordBreak: 'break-all' }}>
                    {w.url}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <Group gap={4}>
                    {w.events.map((e) => (
                      <Badge key={e} variant="outline" size="sm">
                        {e}
                      </Badge>
                    ))}
                  </Group>
                </Table.Td>
                <Table.Td>
                  <Switch
                    aria-label={`${w.name} enabled`}
                    checked={w.enabled}
                    disabled={readOnly}
                    onChange={(e) =>
                      update.mutate(
                        { id: w.id, enabled: e.currentTarget.checked },
                        { onError: (error) => notifyFailure('Could not change the webhook', error) },
                      )
                    }
                  />
                </Table.Td>
                <Table.Td>
                  {w.lastDelivery ? (
                    <Group gap="xs">
                      <DeliveryStatusBadge status={w.lastDelivery.status} attempts={w.lastDelivery.attempts} />
                      <Text size="xs" c="dimmed">
                        {formatDateTime(w.lastDelivery.lastAttemptAt ?? w.lastDelivery.createdAt)}
                      </Text>
                    </Group>
                  ) : (
                    <Text size="sm" c="dimmed">
                      None yet
                    </Text>
                  )}
                </Table.Td>
                <Table.Td>
                  <Menu position="bottom-end" withinPortal>
                    <Menu.Target>
                      <ActionIcon variant="subtle" aria-label={`Actions for ${w.name}`}>
                        <IconDots size={18} aria-hidden />
                      </ActionIcon>
                    </Menu.Target>
                    <Menu.Dropdown>
                      <Menu.Item leftSection={<IconList size={16} aria-hidden />} onClick={() => onLog(w)}>
                        Deliveries
                      </Menu.Item>
                      <Menu.Item
                        leftSection={<IconSend size={16} aria-hidden />}
                        disabled={readOnly || !w.enabled}
                        onClick={() => sendTest(w)}
                      >
                        Send a test
                      </Menu.Item>
                      <Menu.Item
                        leftSection={<IconPencil size={16} aria-hidden />}
                        disabled={readOnly}
                        onClick={() => onEdit(w)}
                      >
                        Edit
                      </Menu.Item>
                      <Menu.Item
                        leftSection={<IconKey size={16} aria-hidden />}
                        disabled={readOnly}
                        onClick={() => setRotating(w)}
                      >
                        Rotate the secret
                      </Menu.Item>
                      <Menu.Item
                        color="red"
                        leftSection={<IconTrash size={16} aria-hidden />}
                        disabled={readOnly}
                        onClick={() => setDeleting(w)}
                      >
                        Delete
                      </Menu.Item>
                    </Menu.Dropdown>
                  </Menu>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      <ConfirmModal
        opened={rotating !== null}
        title="Rotate the signing secret?"
        confirmLabel="Rotate"
        danger
        loading={rotate.isPending}
        onClose={() => setRotating(null)}
        onConfirm={() =>
          rotating &&
          rotate.mutate(rotating.id, {
            onSuccess: (w) => {
              setRotating(null);
              onSecret(w);
            },
            onError: (error) => notifyFailure('Could not rotate the secret', error),
          })
        }
      >
        Requests are signed with the new secret at once: the receiving system rejects them until it has the new one.
      </ConfirmModal>
      <ConfirmModal
        opened={deleting !== null}
        title="Delete this webhook?"
        confirmLabel="Delete"
        danger
        loading={remove.isPending}
        onClose={() => setDeleting(null)}
        onConfirm={() =>
          deleting &&
          remove.mutate(deleting.id, {
            onSuccess: () => {
              notifySuccess(`Webhook ${deleting.name} deleted.`);
              setDeleting(null);
            },
            onError: (error) => notifyFailure('Could not delete the webhook', error),
          })
        }
      >
        Nothing more is sent to it, and its delivery log is deleted with it.
      </ConfirmModal>
    </>
  );
}
