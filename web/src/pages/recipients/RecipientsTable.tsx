import { ActionIcon, Badge, Group, Menu, Table, Text, VisuallyHidden } from '@mantine/core';
import { IconDots, IconPencil, IconTrash } from '@tabler/icons-react';
import type { Recipient } from '../../api/recipients';
import { SourceBadge } from './SourceBadge';

export function RecipientsTable({
  recipients,
  onEdit,
  onDelete,
}: {
  recipients: Recipient[];
  onEdit: (r: Recipient) => void;
  onDelete: (r: Recipient) => void;
}) {
  return (
    <Table.ScrollContainer minWidth={900}>
      <Table highlightOnHover verticalSpacing="xs" aria-label="Recipients">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Name</Table.Th>
            <Table.Th>Email</Table.Th>
            <Table.Th>Department</Table.Th>
            <Table.Th>Job title</Table.Th>
            <Table.Th>Groups</Table.Th>
            <Table.Th>Source</Table.Th>
            <Table.Th>Status</Table.Th>
            <Table.Th w={50}>
              <VisuallyHidden>Actions</VisuallyHidden>
            </Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {recipients.map((r) => (
            <Table.Tr key={r.id}>
              <Table.Td fw={500}>{r.displayName ?? '—'}</Table.Td>
              <Table.Td>{r.email}</Table.Td>
              <Table.Td>{r.department ?? <Dash />}</Table.Td>
              <Table.Td>{r.jobTitle ?? <Dash />}</Table.Td>
              <Table.Td>
                <Group gap={4}>
                  {r.groups.length === 0 && <Dash />}
                  {r.groups.map((g) => (
                    <Badge key={g.id} variant="outline" color="gray" size="sm" tt="none">
                      {g.name}
                    </Badge>
                  ))}
                </Group>
              </Table.Td>
              <Table.Td>
                <SourceBadge source={r.source} />
              </Table.Td>
              <Table.Td>
                <Text size="sm" c={r.enabled ? undefined : 'dimmed'}>
                  {r.enabled ? 'Enabled' : 'Disabled'}
                </Text>
              </Table.Td>
              <Table.Td>
                <Menu position="bottom-end" withinPortal>
                  <Menu.Target>
                    <ActionIcon variant="subtle" color="gray" aria-label={`Actions for ${r.email}`}>
                      <IconDots size={18} aria-hidden />
                    </ActionIcon>
                  </Menu.Target>
                  <Menu.Dropdown>
                    <Menu.Item leftSection={<IconPencil size={16} aria-hidden />} onClick={() => onEdit(r)}>
                      Edit
                    </Menu.Item>
                    <Menu.Item
                      color="red"
                      leftSection={<IconTrash size={16} aria-hidden />}
                      onClick={() => onDelete(r)}
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

const Dash = () => (
  <Text span c="dimmed" size="sm">
    —
  </Text>
);
