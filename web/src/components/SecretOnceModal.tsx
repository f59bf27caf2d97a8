import { Alert, Button, Code, CopyButton, Group, Modal, Stack, Text } from '@mantine/core';
import { IconAlertTriangle, IconCheck, IconCopy } from '@tabler/icons-react';
import type { ReactNode } from 'react';

/**
 * A secret shown the only time it leaves the server (an API token, a webhook's signing secret):
 * copy it now. Closing by accident would lose it for good, so leaving is a deliberate act.
 */
export function SecretOnceModal({
  secret,
  title,
  advice,
  about,
  secretLabel,
  onClose,
}: {
  /** null: closed */
  secret: string | null;
  title: string;
  /** what to do with it, in the warning */
  advice: ReactNode;
  /** which secret this is */
  about: ReactNode;
  secretLabel: string;
  onClose: () => void;
}) {
  return (
    <Modal opened={secret !== null} onClose={onClose} title={title} centered size="lg" closeOnClickOutside={false}>
      {secret !== null && (
        <Stack>
          <Alert color="yellow" icon={<IconAlertTriangle />} title="Copy it now">
            This secret will not be shown again. {advice}
          </Alert>
          <Text size="sm">{about}</Text>
          <Code block aria-label={secretLabel} style={{ wordBreak: 'break-all', whiteSpace: 'pre-wrap' }}>
            {secret}
          </Code>
          <Group justify="flex-end">
            <CopyButton value={secret}>
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
