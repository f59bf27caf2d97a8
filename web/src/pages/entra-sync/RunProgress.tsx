import { Badge, Group, List, Paper, Progress, SimpleGrid, Stack, Text } from '@mantine/core';
import type { SyncRun } from '../../api/directorySync';
import { runKind, skipReasons } from './words';

const statusColor: Record<SyncRun['status'], string> = {
  queued: 'gray',
  running: 'blue',
  succeeded: 'teal',
  failed: 'red',
  paused: 'orange',
};

const eta = (s: number | null) =>
  s === null ? '—' : s < 60 ? `${s} s` : `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;

export function RunStatusBadge({ run }: { run: SyncRun }) {
  return (
    <Badge color={statusColor[run.status]} variant="light">
      {run.status}
    </Badge>
  );
}

/**
 * Live progress of one run: a bar (indeterminate when Graph gave no total), pages, users, the rate
 * and estimate once there is enough of the run to say, and who was skipped and why.
 */
export function RunProgress({ run }: { run: SyncRun }) {
  const pct = run.progress === null ? null : Math.round(run.progress * 100);
  const active = run.status === 'queued' || run.status === 'running';
  return (
    <Paper withBorder radius="md" p="md" aria-label="Sync progress">
      <Stack gap="sm">
        <Group justify="space-between">
          <Group gap="xs">
            <Text fw={600}>{runKind(run.kind)}</Text>
            <RunStatusBadge run={run} />
          </Group>
          <Text size="sm" c="dimmed" data-testid="run-percent">
            {pct === null ? (active ? 'working…' : '') : `${pct}%`}
          </Text>
        </Group>
        <Progress
          value={pct ?? 100}
          animated={active}
          striped={active && pct === null}
          color={statusColor[run.status]}
          aria-label="Progress"
        />
        <SimpleGrid cols={{ base: 2, sm: 4 }}>
          <Metric label="Pages" value={run.pages} />
          <Metric label="Users" value={run.total ? `${run.usersSeen} / ${run.total}` : run.usersSeen} />
          {run.usersPerSecond !== null && <Metric label="Rate" value={`${run.usersPerSecond} users/s`} />}
          {active && run.etaSeconds !== null && <Metric label="Estimate" value={eta(run.etaSeconds)} />}
        </SimpleGrid>
        <Text size="sm" c="dimmed">
          Added {run.added} · updated {run.updated} · removed {run.removed} · held {run.held} · skipped {run.skipped}
          {run.filtered > 0 ? ` · ${run.filtered} outside the filters` : ''}
        </Text>
        {run.skippedUsers.length > 0 && (
          <details>
            <summary>
              <Text span size="sm">
                Skipped users ({run.skipped}
                {run.skipped > run.skippedUsers.length ? `, the first ${run.skippedUsers.length} listed` : ''})
              </Text>
            </summary>
            <List size="sm" spacing={2} mt={4} aria-label="Skipped users">
              {run.skippedUsers.map((u) => (
                <List.Item key={`${u.entraObjectId}${u.reason}`}>
                  {u.displayName ?? u.email ?? u.entraObjectId}
                  {u.email && u.displayName ? ` (${u.email})` : ''} — {skipReasons[u.reason] ?? u.reason}
                </List.Item>
              ))}
            </List>
          </details>
        )}
        {run.errors.length > 0 && (
          <Stack gap={2}>
            {run.errors.slice(-3).map((e) => (
              <Text
                key={`${e.at}${e.code}${e.entraObjectId ?? ''}`}
                size="sm"
                c={run.status === 'succeeded' ? 'dimmed' : 'red'}
              >
                {e.code}: {e.message}
              </Text>
            ))}
          </Stack>
        )}
      </Stack>
    </Paper>
  );
}

function Metric({ label, value }: { label: string; value: string | number }) {
  return (
    <Stack gap={0}>
      <Text size="xs" c="dimmed" tt="uppercase">
        {label}
      </Text>
      <Text fw={500}>{value}</Text>
    </Stack>
  );
}
