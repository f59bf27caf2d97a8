import { Badge, Button, Paper, Stack, Table, Text, Title } from '@mantine/core';
import { IconDownload } from '@tabler/icons-react';
import type { IncidentDetail } from '../../api/incidents';
import { useDownloadEml } from '../../hooks/useIncidents';
import { formatDateTime } from '../../lib/format';
import { notifyFailure } from '../../lib/notify';

const SOURCES: Record<string, string> = {
  addin: 'Report add-in',
  graph: 'Report add-in',
  mailbox: 'Reporting mailbox',
};

/** Who reported the message, how, and what they said; each report's raw message to download. */
export function ReportersTable({ incident }: { incident: IncidentDetail }) {
  const download = useDownloadEml(incident.clientId, incident.id);
  return (
    <Paper withBorder radius="md" p="md" component="section" aria-labelledby="reporters-title">
      <Stack gap="sm">
        <Title order={2} fz="h4" id="reporters-title">
          Reporters ({incident.reports.length})
        </Title>
        <Table.ScrollContainer minWidth={760}>
          <Table verticalSpacing="xs" aria-label="Reporters">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Reporter</Table.Th>
                <Table.Th>Source</Table.Th>
                <Table.Th>Reported</Table.Th>
                <Table.Th>Option and comment</Table.Th>
                <Table.Th>Raw message</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {incident.reports.map((r) => (
                <Table.Tr key={r.id}>
                  <Table.Td>
                    <Text size="sm" style={{ overflowWrap: 'anywhere' }}>
                      {r.reporterAddress}
                    </Text>
                    {r.verified ? (
                      <Badge size="xs" color="teal.9" variant="outline" tt="none">
                        verified
                      </Badge>
                    ) : (
                      <Badge size="xs" color="gray.7" variant="outline" tt="none">
                        not verified
                      </Badge>
                    )}
                  </Table.Td>
                  <Table.Td>{SOURCES[r.source] ?? r.source}</Table.Td>
                  <Table.Td style={{ whiteSpace: 'nowrap' }}>{formatDateTime(r.reportedAt)}</Table.Td>
                  <Table.Td>
                    {r.reportingOption && <Text size="sm">{r.reportingOption}</Text>}
                    {r.freeText && (
                      <Text size="sm" c="dimmed" style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}>
                        “{r.freeText}”
                      </Text>
                    )}
                    {!r.reportingOption && !r.freeText && '—'}
                  </Table.Td>
                  <Table.Td>
                    <Button
                      size="xs"
                      variant="default"
                      leftSection={<IconDownload size={14} aria-hidden />}
                      loading={download.isPending && download.variables === r.id}
                      aria-label={`EML reported by ${r.reporterAddress}`}
                      title="Download the raw message"
                      onClick={() =>
                        download.mutate(r.id, {
                          onError: (error) => notifyFailure('Could not download the raw message', error),
                        })
                      }
                    >
                      EML
                    </Button>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      </Stack>
    </Paper>
  );
}
