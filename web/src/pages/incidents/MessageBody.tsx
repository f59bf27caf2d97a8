import { Group, Paper, Stack, Switch, Tabs, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { incidentBodyUrl } from '../../api/incidents';

/**
 * The reported message's body, sanitised by the server and shown in a sandboxed frame: no
 * allow-scripts, no allow-same-origin, so even something the sanitiser missed cannot run or reach
 * the console's session. The server's own Content-Security-Policy (sandbox, img-src data: only)
 * keeps remote images from loading — and telling the sender the message was opened — until the
 * analyst asks for them.
 */
export function MessageBody({ clientId, incidentId }: { clientId: string; incidentId: string }) {
  const [view, setView] = useState<'html' | 'text'>('html');
  const [remote, setRemote] = useState(false);
  return (
    <Paper withBorder radius="md" p="md" component="section" aria-labelledby="body-title">
      <Stack gap="sm">
        <Group justify="space-between" wrap="wrap">
          <Title order={2} fz="h4" id="body-title">
            Message
          </Title>
          {view === 'html' && (
            <Switch
              label="Load remote content"
              description={remote ? 'The sender may learn the message was opened.' : undefined}
              checked={remote}
              onChange={(e) => setRemote(e.currentTarget.checked)}
            />
          )}
        </Group>
        <Tabs value={view} onChange={(v) => setView(v === 'text' ? 'text' : 'html')} keepMounted={false}>
          <Tabs.List>
            <Tabs.Tab value="html">Rendered</Tabs.Tab>
            <Tabs.Tab value="text">Text</Tabs.Tab>
          </Tabs.List>
          <Tabs.Panel value="html" pt="sm">
            {!remote && (
              <Text size="xs" c="dimmed" mb={4}>
                Remote images are blocked. Links are shown as text and cannot be followed.
              </Text>
            )}
            <BodyFrame src={incidentBodyUrl(clientId, incidentId, 'html', remote)} title="Message body, rendered" />
          </Tabs.Panel>
          <Tabs.Panel value="text" pt="sm">
            <BodyFrame src={incidentBodyUrl(clientId, incidentId, 'text', false)} title="Message body, text" />
          </Tabs.Panel>
        </Tabs>
      </Stack>
    </Paper>
  );
}

function BodyFrame({ src, title }: { src: string; title: string }) {
  return (
    <iframe
      // A new frame when the address changes: nothing of the previous document stays.
      key={src}
      sandbox=""
      src={src}
      title={title}
      referrerPolicy="no-referrer"
      style={{
        width: '100%',
        height: 480,
        border: '1px solid var(--mantine-color-gray-3)',
        borderRadius: 4,
        background: 'white',
      }}
    />
  );
}
