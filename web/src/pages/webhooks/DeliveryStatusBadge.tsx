import { Badge } from '@mantine/core';
import type { DeliveryStatus } from '../../api/webhooks';

const COLORS: Record<DeliveryStatus, string> = {
  pending: 'yellow',
  delivering: 'blue',
  succeeded: 'teal',
  failed: 'red',
  cancelled: 'gray',
};
const LABELS: Record<DeliveryStatus, string> = {
  pending: 'Retrying',
  delivering: 'Sending',
  succeeded: 'Delivered',
  failed: 'Failed',
  cancelled: 'Cancelled',
};

export function DeliveryStatusBadge({ status, attempts }: { status: DeliveryStatus; attempts: number }) {
  // A pending delivery not tried yet is simply queued.
  const label = status === 'pending' && attempts === 0 ? 'Queued' : LABELS[status];
  return (
    <Badge color={COLORS[status]} variant="light">
      {label}
    </Badge>
  );
}
