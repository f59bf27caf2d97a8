import { Group, NumberInput, Paper, Stack, Text, Title } from '@mantine/core';
import { useEffect, useState } from 'react';
import type { Client } from '../../api/types';
import { ARCHIVED_REASON, ExplainedButton } from '../../components/ExplainedButton';
import { PageLoader, QueryError } from '../../components/QueryState';
import { useIncidentSettings, useSaveIncidentSettings } from '../../hooks/useIncidents';
import { describeError } from '../../lib/describeError';
import { notifySuccess } from '../../lib/notify';

/** How long the client's reported messages are kept raw; after that only their parsed summary stays. */
export function RetentionSection({ client }: { client: Client }) {
  const settings = useIncidentSettings(client.id);
  const save = useSaveIncidentSettings(client.id);
  const [days, setDays] = useState<number | string>('');
  useEffect(() => {
    if (settings.data) setDays(settings.data.retentionDays);
  }, [settings.data]);
  const valid = typeof days === 'number' && Number.isInteger(days) && days >= 1 && days <= 3650;

  return (
    <Paper withBorder radius="md" p="md" component="section" aria-labelledby="incident-retention-title">
      <Stack gap="sm">
        <Title order={2} fz="h4" id="incident-retention-title">
          Reported messages
        </Title>
        <Text size="sm" c="dimmed">
          Reported messages are client data and may hold anything. After this many days the raw message is deleted; the
          incident and its parsed summary (sender, subject, links, attachment hashes) stay.
        </Text>
        {settings.isPending && <PageLoader />}
        {settings.isError && <QueryError error={settings.error} onRetry={() => settings.refetch()} />}
        {settings.data && (
          <form
            onSubmit={(e) => {
              e.preventDefault();
              if (valid)
                save.mutate(
                  { retentionDays: days },
                  { onSuccess: (d) => notifySuccess(`Raw reported messages are kept ${d.retentionDays} days.`) },
                );
            }}
          >
            <Group align="flex-end" gap="sm">
              <NumberInput
                label="Keep raw messages for (days)"
                min={1}
                max={3650}
                allowDecimal={false}
                value={days}
                onChange={setDays}
                error={
                  save.isError
                    ? describeError(save.error)
                    : days !== '' && !valid
                      ? 'Between 1 and 3650 days.'
                      : undefined
                }
                disabled={client.archived}
                w={240}
              />
              <ExplainedButton
                type="submit"
                loading={save.isPending}
                disabledReason={
                  client.archived
                    ? ARCHIVED_REASON
                    : !valid
                      ? 'Enter a number of days between 1 and 3650.'
                      : days === settings.data.retentionDays && 'This is the retention already saved.'
                }
              >
                Save retention
              </ExplainedButton>
            </Group>
          </form>
        )}
      </Stack>
    </Paper>
  );
}
