import { Anchor, Badge, Group, Paper, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import type { ReactNode } from 'react';
import { Link } from 'react-router';
import type { ClientOverview, SyncRunStatus } from '../../api/clientOverview';
import { countOf, formatDateTime } from '../../lib/format';

const runLabels: Record<SyncRunStatus, { label: string; color: string }> = {
  queued: { label: 'Queued', color: 'gray' },
  running: { label: 'Running', color: 'blue' },
  succeeded: { label: 'Succeeded', color: 'teal' },
  failed: { label: 'Failed', color: 'red' },
  paused: { label: 'Paused', color: 'orange' },
};

/** One capability: a heading that links to its page, its state in a line or two. */
function StateCard({ title, to, children }: { title: string; to: string; children: ReactNode }) {
  return (
    <Paper withBorder radius="md" p="md" component="section" aria-label={title}>
      <Stack gap={6}>
        <Anchor component={Link} to={to} fw={600}>
          {title}
        </Anchor>
        {children}
      </Stack>
    </Paper>
  );
}

/** The figure a card leads with, and what it counts. */
function Figure({ value, noun }: { value: number; noun: string }) {
  return (
    <Group gap={6} align="baseline">
      <Text fz={24} fw={700} lh={1.2}>
        {value}
      </Text>
      <Text size="sm" c="dimmed">
        {noun}
      </Text>
    </Group>
  );
}

/** Recipients (count, last sync, held changes waiting) and the other capabilities at a glance. */
export function ClientStateCards({ overview }: { overview: ClientOverview }) {
  const q = `?client=${encodeURIComponent(overview.clientId)}`;
  const r = overview.recipients;
  const run = r.lastSync ? runLabels[r.lastSync.status] : null;
  return (
    <Stack gap="md">
      <Paper withBorder radius="md" p="md" component="section" aria-labelledby="recipients-title">
        <Stack gap="sm">
          <Group justify="space-between">
            <Title order={2} fz="h4" id="recipients-title">
              Recipients
            </Title>
            <Group gap="md">
              <Anchor component={Link} to={`/recipients${q}`} size="sm">
                Recipients
              </Anchor>
              <Anchor component={Link} to={`/entra-sync${q}`} size="sm">
                Entra sync
              </Anchor>
            </Group>
          </Group>
          <SimpleGrid cols={{ base: 1, sm: 3 }}>
            <div>
              <Figure value={r.total} noun={r.total === 1 ? 'recipient' : 'recipients'} />
              <Text size="xs" c="dimmed">
                in {countOf(r.groups, 'group')}
              </Text>
            </div>
            <div>
              <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
                Last sync
              </Text>
              {r.lastSync && run ? (
                <>
                  <Group gap="xs">
                    <Text size="sm">{formatDateTime(r.lastSync.finishedAt)}</Text>
                    <Badge color={run.color} variant="light" size="sm">
                      {run.label}
                    </Badge>
                  </Group>
                  <Text size="xs" c="dimmed">
                    {r.lastSync.importName}
                  </Text>
                </>
              ) : (
                <Text size="sm" c="dimmed">
                  {r.imports === 0 ? 'No Entra ID import yet' : 'Not finished yet'}
                </Text>
              )}
            </div>
            <div>
              <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
                Held changes
              </Text>
              {r.heldChanges > 0 ? (
                <Anchor component={Link} to={`/entra-sync${q}`} size="sm" fw={600}>
                  {countOf(r.heldChanges, 'change')} waiting for approval
                </Anchor>
              ) : (
                <Text size="sm">None waiting</Text>
              )}
            </div>
          </SimpleGrid>
        </Stack>
      </Paper>
      <SimpleGrid cols={{ base: 1, sm: 2, lg: 4 }}>
        <StateCard title="Sending profiles" to={`/settings/sending-profiles${q}`}>
          <Figure value={overview.sendingProfiles.total} noun="configured" />
          {overview.sendingProfiles.paused > 0 && (
            <Text size="sm" fw={600}>
              {overview.sendingProfiles.paused} paused
            </Text>
          )}
        </StateCard>
        <StateCard title="Training campaigns" to={`/training/campaigns${q}`}>
          <Figure value={overview.training.active} noun="scheduled or running" />
          <Text size="xs" c="dimmed">
            {countOf(overview.training.campaigns, 'campaign')} in all, {overview.training.drafts} draft
            {overview.training.drafts === 1 ? '' : 's'}
          </Text>
        </StateCard>
        <StateCard title="Report add-in" to={`/clients/${encodeURIComponent(overview.clientId)}${q}#report-addin`}>
          <Text size="sm" fw={500}>
            {overview.reportAddin.configured ? 'Set up' : 'Not set up'}
          </Text>
          <Text size="xs" c="dimmed">
            Reporting mailbox {overview.reportingMailbox.enabled ? 'on' : 'off'}
          </Text>
        </StateCard>
        <StateCard title="Open incidents" to={`/incidents${q}`}>
          <Figure value={overview.incidents.open} noun="not resolved" />
        </StateCard>
      </SimpleGrid>
    </Stack>
  );
}
