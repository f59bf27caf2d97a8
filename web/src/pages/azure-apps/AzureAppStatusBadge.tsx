import { Badge } from '@mantine/core';
import type { AzureAppStatus } from '../../api/azureApps';

export const statusLabels: Record<AzureAppStatus, string> = {
  not_authorized: 'Not authorized',
  connected: 'Connected',
  reauth_required: 'Re-authorization required',
  error: 'Error',
};

const colors: Record<AzureAppStatus, string> = {
  not_authorized: 'gray',
  connected: 'teal',
  reauth_required: 'orange',
  error: 'red',
};

export function AzureAppStatusBadge({ status }: { status: AzureAppStatus }) {
  // The label may not shrink to an ellipsis in a narrow table column: "Co…" says nothing.
  return (
    <Badge
      color={colors[status]}
      variant="light"
      tt="none"
      styles={{ root: { overflow: 'visible' }, label: { overflow: 'visible' } }}
    >
      {statusLabels[status]}
    </Badge>
  );
}
