import { Button, Checkbox, Group, Modal, Stack, Text } from '@mantine/core';
import { IconExternalLink } from '@tabler/icons-react';
import { useEffect, useState } from 'react';
import type { AzureApp } from '../../api/azureApps';
import { useAuthorizeAzureApp } from '../../hooks/useAzureApps';
import { notifyFailure } from '../../lib/notify';

/**
 * Starts the authorization: the server binds a one-time request to this browser session and
 * answers with Microsoft's address, and the whole page goes there (Microsoft sends it back to
 * the application's page).
 */
export function AuthorizeModal({ app, opened, onClose }: { app: AzureApp; opened: boolean; onClose: () => void }) {
  const [adminConsent, setAdminConsent] = useState(false);
  const authorize = useAuthorizeAzureApp();

  useEffect(() => {
    if (opened) setAdminConsent(false);
  }, [opened]);

  const start = () =>
    authorize.mutate(
      { app, adminConsent },
      {
        onSuccess: ({ url }) => window.location.assign(url),
        onError: (error) => notifyFailure('Could not start the authorization', error),
      },
    );

  return (
    <Modal opened={opened} onClose={onClose} title={`Authorize ${app.name}`} centered size="lg">
      <Stack gap="md">
        <Text size="sm">
          Microsoft’s sign-in page opens in this window. Sign in with an account of the client’s tenant and accept the
          permissions; Microsoft then returns you here. Baitwise stores the connection encrypted and records which
          account authorized it.
        </Text>
        <Checkbox
          label="Grant admin consent for the organization"
          description="Sign in as an Entra ID administrator (Global Administrator, Privileged Role Administrator or Cloud Application Administrator) to approve the permissions for everyone at once. User.Read.All and GroupMember.Read.All need it."
          checked={adminConsent}
          onChange={(event) => setAdminConsent(event.currentTarget.checked)}
        />
        {adminConsent && (
          <Text size="sm" c="dimmed">
            Microsoft asks you to pick an account twice: first to grant consent for the organization, then to sign in so
            that Baitwise receives its connection. Choose the same administrator account both times.
          </Text>
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Cancel
          </Button>
          <Button
            onClick={start}
            loading={authorize.isPending || authorize.isSuccess}
            rightSection={<IconExternalLink size={16} aria-hidden />}
            data-autofocus
          >
            Continue to Microsoft
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
