import { Anchor, Checkbox, Stack, Table, Text } from '@mantine/core';
import { Link } from 'react-router';
import type { IncidentSummary } from '../../api/incidents';
import { formatDateTime } from '../../lib/format';
import { StatusBadge, VerdictBadge } from './IncidentBadges';

/** Where an incident's page is: its client goes in ?client= (the header picker follows it). */
export const incidentHref = (i: Pick<IncidentSummary, 'id' | 'clientId'>) =>
  `/incidents/${encodeURIComponent(i.id)}?client=${encodeURIComponent(i.clientId)}`;

const sameYear = new Intl.DateTimeFormat(undefined, {
  month: 'short',
  day: 'numeric',
  hour: 'numeric',
  minute: '2-digit',
});
/** "Dec 1, 9:06 PM": the year only when it is not this one, so the column stays narrow. */
function shortDateTime(iso: string): string {
  const d = new Date(iso);
  return d.getFullYear() === new Date().getFullYear() ? sameYear.format(d) : formatDateTime(iso);
}

/** One row per incident: a wave reported by hundreds of people is one row with its count. */
export function IncidentsTable({
  incidents,
  selected,
  onSelect,
  showClient,
  backTo,
}: {
  incidents: IncidentSummary[];
  selected: Set<string>;
  onSelect: (next: Set<string>) => void;
  showClient: boolean;
  /** the list's own address, so the incident page can link back to this very view */
  backTo: string;
}) {
  const allSelected = incidents.length > 0 && incidents.every((i) => selected.has(i.id));
  const someSelected = incidents.some((i) => selected.has(i.id));
  const toggle = (id: string, on: boolean) => {
    const next = new Set(selected);
    if (on) next.add(id);
    else next.delete(id);
    onSelect(next);
  };

  return (
    <Table.ScrollContainer minWidth={860}>
      <Table highlightOnHover verticalSpacing="xs" aria-label="Incidents">
        <Table.Thead>
          <Table.Tr>
            <Table.Th w={40}>
              <Checkbox
                aria-label="Select every incident shown"
                checked={allSelected}
                indeterminate={someSelected && !allSelected}
                onChange={(e) => onSelect(e.currentTarget.checked ? new Set(incidents.map((i) => i.id)) : new Set())}
              />
            </Table.Th>
            <Table.Th>Message</Table.Th>
            {showClient && <Table.Th>Client</Table.Th>}
            <Table.Th ta="right">Reporters</Table.Th>
            <Table.Th>Status</Table.Th>
            <Table.Th>Assignee</Table.Th>
            <Table.Th>Last reported</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {incidents.map((i) => {
            const subject = i.subject || '(no subject)';
            return (
              <Table.Tr key={i.id} bg={selected.has(i.id) ? 'var(--mantine-color-blue-light)' : undefined}>
                <Table.Td>
                  <Checkbox
                    aria-label={`Select “${subject}”`}
                    checked={selected.has(i.id)}
                    onChange={(e) => toggle(i.id, e.currentTarget.checked)}
                  />
                </Table.Td>
                <Table.Td maw={420}>
                  <Anchor component={Link} to={incidentHref(i)} state={{ backTo }} fw={600} lineClamp={1}>
                    {subject}
                  </Anchor>
                  <Text size="xs" c="dimmed" lineClamp={1}>
                    {i.fromName ? `${i.fromName} <${i.fromAddress ?? ''}>` : (i.fromAddress ?? 'unknown sender')}
                  </Text>
                </Table.Td>
                {showClient && <Table.Td maw={160}>{i.clientName}</Table.Td>}
                <Table.Td ta="right">{i.reportCount.toLocaleString()}</Table.Td>
                <Table.Td>
                  <Stack gap={4} align="flex-start">
                    <StatusBadge status={i.status} />
                    <VerdictBadge verdict={i.verdict} />
                  </Stack>
                </Table.Td>
                <Table.Td>
                  {i.assigneeName ?? (
                    <Text span c="dimmed" size="sm">
                      unassigned
                    </Text>
                  )}
                </Table.Td>
                <Table.Td style={{ whiteSpace: 'nowrap' }} title={formatDateTime(i.lastReportedAt)}>
                  {shortDateTime(i.lastReportedAt)}
                </Table.Td>
              </Table.Tr>
            );
          })}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
