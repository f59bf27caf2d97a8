import { Alert, Group, Stack, Table, Text } from '@mantine/core';
import type { ImportResult } from '../../api/recipients';

const plural = (n: number, one: string, many = `${one}s`) => `${n.toLocaleString()} ${n === 1 ? one : many}`;

/** What an import did, or (dry run) would do, with the rows it skips and why. */
export function ImportReport({ result }: { result: ImportResult }) {
  const verb = result.dryRun ? 'will be' : 'were';
  return (
    <Stack gap="sm">
      <Group gap="lg" aria-label="Import summary">
        <Text size="sm">
          <b>{plural(result.created, 'recipient')}</b> {verb} added
        </Text>
        <Text size="sm">
          <b>{result.updated.toLocaleString()}</b> {verb} updated
        </Text>
        {result.unchanged > 0 && (
          <Text size="sm" c="dimmed">
            {result.unchanged.toLocaleString()} unchanged
          </Text>
        )}
        <Text size="sm" c={result.skipped ? 'red.8' : 'dimmed'}>
          {plural(result.skipped, 'row')} {result.dryRun ? 'will be skipped' : 'skipped'}
        </Text>
      </Group>
      {result.ignoredColumns.length > 0 && (
        <Text size="sm" c="dimmed">
          Columns not imported: {result.ignoredColumns.join(', ')}
        </Text>
      )}
      {result.errors.length > 0 && (
        <Alert color="orange" title="Rows with errors" p="sm">
          <Table.ScrollContainer minWidth={400} mah={260}>
            <Table verticalSpacing={4} aria-label="Rows with errors" stickyHeader>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th w={70}>Row</Table.Th>
                  <Table.Th w={130}>Column</Table.Th>
                  <Table.Th>Problem</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {result.errors.map((e) => (
                  <Table.Tr key={`${e.row}-${e.field}`}>
                    <Table.Td>{e.row}</Table.Td>
                    <Table.Td>{e.field}</Table.Td>
                    <Table.Td>{e.message}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        </Alert>
      )}
    </Stack>
  );
}
