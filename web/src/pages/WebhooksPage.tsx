import { Button, Paper, Stack, Text } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { IconPlus } from '@tabler/icons-react';
import { useState } from 'react';
import type { Webhook, WebhookWithSecret } from '../api/webhooks';
import { ArchivedClientAlert } from '../components/ArchivedClientAlert';
import { PageHeader } from '../components/PageHeader';
import { PageLoader, QueryError } from '../components/QueryState';
import { useSelectedClient } from '../hooks/useSelectedClient';
import { useWebhooks } from '../hooks/useWebhooks';
import { DeliveriesModal } from './webhooks/DeliveriesModal';
import { WebhookFormModal } from './webhooks/WebhookFormModal';
import { WebhookSecretModal } from './webhooks/WebhookSecretModal';
import { WebhooksTable } from './webhooks/WebhooksTable';

/** Settings → Webhooks: the client's SIEM or SOAR endpoints told of new and classified incidents. */
export function WebhooksPage() {
  const { clientId, client } = useSelectedClient();
  const hooks = useWebhooks(clientId);
  const readOnly = Boolean(client?.archived);
  const [addOpened, add] = useDisclosure(false);
  const [editing, setEditing] = useState<Webhook | null>(null);
  const [secret, setSecret] = useState<WebhookWithSecret | null>(null);
  const [log, setLog] = useState<Webhook | null>(null);

  return (
    <Stack gap="lg">
      <PageHeader
        title="Webhooks"
        description="Signed HTTPS requests to the client’s SIEM or SOAR on a new incident and on a classification, retried with backoff, each delivery logged."
        actions={
          <Button leftSection={<IconPlus size={16} aria-hidden />} onClick={add.open} disabled={!clientId || readOnly}>
            Add webhook
          </Button>
        }
      />
      {client && <ArchivedClientAlert client={client} />}
      {!clientId ? (
        <Paper withBorder radius="md" p="xl">
          <Text c="dimmed" ta="center">
            Choose a client in the header to see its webhooks.
          </Text>
        </Paper>
      ) : (
        <Paper withBorder radius="md" p="md">
          {hooks.isPending && <PageLoader />}
          {hooks.isError && <QueryError error={hooks.error} onRetry={() => hooks.refetch()} />}
          {hooks.data?.length === 0 && (
            <Text c="dimmed" py="lg" ta="center">
              This client has no webhook yet.
            </Text>
          )}
          {hooks.data && hooks.data.length > 0 && (
            <WebhooksTable
              clientId={clientId}
              hooks={hooks.data}
              readOnly={readOnly}
              onEdit={setEditing}
              onSecret={setSecret}
              onLog={setLog}
            />
          )}
        </Paper>
      )}
      {clientId && (
        <>
          <WebhookFormModal opened={addOpened} onClose={add.close} clientId={clientId} onCreated={setSecret} />
          <WebhookFormModal
            opened={editing !== null}
            onClose={() => setEditing(null)}
            clientId={clientId}
            webhook={editing ?? undefined}
          />
          <DeliveriesModal clientId={clientId} webhook={log} onClose={() => setLog(null)} />
        </>
      )}
      <WebhookSecretModal created={secret} onClose={() => setSecret(null)} />
    </Stack>
  );
}
