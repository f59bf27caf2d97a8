import { Badge } from '@mantine/core';
import type { Connection } from '../api/clientOverview';

const labels: Record<Connection, { label: string; color: string }> = {
  none: { label: 'No Azure application', color: 'gray' },
  not_authorized: { label: 'Not authorized', color: 'gray' },
  connected: { label: 'Connected', color: 'teal' },
  attention: { label: 'Needs attention', color: 'orange' },
};

/** A client's Microsoft 365 connection in one word (see src/modules/clients/overview.ts). */
export function ConnectionBadge({ connection }: { connection: Connection }) {
  const { label, color } = labels[connection];
  return (
    <Badge color={color} variant="light" tt="none">
      {label}
    </Badge>
  );
}
