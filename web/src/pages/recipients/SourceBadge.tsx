import { Badge } from '@mantine/core';
import type { RecipientSource } from '../../api/recipients';

const LOOK: Record<RecipientSource, { label: string; color: string }> = {
  entra: { label: 'Entra', color: 'blue' },
  csv: { label: 'CSV', color: 'grape' },
  manual: { label: 'Manual', color: 'gray' },
};

/** Where a recipient came from: Entra ones are overwritten by the next directory sync. */
export function SourceBadge({ source }: { source: RecipientSource }) {
  const { label, color } = LOOK[source];
  return (
    <Badge variant="light" color={color} size="sm">
      {label}
    </Badge>
  );
}
