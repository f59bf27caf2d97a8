import { Badge, Button, Code, Table } from '@mantine/core';
import type { ApiToken } from '../api/types';
import { formatDate, formatDateTime } from '../lib/format';

function isExpired(token: ApiToken): boolean {
  return token.expiresAt !== null && new Date(token.expiresAt).getTime() <= Date.now();
}

/** A list of API tokens with a Revoke action each: your own (API tokens page) or an operator's. */
export function ApiTokensTable({
  tokens,
  label,
  minWidth,
  onRevoke,
}: {
  tokens: ApiToken[];
  label: string;
  minWidth: number;
  onRevoke: (token: ApiToken) => void;
}) {
  return (
    <Table.ScrollContainer minWidth={minWidth}>
      <Table verticalSpacing="sm" aria-label={label}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Name</Table.Th>
            <Table.Th>Starts with</Table.Th>
            <Table.Th>Created</Table.Th>
            <Table.Th>Last used</Table.Th>
            <Table.Th>Expires</Table.Th>
            <Table.Th />
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {tokens.map((token) => (
            <Table.Tr key={token.id}>
              <Table.Td fw={500}>{token.name}</Table.Td>
              <Table.Td>
                <Code>{token.prefix}…</Code>
              </Table.Td>
              <Table.Td>{formatDate(token.createdAt)}</Table.Td>
              <Table.Td>{formatDateTime(token.lastUsedAt, 'Never')}</Table.Td>
              <Table.Td>
                {isExpired(token) ? (
                  <Badge color="gray" variant="light">
                    Expired
                  </Badge>
                ) : (
                  formatDate(token.expiresAt, 'Never')
                )}
              </Table.Td>
              <Table.Td ta="right">
                <Button
                  size="xs"
                  variant="subtle"
                  color="red"
                  aria-label={`Revoke ${token.name}`}
                  onClick={() => onRevoke(token)}
                >
                  Revoke
                </Button>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
