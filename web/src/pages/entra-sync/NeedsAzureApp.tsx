import { Alert, Button, Group, Text } from '@mantine/core';
import { IconPlugConnected } from '@tabler/icons-react';
import { Link } from 'react-router';
import { useAzureApps } from '../../hooks/useAzureApps';

/**
 * Entra sync reads the directory through one of the client's Azure applications: with none, or
 * none authorized yet, the page says so and links to where that is done instead of letting a new
 * import fail on an empty application list.
 */
export function NeedsAzureApp({ clientId }: { clientId: string }) {
  const apps = useAzureApps(clientId);
  if (!apps.data) return null;
  const q = `?client=${encodeURIComponent(clientId)}`;
  if (apps.data.length === 0) {
    return (
      <Alert
        color="blue"
        title="This client has no Azure application yet"
        icon={<IconPlugConnected size={18} aria-hidden />}
      >
        <Group justify="space-between" wrap="wrap">
          <Text size="sm">
            Entra sync reads users and groups from the client's Entra ID through an Azure application registered in
            their tenant. Add one and authorize it, then create an import here.
          </Text>
          <Button component={Link} to={`/settings/azure-applications${q}`} size="xs">
            Add an Azure application
          </Button>
        </Group>
      </Alert>
    );
  }
  const waiting = apps.data.find((a) => a.status !== 'connected');
  if (apps.data.some((a) => a.status === 'connected') || !waiting) return null;
  return (
    <Alert
      color="blue"
      title="No Azure application is authorized yet"
      icon={<IconPlugConnected size={18} aria-hidden />}
    >
      <Group justify="space-between" wrap="wrap">
        <Text size="sm">
          Entra sync needs a connected application: authorize {waiting.name} with an account of the client's tenant
          first.
        </Text>
        <Button component={Link} to={`/settings/azure-applications/${encodeURIComponent(waiting.id)}${q}`} size="xs">
          Authorize {waiting.name}
        </Button>
      </Group>
    </Alert>
  );
}
