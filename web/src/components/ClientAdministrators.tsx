import { Badge, Button, Group, Paper, Select, Stack, Table, Text, Title } from '@mantine/core';
import { IconUserPlus } from '@tabler/icons-react';
import { useState } from 'react';
import type { Client } from '../api/types';
import { useClientAdministrators, useSetClientAdministrator } from '../hooks/useClients';
import { useOperators } from '../hooks/useOperators';
import { useIsSystemAdmin } from '../hooks/useSession';
import { formatDateTime } from '../lib/format';
import { notifyFailure, notifySuccess } from '../lib/notify';
import { ExplainedButton } from './ExplainedButton';
import { PageLoader, QueryError } from './QueryState';

/** Who administers a client; system administrators assign and unassign client administrators here. */
export function ClientAdministrators({ client }: { client: Client }) {
  const isSystemAdmin = useIsSystemAdmin();
  const administrators = useClientAdministrators(client.id);
  const operators = useOperators({ enabled: isSystemAdmin });
  const assignment = useSetClientAdministrator();
  const [candidate, setCandidate] = useState<string | null>(null);

  const assignedIds = new Set((administrators.data ?? []).map((operator) => operator.id));
  const candidates = (operators.data ?? []).filter(
    (operator) => operator.role === 'client_admin' && !operator.disabled && !assignedIds.has(operator.id),
  );

  const setAssigned = (operatorId: string, name: string, assigned: boolean) =>
    assignment.mutate(
      { clientId: client.id, operatorId, assigned },
      {
        onSuccess: () => {
          notifySuccess(
            assigned ? `${name} now administers ${client.name}.` : `${name} no longer administers ${client.name}.`,
          );
          if (assigned) setCandidate(null);
        },
        onError: (error) => notifyFailure(assigned ? 'Could not assign' : 'Could not unassign', error),
      },
    );

  return (
    <Paper withBorder radius="md" p="md">
      <Stack gap="md">
        <Title order={2} fz="h4">
          Administrators
        </Title>
        {isSystemAdmin && (
          <Group align="flex-end" gap="sm">
            <Select
              label="Client administrator to assign"
              placeholder={candidates.length ? 'Choose an operator' : 'No unassigned client administrators'}
              data={candidates.map((operator) => ({
                value: operator.id,
                label: `${operator.name} (${operator.email})`,
              }))}
              value={candidate}
              onChange={setCandidate}
              searchable
              disabled={candidates.length === 0}
              w={{ base: '100%', sm: 360 }}
            />
            <ExplainedButton
              leftSection={<IconUserPlus size={16} aria-hidden />}
              disabledReason={
                !candidate &&
                (candidates.length === 0
                  ? 'Every client administrator is assigned already; create another under Operators.'
                  : 'Choose a client administrator first.')
              }
              loading={assignment.isPending && assignment.variables?.assigned === true}
              onClick={() => {
                const operator = candidates.find((c) => c.id === candidate);
                if (operator) setAssigned(operator.id, operator.name, true);
              }}
            >
              Assign
            </ExplainedButton>
          </Group>
        )}
        {administrators.isPending && <PageLoader />}
        {administrators.isError && <QueryError error={administrators.error} onRetry={() => administrators.refetch()} />}
        {administrators.data?.length === 0 && <Text c="dimmed">No client administrators are assigned yet.</Text>}
        {administrators.data && administrators.data.length > 0 && (
          <Table.ScrollContainer minWidth={520}>
            <Table verticalSpacing="sm" aria-label="Administrators">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Name</Table.Th>
                  <Table.Th>Email</Table.Th>
                  <Table.Th>Last sign-in</Table.Th>
                  {isSystemAdmin && <Table.Th />}
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {administrators.data.map((operator) => (
                  <Table.Tr key={operator.id}>
                    <Table.Td>
                      {operator.name}{' '}
                      {operator.disabled && (
                        <Badge color="gray" variant="light" size="sm">
                          Disabled
                        </Badge>
                      )}
                    </Table.Td>
                    <Table.Td>{operator.email}</Table.Td>
                    <Table.Td>{formatDateTime(operator.lastLoginAt, 'Never')}</Table.Td>
                    {isSystemAdmin && (
                      <Table.Td ta="right">
                        <Button
                          size="xs"
                          variant="subtle"
                          color="red"
                          aria-label={`Unassign ${operator.name}`}
                          onClick={() => setAssigned(operator.id, operator.name, false)}
                        >
                          Unassign
                        </Button>
                      </Table.Td>
                    )}
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </Stack>
    </Paper>
  );
}
