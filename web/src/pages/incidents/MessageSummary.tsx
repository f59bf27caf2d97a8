import { Alert, Group, Paper, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { IconAlertTriangle } from '@tabler/icons-react';
import type { ReactNode } from 'react';
import type { Address, IncidentDetail, IncidentMessage } from '../../api/incidents';
import { formatDateTime } from '../../lib/format';
import { AuthBadge, StatusBadge, VerdictBadge } from './IncidentBadges';

function Field({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div>
      <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
        {label}
      </Text>
      <Text size="sm" style={{ overflowWrap: 'anywhere' }} component="div">
        {children || '—'}
      </Text>
    </div>
  );
}

const address = (a: Address | null) => (a ? (a.name ? `${a.name} <${a.address ?? ''}>` : (a.address ?? '')) : null);

/** Who sent what, when, and what the receiving server thought of the sender's authentication. */
export function MessageSummary({ incident, message: m }: { incident: IncidentDetail; message: IncidentMessage }) {
  const auth = m.authentication;
  return (
    <Paper withBorder radius="md" p="md" component="section" aria-labelledby="summary-title">
      <Stack gap="md">
        <Title order={2} fz="h4" id="summary-title">
          Summary
        </Title>
        <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="md" verticalSpacing="sm">
          <Field label="Subject">{m.subject ?? incident.subject}</Field>
          <Field label="From">{address(m.from) ?? incident.fromAddress}</Field>
          <Field label="Reply-To">{address(m.replyTo)}</Field>
          <Field label="To">{m.to.map(address).join(', ')}</Field>
          {m.cc.length > 0 && <Field label="Cc">{m.cc.map(address).join(', ')}</Field>}
          <Field label="Date">{m.date ? formatDateTime(m.date) : null}</Field>
          <Field label="Message-ID">{m.messageId}</Field>
          <Field label="Reported">
            {incident.reportCount === 1
              ? formatDateTime(incident.firstReportedAt)
              : `${incident.reportCount} times, ${formatDateTime(incident.firstReportedAt)} – ${formatDateTime(incident.lastReportedAt)}`}
          </Field>
          <Field label="Status and verdict">
            <Group gap="xs">
              <StatusBadge status={incident.status} />
              <VerdictBadge verdict={incident.verdict} />
            </Group>
          </Field>
          <Field label="Assignee">{incident.assigneeName ?? 'unassigned'}</Field>
          {incident.campaign && (
            <Field label="Sent by Baitwise">
              A message of one of this client’s campaigns ({incident.campaign.refType}): reports of it are credited to
              the campaign.
            </Field>
          )}
        </SimpleGrid>
        <Stack gap={6} component="section" aria-labelledby="auth-title">
          <Title order={3} fz="sm" id="auth-title">
            Authentication
          </Title>
          <Group gap="xs">
            <AuthBadge name="SPF" result={auth.spf} />
            <AuthBadge name="DKIM" result={auth.dkim} />
            <AuthBadge name="DMARC" result={auth.dmarc} />
          </Group>
          {auth.raw && (
            <Text size="xs" c="dimmed" ff="monospace" style={{ overflowWrap: 'anywhere' }}>
              {auth.raw}
            </Text>
          )}
        </Stack>
        {m.parseErrors.length > 0 && (
          <Alert
            color="yellow"
            icon={<IconAlertTriangle size={18} aria-hidden />}
            title="Parts of this message could not be read"
          >
            <Text size="sm">What could be parsed is shown. The raw message has everything.</Text>
            <ul>
              {m.parseErrors.map((e) => (
                <li key={e}>
                  <Text size="sm">{e}</Text>
                </li>
              ))}
            </ul>
          </Alert>
        )}
      </Stack>
    </Paper>
  );
}
