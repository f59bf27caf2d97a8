import { Badge } from '@mantine/core';

export function ClientStatusBadge({ archived }: { archived: boolean }) {
  return archived ? (
    <Badge color="gray" variant="light">
      Archived
    </Badge>
  ) : (
    <Badge color="teal" variant="light">
      Active
    </Badge>
  );
}
