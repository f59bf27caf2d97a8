import { Badge, Stack, Text } from '@mantine/core';
import type { Pause } from '../../api/sendingProfiles';
import { formatDateTime } from '../../lib/format';

/** "Active", or "Paused" with why and until when. */
export function PausedBadge({ paused, withReason = true }: { paused: Pause | null; withReason?: boolean }) {
  if (!paused) {
    return (
      <Badge color="teal" variant="light">
        Active
      </Badge>
    );
  }
  const reason = paused.reason;
  return (
    <Stack gap={2} align="flex-start">
      <Badge color="orange" variant="light">
        Paused
      </Badge>
      {withReason && (
        <Text size="xs" c="dimmed">
          {reason?.guidance?.title ?? reason?.message ?? 'Paused'}
          {paused.until ? ` — until ${formatDateTime(paused.until)}` : ' — until resumed'}
        </Text>
      )}
    </Stack>
  );
}
