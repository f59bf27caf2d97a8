import { ActionIcon, Badge, Button, Group, Menu, Paper, Table, Text, VisuallyHidden } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { IconApi, IconDots, IconKey, IconPencil, IconPlus } from '@tabler/icons-react';
import { useState } from 'react';
import type { Operator } from '../api/types';
import { OperatorFormModal } from '../components/OperatorFormModal';
import { OperatorTokensModal } from '../components/OperatorTokensModal';
import { PageHeader } from '../components/PageHeader';
import { PageLoader, QueryError } from '../components/QueryState';
import { ResetPasswordModal } from '../components/ResetPasswordModal';
import { useClients } from '../hooks/useClients';
import { useOperators } from '../hooks/useOperators';
import { formatDateTime, roleLabels } from '../lib/format';

export function OperatorsPage() {
  const operators = useOperators();
  const clients = useClients({ includeArchived: true });
  const [addOpened, add] = useDisclosure(false);
  const [editOpened, edit] = useDisclosure(false);
  const [resetOpened, reset] = useDisclosure(false);
  const [tokensOpened, tokens] = useDisclosure(false);
  // Kept after closing so the modal does not change content during its closing animation.
  const [target, setTarget] = useState<Operator | undefined>();

  const clientName = (id: string) => clients.data?.find((client) => client.id === id)?.name ?? 'Unknown client';
  const open = (operator: Operator, modal: { open: () => void }) => {
    setTarget(operator);
    modal.open();
  };

  return (
    <>
      <PageHeader
        title="Operators"
        description="People who sign in to this console. Client administrators see only the clients assigned to them."
        actions={
          <Button leftSection={<IconPlus size={16} aria-hidden />} onClick={add.open}>
            Add operator
          </Button>
        }
      />
      <Paper withBorder radius="md" p="md">
        {operators.isPending && <PageLoader />}
        {operators.isError && <QueryError error={operators.error} onRetry={() => operators.refetch()} />}
        {operators.data && (
          <Table.ScrollContainer minWidth={860}>
            <Table highlightOnHover verticalSpacing="sm" aria-label="Operators">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Name</Table.Th>
                  <Table.Th>Email</Table.Th>
                  <Table.Th>Role</Table.Th>
                  <Table.Th>Clients</Table.Th>
                  <Table.Th>Status</Table.Th>
                  <Table.Th>Last sign-in</Table.Th>
                  <Table.Th w={60}>
                    <VisuallyHidden>Actions</VisuallyHidden>
                  </Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {operators.data.map((operator) => (
                  <Table.Tr key={operator.id}>
                    <Table.Td fw={500}>{operator.name}</Table.Td>
                    <Table.Td>{operator.email}</Table.Td>
                    <Table.Td>{roleLabels[operator.role]}</Table.Td>
                    <Table.Td>
                      {operator.role === 'system_admin' ? (
                        <Text size="sm" c="dimmed">
                          All clients
                        </Text>
                      ) : operator.clientIds.length === 0 ? (
                        <Text size="sm" c="dimmed">
                          None
                        </Text>
                      ) : (
                        <Group gap={4}>
                          {operator.clientIds.map((id) => (
                            <Badge key={id} variant="outline" color="gray" size="sm" tt="none">
                              {clientName(id)}
                            </Badge>
                          ))}
                        </Group>
                      )}
                    </Table.Td>
                    <Table.Td>
                      {operator.disabled ? (
                        <Badge color="gray" variant="light">
                          Disabled
                        </Badge>
                      ) : (
                        <Badge color="teal" variant="light">
                          Active
                        </Badge>
                      )}
                    </Table.Td>
                    <Table.Td style={{ whiteSpace: 'nowrap' }}>
                      {formatDateTime(operator.lastLoginAt, 'Never')}
                    </Table.Td>
                    <Table.Td>
                      <Menu position="bottom-end" shadow="md">
                        <Menu.Target>
                          <ActionIcon variant="subtle" color="gray" aria-label={`Actions for ${operator.name}`}>
                            <IconDots size={18} aria-hidden />
                          </ActionIcon>
                        </Menu.Target>
                        <Menu.Dropdown>
                          <Menu.Item
                            leftSection={<IconPencil size={16} aria-hidden />}
                            onClick={() => open(operator, edit)}
                          >
                            Edit
                          </Menu.Item>
                          <Menu.Item
                            leftSection={<IconKey size={16} aria-hidden />}
                            onClick={() => open(operator, reset)}
                          >
                            Reset password
                          </Menu.Item>
                          <Menu.Item
                            leftSection={<IconApi size={16} aria-hidden />}
                            onClick={() => open(operator, tokens)}
                          >
                            API tokens
                          </Menu.Item>
                        </Menu.Dropdown>
                      </Menu>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </Paper>
      <OperatorFormModal opened={addOpened} onClose={add.close} />
      <OperatorFormModal opened={editOpened} onClose={edit.close} operator={target} />
      <ResetPasswordModal opened={resetOpened} onClose={reset.close} operator={target} />
      <OperatorTokensModal opened={tokensOpened} onClose={tokens.close} operator={target} />
    </>
  );
}
