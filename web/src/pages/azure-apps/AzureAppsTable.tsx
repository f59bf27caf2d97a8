import { ActionIcon, Anchor, Menu, Table, Text, VisuallyHidden } from '@mantine/core';
import { IconDots, IconExternalLink, IconPencil, IconPlugConnected, IconTrash } from '@tabler/icons-react';
import { Link } from 'react-router';
import type { AzureApp } from '../../api/azureApps';
import { formatDateTime } from '../../lib/format';
import { AzureAppStatusBadge } from './AzureAppStatusBadge';
import { SecretExpiry } from './SecretExpiry';

const mono = { ff: 'monospace', fz: 'xs' } as const;

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
    <Table.ScrollContainer minWidth={1240}>
      <Table highlightOnHover verticalSpacing="sm" aria-label="Azure applications">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Name</Table.Th>
            <Table.Th>Client</Table.Th>
            <Table.Th>Tenant</Table.Th>
            <Table.Th>Client ID</Table.Th>
            <Table.Th>Status</Table.Th>
            <Table.Th>Authorized by</Table.Th>
            <Table.Th>Microsoft account</Table.Th>
            <Table.Th>Authorized</Table.Th>
            <Table.Th>Last used</Table.Th>
            <Table.Th>Secret expires</Table.Th>
            <Table.Th w={50}>
              <VisuallyHidden>Actions</VisuallyHidden>
            </Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {apps.map((app) => (
            <Table.Tr key={app.id}>
              <Table.Td>
                <Anchor component={Link} to={`/settings/azure-applications/${app.id}`} fw={500}>
                  {app.name}
                </Anchor>
              </Table.Td>
              <Table.Td>{clientName(app.clientId)}</Table.Td>
              <Table.Td {...(app.tenantDomain ? { fz: 'sm' } : mono)}>{app.tenantDomain ?? app.tenantId}</Table.Td>
              <Table.Td {...mono}>{app.azureClientId}</Table.Td>
              <Table.Td>
                <AzureAppStatusBadge status={app.status} />
              </Table.Td>
              <Table.Td>{app.authorizedBy ?? <Dim />}</Table.Td>
              <Table.Td>{app.microsoftAccount?.upn ?? <Dim />}</Table.Td>
              <Table.Td style={{ whiteSpace: 'nowrap' }}>{formatDateTime(app.authorizedAt)}</Table.Td>
              <Table.Td style={{ whiteSpace: 'nowrap' }}>{formatDateTime(app.lastUsedAt)}</Table.Td>
              <Table.Td style={{ whiteSpace: 'nowrap' }}>
                <SecretExpiry date={app.secretExpiresAt} />
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

function Dim() {
  return (
    <Text span size="sm" c="dimmed">
      —
    </Text>
  );
}
