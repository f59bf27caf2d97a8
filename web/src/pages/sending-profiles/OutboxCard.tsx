import { Alert, Button, Group, Paper, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { IconPlayerPause, IconPlayerPlay } from '@tabler/icons-react';
import { useId } from 'react';
import type { OutboxStatus } from '../../api/sendingProfiles';
import { PageLoader, QueryError } from '../../components/QueryState';
import { useOutboxStatus, useResumeSendingProfile } from '../../hooks/useSendingProfiles';
import { formatDateTime } from '../../lib/format';
import { notifyFailure, notifySuccess } from '../../lib/notify';
import { Field } from '../azure-apps/Field';
import { formatNumber } from './profileKinds';
import { ReasonText } from './ReasonText';

/** The profile's queue: counts, pace against the limit, the next send, and a pause with its reason. */
export function OutboxCard({
  clientId,
  profileId,
  readOnly,
}: {
  clientId: string;
  profileId: string;
  readOnly: boolean;
}) {
  const status = useOutboxStatus(clientId, profileId);
  const headingId = useId();
  return (
    <Paper withBorder radius="md" p="md" component="section" aria-labelledby={headingId}>
      <Stack gap="md">
        <Title order={2} fz="lg" id={headingId}>
          Outbox
        </Title>
        {status.isPending && <PageLoader />}
        {status.isError && <QueryError error={status.error} onRetry={() => status.refetch()} />}
        {status.data && <OutboxDetails clientId={clientId} profileId={profileId} s={status.data} readOnly={readOnly} />}
      </Stack>
    </Paper>
  );
}

function OutboxDetails({
  clientId,
  profileId,
  s,
  readOnly,
}: {
  clientId: string;
  profileId: string;
  s: OutboxStatus;
  readOnly: boolean;
}) {
  const resume = useResumeSendingProfile();
  const n = formatNumber;
  const paceNote =
    s.effectivePerMinute < s.limitPerMinute
      ? 'slowed down: the server showed it accepts less than the limit'
      : 'at the configured limit';
  return (
    <>
      {s.paused && (
        <Alert color="orange" icon={<IconPlayerPause aria-hidden />} title="Sending is paused" role="status">
          <Stack gap="xs" align="flex-start">
            <Text size="sm">
              {s.paused.until
                ? `Nothing is sent until ${formatDateTime(s.paused.until)}, or until you resume it.`
                : 'Nothing is sent until you resume it.'}
            </Text>
            {s.paused.reason && <ReasonText reason={s.paused.reason} />}
            <Button
              size="xs"
              leftSection={<IconPlayerPlay size={14} aria-hidden />}
              loading={resume.isPending}
              disabled={readOnly}
              onClick={() =>
                resume.mutate(
                  { clientId, profileId },
                  {
                    onSuccess: () => notifySuccess('Sending resumed.'),
                    onError: (error) => notifyFailure('Could not resume sending', error),
                  },
                )
              }
            >
              Resume
            </Button>
          </Stack>
        </Alert>
      )}
      <SimpleGrid cols={{ base: 2, sm: 4 }} spacing="lg" verticalSpacing="md">
        <Field label="Queued">{n(s.queued)}</Field>
        <Field label="In flight">{n(s.sending)}</Field>
        <Field label="Deferred">{n(s.deferred)}</Field>
        <Field label="Sent today">
          {n(s.sentToday)} of {n(s.limitPerDay)}
        </Field>
        <Field label="Failed">{n(s.failed)}</Field>
        <Field label="Expired">{n(s.expired)}</Field>
        <Field label="In doubt">{n(s.inDoubt)}</Field>
        <Field label="Throttled">{n(s.throttled)}</Field>
      </SimpleGrid>
      <Group gap="xl">
        <Field label="Pace">
          {n(s.effectivePerMinute)}/min of {n(s.limitPerMinute)}/min limit{' '}
          <Text span size="xs" c="dimmed">
            ({paceNote}; {n(s.sentLastMinute)} sent in the last minute)
          </Text>
        </Field>
        <Field label="Next send">
          {s.nextSendAt ? formatDateTime(s.nextSendAt) : s.paused ? 'Not while paused' : 'Nothing waiting'}
        </Field>
      </Group>
      {s.inDoubt > 0 && (
        <Text size="xs" c="dimmed">
          In doubt: messages sent again because a worker stopped during their attempt; a recipient may have received
          them twice.
        </Text>
      )}
    </>
  );
}
