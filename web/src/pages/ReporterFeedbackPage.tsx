import { Paper, Stack, Text } from '@mantine/core';
import { ArchivedClientAlert } from '../components/ArchivedClientAlert';
import { PageHeader } from '../components/PageHeader';
import { PageLoader, QueryError } from '../components/QueryState';
import { useIncidentFeedback } from '../hooks/useIncidentFeedback';
import { useSelectedClient } from '../hooks/useSelectedClient';
import { useSendingProfiles } from '../hooks/useSendingProfiles';
import { FeedbackForm } from './reporter-feedback/FeedbackForm';

/** Settings → Reporter feedback: what reporters are told when their report is classified. */
export function ReporterFeedbackPage() {
  const { clientId, client } = useSelectedClient();
  const settings = useIncidentFeedback(clientId);
  const profiles = useSendingProfiles(clientId);

  return (
    <Stack gap="lg">
      <PageHeader
        title="Reporter feedback"
        description="When an analyst classifies a reported message and asks for a reply, every person who reported it gets the verdict’s message — people learn what they spotted, which is the point of the button."
      />
      {client && <ArchivedClientAlert client={client} />}
      {!clientId ? (
        <Paper withBorder radius="md" p="xl">
          <Text c="dimmed" ta="center">
            Choose a client in the header to see its reporter feedback.
          </Text>
        </Paper>
      ) : (
        <Paper withBorder radius="md" p="md">
          {(settings.isPending || profiles.isPending) && <PageLoader />}
          {settings.isError && <QueryError error={settings.error} onRetry={() => settings.refetch()} />}
          {settings.data && profiles.data && (
            <FeedbackForm settings={settings.data} profiles={profiles.data} readOnly={Boolean(client?.archived)} />
          )}
        </Paper>
      )}
    </Stack>
  );
}
