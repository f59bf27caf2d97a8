import { Button, Group, List, Modal, Stack, Text } from '@mantine/core';
import type { AzureApp } from '../../api/azureApps';
import { useDeleteAzureApp } from '../../hooks/useAzureApps';
import { notifyFailure, notifySuccess } from '../../lib/notify';

/** Deleting discards the stored secret and tokens, so say what stops working before it happens. */
export function DeleteAzureAppModal({
  app,
  onClose,
  onDeleted,
}: {
  app: AzureApp | null;
  onClose: () => void;
  onDeleted?: () => void;
}) {
  const remove = useDeleteAzureApp();
  const confirm = () => {
    if (!app) return;
    remove.mutate(app, {
      onSuccess: () => {
        notifySuccess(`${app.name} was deleted.`);
        onClose();
        onDeleted?.();
      },
      onError: (error) => notifyFailure('Could not delete the application', error),
    });
  };
  return (
    <Modal opened={app !== null} onClose={onClose} title="Delete application" centered>
      <Stack gap="xs">
        <Text size="sm">
          Delete {app?.name}? Its client secret and the stored Microsoft tokens are discarded, and Baitwise can no
          longer reach this tenant. What stops working:
        </Text>
        <List size="sm" withPadding>
          <List.Item>recipient import and sync from Entra ID</List.Item>
          <List.Item>sending training by Microsoft Graph and by SMTP (OAuth2)</List.Item>
          <List.Item>the Outlook report-phishing plugin</List.Item>
        </List>
        <Text size="sm" c="dimmed">
          The app registration in Entra is not touched; remove it there if it is no longer needed.
        </Text>
      </Stack>
      <Group justify="flex-end" mt="lg">
        {/* Opens on Cancel, as every destructive confirmation does (ConfirmModal). */}
        <Button variant="default" onClick={onClose} data-autofocus>
          Cancel
        </Button>
        <Button color="red" loading={remove.isPending} onClick={confirm}>
          Delete
        </Button>
      </Group>
    </Modal>
  );
}
