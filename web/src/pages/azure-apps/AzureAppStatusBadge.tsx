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
  return (
    <Badge color={colors[status]} variant="light" tt="none" style={{ whiteSpace: 'nowrap' }}>
      {statusLabels[status]}
    </Badge>
  );
}
