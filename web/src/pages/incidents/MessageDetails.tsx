import { Accordion, ActionIcon, Code, CopyButton, Group, Paper, Table, Text, Tooltip } from '@mantine/core';
import { IconCheck, IconCopy } from '@tabler/icons-react';
import type { IncidentMessage } from '../../api/incidents';
import { formatDateTime } from '../../lib/format';

function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/**
 * Links, attachments, headers and the Received chain. Links are shown defanged (hxxp, [.]) as
 * plain text and never as something clickable: an analyst's stray click must not visit them.
 */
export function MessageDetails({ message }: { message: IncidentMessage }) {
  const m = message;
  return (
    <Paper withBorder radius="md" p={0} component="section" aria-label="Message details">
      <Accordion multiple defaultValue={['urls', 'attachments']} chevronPosition="left">
        <Accordion.Item value="urls">
          <Accordion.Control>Links ({m.urls.length})</Accordion.Control>
          <Accordion.Panel>
            {m.urls.length === 0 ? (
              <Text size="sm" c="dimmed">
                The message has no links.
              </Text>
            ) : (
              <Table.ScrollContainer minWidth={600}>
                <Table verticalSpacing="xs" aria-label="Links">
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th>Shown as</Table.Th>
                      <Table.Th>Real target (defanged)</Table.Th>
                      <Table.Th>Domain</Table.Th>
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {m.urls.map((u, i) => (
                      // biome-ignore lint/suspicious/noArrayIndexKey: the same link can appear twice; the list is fixed
                      <Table.Tr key={i}>
                        <Table.Td style={{ overflowWrap: 'anywhere' }}>{u.text || '—'}</Table.Td>
                        <Table.Td>
                          <Code style={{ overflowWrap: 'anywhere', whiteSpace: 'normal' }}>{u.defanged}</Code>
                        </Table.Td>
                        <Table.Td>{u.domain ?? '—'}</Table.Td>
                      </Table.Tr>
                    ))}
                  </Table.Tbody>
                </Table>
              </Table.ScrollContainer>
            )}
          </Accordion.Panel>
        </Accordion.Item>
        <Accordion.Item value="attachments">
          <Accordion.Control>Attachments ({m.attachments.length})</Accordion.Control>
          <Accordion.Panel>
            {m.attachments.length === 0 ? (
              <Text size="sm" c="dimmed">
                The message has no attachments.
              </Text>
            ) : (
              <Table.ScrollContainer minWidth={600}>
                <Table verticalSpacing="xs" aria-label="Attachments">
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th>Name</Table.Th>
                      <Table.Th>Type</Table.Th>
                      <Table.Th>Size</Table.Th>
                      <Table.Th>SHA-256</Table.Th>
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {m.attachments.map((a) => (
                      <Table.Tr key={`${a.sha256}-${a.filename}`}>
                        <Table.Td style={{ overflowWrap: 'anywhere' }}>{a.filename ?? '(no name)'}</Table.Td>
                        <Table.Td>{a.contentType}</Table.Td>
                        <Table.Td style={{ whiteSpace: 'nowrap' }}>{formatSize(a.size)}</Table.Td>
                        <Table.Td>
                          <Group gap={4} wrap="nowrap">
                            <Code title={a.sha256}>{a.sha256.slice(0, 16)}…</Code>
                            <CopyButton value={a.sha256}>
                              {({ copied, copy }) => (
                                <Tooltip label={copied ? 'Copied' : 'Copy SHA-256'}>
                                  <ActionIcon
                                    variant="subtle"
                                    color={copied ? 'teal' : 'gray'}
                                    onClick={copy}
                                    aria-label={`Copy the SHA-256 of ${a.filename ?? 'the attachment'}`}
                                  >
                                    {copied ? <IconCheck size={16} aria-hidden /> : <IconCopy size={16} aria-hidden />}
                                  </ActionIcon>
                                </Tooltip>
                              )}
                            </CopyButton>
                          </Group>
                        </Table.Td>
                      </Table.Tr>
                    ))}
                  </Table.Tbody>
                </Table>
              </Table.ScrollContainer>
            )}
          </Accordion.Panel>
        </Accordion.Item>
        <Accordion.Item value="received">
          <Accordion.Control>Received chain ({m.receivedChain.length})</Accordion.Control>
          <Accordion.Panel>
            <Table.ScrollContainer minWidth={600}>
              <Table verticalSpacing="xs" aria-label="Received chain">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>From</Table.Th>
                    <Table.Th>By</Table.Th>
                    <Table.Th>With</Table.Th>
                    <Table.Th>When</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {m.receivedChain.map((hop, i) => (
                    // biome-ignore lint/suspicious/noArrayIndexKey: hops have no identity but their place
                    <Table.Tr key={i}>
                      <Table.Td style={{ overflowWrap: 'anywhere' }}>{hop.from ?? '—'}</Table.Td>
                      <Table.Td style={{ overflowWrap: 'anywhere' }}>{hop.by ?? '—'}</Table.Td>
                      <Table.Td>{hop.with ?? '—'}</Table.Td>
                      <Table.Td style={{ whiteSpace: 'nowrap' }}>{formatDateTime(hop.date)}</Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
          </Accordion.Panel>
        </Accordion.Item>
        <Accordion.Item value="headers">
          <Accordion.Control>Headers ({m.headers.length})</Accordion.Control>
          <Accordion.Panel>
            <Code block style={{ maxHeight: 400, overflow: 'auto', whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}>
              {m.headers.map((h) => `${h.name}: ${h.value}`).join('\n')}
            </Code>
          </Accordion.Panel>
        </Accordion.Item>
      </Accordion>
    </Paper>
  );
}
