import { Box, Button, Menu, Text, VisuallyHidden } from '@mantine/core';
import { IconChevronDown, IconKey, IconLock, IconLogout, IconUserCircle } from '@tabler/icons-react';
import { Link } from 'react-router';
import { useOperator, useSignOut } from '../hooks/useSession';
import { roleLabels } from '../lib/format';

export function OperatorMenu() {
  const operator = useOperator();
  const signOut = useSignOut();
  return (
    <Menu position="bottom-end" width={240} shadow="md">
      <Menu.Target>
        <Button
          variant="subtle"
          color="gray"
          leftSection={<IconUserCircle size={20} aria-hidden />}
          rightSection={<IconChevronDown size={14} aria-hidden />}
        >
          {/* Phones show only the icon; the name stays the button's accessible name either way. */}
          <Box component="span" visibleFrom="sm">
            {operator.name}
          </Box>
          <VisuallyHidden hiddenFrom="sm">{operator.name}</VisuallyHidden>
        </Button>
      </Menu.Target>
      <Menu.Dropdown>
        <Menu.Label>
          <Text size="xs" fw={600} c="dark" truncate>
            {operator.email}
          </Text>
          {roleLabels[operator.role]}
        </Menu.Label>
        <Menu.Divider />
        <Menu.Item component={Link} to="/account/password" leftSection={<IconLock size={16} aria-hidden />}>
          Change password
        </Menu.Item>
        <Menu.Item component={Link} to="/account/api-tokens" leftSection={<IconKey size={16} aria-hidden />}>
          API tokens
        </Menu.Item>
        <Menu.Divider />
        <Menu.Item leftSection={<IconLogout size={16} aria-hidden />} onClick={() => signOut.mutate()}>
          Sign out
        </Menu.Item>
      </Menu.Dropdown>
    </Menu>
  );
}
