import { Button, Group, Stack, Text, Title } from '@mantine/core';
import { IconCloudDownload, IconFileImport, IconPlus } from '@tabler/icons-react';
import { Link } from 'react-router';

/**
 * A client without any recipient yet: the three ways to get them, Entra sync first (it keeps
 * them up to date), instead of an empty table and "No recipients match".
 */
export function NoRecipientsYet({
  clientId,
  readOnly,
  onImport,
  onAdd,
}: {
  clientId: string;
  readOnly: boolean;
  onImport: () => void;
  onAdd: () => void;
}) {
  return (
    <Stack align="center" gap="sm" py="xl" ta="center" aria-labelledby="no-recipients-title">
      <Title order={2} fz="h4" id="no-recipients-title">
        No recipients yet
      </Title>
      <Text size="sm" c="dimmed" maw={520}>
        Recipients are the people Baitwise trains and tests. Sync them from the client's Entra ID (they stay up to date)
        or import a CSV file exported from any directory.
      </Text>
      {!readOnly && (
        <Group justify="center">
          <Button
            component={Link}
            to={`/entra-sync?client=${encodeURIComponent(clientId)}`}
            leftSection={<IconCloudDownload size={16} aria-hidden />}
          >
            Sync from Entra ID
          </Button>
          <Button variant="default" leftSection={<IconFileImport size={16} aria-hidden />} onClick={onImport}>
            Import a CSV file
          </Button>
          <Button variant="subtle" leftSection={<IconPlus size={16} aria-hidden />} onClick={onAdd}>
            Add one by hand
          </Button>
        </Group>
      )}
    </Stack>
  );
}
