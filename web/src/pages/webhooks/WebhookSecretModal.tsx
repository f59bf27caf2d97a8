import { Alert, Button, Code, CopyButton, Group, Modal, Stack, Text } from '@mantine/core';
import { IconAlertTriangle, IconCheck, IconCopy } from '@tabler/icons-react';
import type { WebhookWithSecret } from '../../api/webhooks';

/** The only time the signing secret leaves the server: it must be copied now. */
export function WebhookSecretModal({ created, onClose }: { created: WebhookWithSecret | null; onClose: () => void }) {
  return (
    <Modal
      opened={created !== null}
      onClose={onClose}
      title="The webhook’s signing secret"
      centered
      size="lg"
      // Closing by accident would lose the secret for good; make leaving a deliberate act.
      closeOnClickOutside={false}
    >
      {created && (
        <Stack>
          <Alert color="yellow" icon={<IconAlertTriangle />} title="Copy it now">
            This secret will not be shown again. Give it to the receiving system: it checks the Baitwise-Signature
            header of every request with it. If it is lost, rotate the secret.
          </Alert>
          <Text size="sm">
            Webhook <strong>{created.name}</strong> → {created.url}
          </Text>
          <Code block aria-label="Webhook signing secret" style={{ wordBreak: 'break-all', whiteSpace: 'pre-wrap' }}>
            {created.secret}
          </Code>
          <Group justify="flex-end">
            <CopyButton value={created.secret}>
              {({ copied, copy }) => (
                <Button
                  variant="light"
                  color={copied ? 'teal' : undefined}
                  leftSection={copied ? <IconCheck size={16} aria-hidden /> : <IconCopy size={16} aria-hidden />}
                  onClick={copy}
                >
                  {copied ? 'Copied' : 'Copy secret'}
                </Button>
              )}
            </CopyButton>
            <Button onClick={onClose}>I have stored it</Button>
          </Group>
        </Stack>
      )}
    </Modal>
  );
}
