import { ActionIcon, Anchor, Menu, Stack, Table, Text, VisuallyHidden } from '@mantine/core';
import { IconDots, IconExternalLink, IconPencil, IconPlugConnected, IconTrash } from '@tabler/icons-react';
import type { ReactNode } from 'react';
import { Link } from 'react-router';
import type { AzureApp } from '../../api/azureApps';
import { formatDateTime } from '../../lib/format';
import { AzureAppStatusBadge } from './AzureAppStatusBadge';
import { SecretExpiry } from './SecretExpiry';

// Related facts share a cell (client under the name, secret expiry with the registration, last
// use under the status, who and when under the account) so that the table fits beside the
// navigation without scrolling on an ordinary screen.
export function AzureAppsTable({
  apps,
  clientName,
  onAuthorize,
  onEdit,
  onDelete,
}: {
  apps: AzureApp[];
  clientName: (id: string) => string;
  onAuthorize: (app: AzureApp) => void;
  onEdit: (app: AzureApp) => void;
  onDelete: (app: AzureApp) => void;
}) {
  return (
    <Table.ScrollContainer minWidth={900}>
      <Table highlightOnHover verticalSpacing="sm" aria-label="Azure applications">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Application</Table.Th>
            <Table.Th>Entra registration</Table.Th>
            <Table.Th>Status</Table.Th>
            <Table.Th>Microsoft account</Table.Th>
            <Table.Th w={50}>
              <VisuallyHidden>Actions</VisuallyHidden>
            </Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {apps.map((app) => (
            <Table.Tr key={app.id}>
              <Table.Td style={{ whiteSpace: 'nowrap' }}>
                <Anchor component={Link} to={`/settings/azure-applications/${app.id}`} fw={500}>
                  {app.name}
                </Anchor>
                <Small>{clientName(app.clientId)}</Small>
              </Table.Td>
              <Table.Td>
                <Stack gap={2}>
                  <Labelled label="Tenant" mono>
                    {app.tenantDomain ?? app.tenantId}
                  </Labelled>
                  <Labelled label="Client ID" mono>
                    {app.azureClientId}
                  </Labelled>
                  {app.secretExpiresAt && (
                    <Labelled label="Secret expires">
                      <SecretExpiry date={app.secretExpiresAt} size="xs" />
                    </Labelled>
                  )}
                </Stack>
              </Table.Td>
              <Table.Td>
                <AzureAppStatusBadge status={app.status} />
                {app.lastUsedAt && <Small nowrap>Last used {formatDateTime(app.lastUsedAt)}</Small>}
                {app.status !== 'connected' && app.lastAuthorization?.outcome === 'failed' && (
                  <Text size="xs" c="orange.9" style={{ whiteSpace: 'nowrap' }}>
                    Last authorization failed
                  </Text>
                )}
              </Table.Td>
              <Table.Td>
                {app.microsoftAccount?.upn ?? <Small>—</Small>}
                {app.authorizedBy && (
                  <Small>
                    Authorized by {app.authorizedBy}, {formatDateTime(app.authorizedAt)}
                  </Small>
                )}
              </Table.Td>
              <Table.Td>
                <Menu position="bottom-end" shadow="md">
                  <Menu.Target>
                    <ActionIcon variant="subtle" color="gray" aria-label={`Actions for ${app.name}`}>
                      <IconDots size={18} aria-hidden />
                    </ActionIcon>
                  </Menu.Target>
                  <Menu.Dropdown>
                    <Menu.Item
                      component={Link}
                      to={`/settings/azure-applications/${app.id}`}
                      leftSection={<IconExternalLink size={16} aria-hidden />}
                    >
                      Open
                    </Menu.Item>
                    <Menu.Item
                      leftSection={<IconPlugConnected size={16} aria-hidden />}
                      onClick={() => onAuthorize(app)}
                    >
                      Authorize
                    </Menu.Item>
                    <Menu.Item leftSection={<IconPencil size={16} aria-hidden />} onClick={() => onEdit(app)}>
                      Edit
                    </Menu.Item>
                    <Menu.Item
                      color="red"
                      leftSection={<IconTrash size={16} aria-hidden />}
                      onClick={() => onDelete(app)}
                    >
                      Delete
                    </Menu.Item>
                  </Menu.Dropdown>
                </Menu>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

function Small({ children, nowrap }: { children: ReactNode; nowrap?: boolean }) {
  return (
    <Text size="xs" c="dimmed" style={nowrap ? { whiteSpace: 'nowrap' } : undefined}>
      {children}
    </Text>
  );
}

function Labelled({ label, mono, children }: { label: string; mono?: boolean; children: ReactNode }) {
  return (
    <Text size="xs" style={{ whiteSpace: 'nowrap' }}>
      <Text span size="xs" c="dimmed">
        {label}{' '}
      </Text>
      <Text span size="xs" ff={mono ? 'monospace' : undefined}>
        {children}
      </Text>
    </Text>
  );
}
