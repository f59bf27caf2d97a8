import { ActionIcon, Anchor, Badge, Menu, Stack, Table, Text, VisuallyHidden } from '@mantine/core';
import { IconDots, IconExternalLink, IconPencil, IconTrash } from '@tabler/icons-react';
import { Link } from 'react-router';
import type { AzureApp } from '../../api/azureApps';
import type { SendingProfile } from '../../api/sendingProfiles';
import { PausedBadge } from './PausedBadge';
import { formatNumber, kindLabels, paceText, senderText } from './profileKinds';

export const profilePath = (clientId: string, profileId: string) =>
  `/settings/sending-profiles/${profileId}?client=${encodeURIComponent(clientId)}`;

export function SendingProfilesTable({
  clientId,
  profiles,
  apps,
  readOnly,
  onEdit,
  onDelete,
}: {
  clientId: string;
  profiles: SendingProfile[];
  apps: AzureApp[];
  readOnly: boolean;
  onEdit: (p: SendingProfile) => void;
  onDelete: (p: SendingProfile) => void;
}) {
  const appOf = (p: SendingProfile) => apps.find((a) => a.id === p.azureAppId);
  return (
    <Table.ScrollContainer minWidth={820}>
      <Table highlightOnHover verticalSpacing="sm" aria-label="Sending profiles">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Profile</Table.Th>
            <Table.Th>Sends from</Table.Th>
            <Table.Th>Limits and pace</Table.Th>
            <Table.Th>Status</Table.Th>
            <Table.Th w={50}>
              <VisuallyHidden>Actions</VisuallyHidden>
            </Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {profiles.map((p) => {
            const app = appOf(p);
            return (
              <Table.Tr key={p.id}>
                <Table.Td>
                  <Stack gap={4} align="flex-start">
                    <Anchor component={Link} to={profilePath(clientId, p.id)} fw={500}>
                      {p.name}
                    </Anchor>
                    <Badge variant="outline" color="gray" size="sm">
                      {kindLabels[p.kind]}
                    </Badge>
                  </Stack>
                </Table.Td>
                <Table.Td>
                  <Text size="sm">{senderText(p, app?.microsoftAccount?.upn ?? null)}</Text>
                  <Text size="xs" c="dimmed">
                    {p.kind === 'smtp'
                      ? `via ${p.smtp?.host}:${p.smtp?.port}`
                      : app
                        ? `via ${app.name}`
                        : 'No Azure application'}
                    {p.fromName ? ` · as “${p.fromName}”` : ''}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <Text size="sm">{paceText(p)}</Text>
                  <Text size="xs" c="dimmed">
                    {formatNumber(p.limits.perDay)} a day · {p.limits.concurrency} at once
                  </Text>
                </Table.Td>
                <Table.Td>
                  <PausedBadge paused={p.paused} />
                </Table.Td>
                <Table.Td>
                  <Menu position="bottom-end" shadow="md">
                    <Menu.Target>
                      <ActionIcon variant="subtle" color="gray" aria-label={`Actions for ${p.name}`}>
                        <IconDots size={18} aria-hidden />
                      </ActionIcon>
                    </Menu.Target>
                    <Menu.Dropdown>
                      <Menu.Item
                        component={Link}
                        to={profilePath(clientId, p.id)}
                        leftSection={<IconExternalLink size={16} aria-hidden />}
                      >
                        Open
                      </Menu.Item>
                      <Menu.Item
                        leftSection={<IconPencil size={16} aria-hidden />}
                        onClick={() => onEdit(p)}
                        disabled={readOnly}
                      >
                        Edit
                      </Menu.Item>
                      <Menu.Item
                        color="red"
                        leftSection={<IconTrash size={16} aria-hidden />}
                        onClick={() => onDelete(p)}
                        disabled={readOnly}
                      >
                        Delete
                      </Menu.Item>
                    </Menu.Dropdown>
                  </Menu>
                </Table.Td>
              </Table.Tr>
            );
          })}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
