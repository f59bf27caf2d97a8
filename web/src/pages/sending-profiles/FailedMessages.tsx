import { Button, Group, Paper, SegmentedControl, Stack, Table, Text, Title } from '@mantine/core';
import { IconRefresh } from '@tabler/icons-react';
import { useId, useState } from 'react';
import { PageLoader, QueryError } from '../../components/QueryState';
import { useOutboxMessages, useOutboxStatus, useRetryOutbox } from '../../hooks/useSendingProfiles';
import { countOf, formatDateTime } from '../../lib/format';
import { notifyFailure, notifySuccess } from '../../lib/notify';
import { ReasonText } from './ReasonText';

/** Messages that gave up (failed) or ran out of time (expired), with why, and sending them again. */
export function FailedMessages({
  clientId,
  profileId,
  readOnly,
}: {
  clientId: string;
  profileId: string;
  readOnly: boolean;
}) {
  const [status, setStatus] = useState<'failed' | 'expired'>('failed');
  const outbox = useOutboxStatus(clientId, profileId);
  const busy = Boolean(outbox.data && outbox.data.queued + outbox.data.sending + outbox.data.deferred > 0);
  const messages = useOutboxMessages(clientId, profileId, status, { count: outbox.data?.[status], refresh: busy });
  const retry = useRetryOutbox();
  const headingId = useId();
  const total = (outbox.data?.failed ?? 0) + (outbox.data?.expired ?? 0);

  const run = (messageId?: string) =>
    retry.mutate(
      { clientId, profileId, messageId },
      {
        onSuccess: ({ requeued }) => notifySuccess(`${countOf(requeued, 'message')} queued to be sent again.`),
        onError: (error) => notifyFailure('Could not retry', error),
      },
    );

  return (
    <Paper withBorder radius="md" p="md" component="section" aria-labelledby={headingId}>
      <Stack gap="sm">
        <Group justify="space-between">
          <Title order={2} fz="lg" id={headingId}>
            Undelivered messages
          </Title>
          <Group gap="sm">
            <SegmentedControl
              size="xs"
              aria-label="Show"
              value={status}
              onChange={(v) => setStatus(v as 'failed' | 'expired')}
              data={[
                { value: 'failed', label: `Failed (${outbox.data?.failed ?? 0})` },
                { value: 'expired', label: `Expired (${outbox.data?.expired ?? 0})` },
              ]}
            />
            <Button
              size="xs"
              variant="light"
              leftSection={<IconRefresh size={14} aria-hidden />}
              disabled={readOnly || total === 0}
              loading={retry.isPending && !retry.variables?.messageId}
              onClick={() => run()}
            >
              Retry all
            </Button>
          </Group>
        </Group>
        {messages.isPending && <PageLoader />}
        {messages.isError && <QueryError error={messages.error} onRetry={() => messages.refetch()} />}
        {messages.data?.items.length === 0 && (
          <Text size="sm" c="dimmed">
            {status === 'failed' ? 'No failed messages.' : 'No expired messages.'}
          </Text>
        )}
        {messages.data && messages.data.items.length > 0 && (
          <Table.ScrollContainer minWidth={700}>
            <Table verticalSpacing="sm" aria-label={status === 'failed' ? 'Failed messages' : 'Expired messages'}>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Recipient</Table.Th>
                  <Table.Th>Reason</Table.Th>
                  <Table.Th>Attempts</Table.Th>
                  <Table.Th>Action</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {messages.data.items.map((m) => (
                  <Table.Tr key={m.id}>
                    <Table.Td>
                      <Text size="sm">{m.to.address}</Text>
                      <Text size="xs" c="dimmed">
                        {m.purpose} · queued {formatDateTime(m.createdAt)}
                      </Text>
                    </Table.Td>
                    <Table.Td maw={480}>
                      {m.lastError ? <ReasonText reason={m.lastError} /> : <Text size="sm">Ran out of time</Text>}
                    </Table.Td>
                    <Table.Td>{m.attempts}</Table.Td>
                    <Table.Td>
                      <Button
                        size="xs"
                        variant="default"
                        disabled={readOnly}
                        loading={retry.isPending && retry.variables?.messageId === m.id}
                        onClick={() => run(m.id)}
                        aria-label={`Retry the message to ${m.to.address}`}
                      >
                        Retry
                      </Button>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </Stack>
    </Paper>
  );
}
