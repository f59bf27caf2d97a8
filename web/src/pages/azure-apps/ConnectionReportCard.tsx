import { Badge, Group, List, Paper, SimpleGrid, Stack, Text, ThemeIcon, Title } from '@mantine/core';
import { IconCheck, IconX } from '@tabler/icons-react';
import type { ConnectionReport } from '../../api/azureApps';
import { Field } from './Field';

/** The outcome of Test connection: who Microsoft says we are, and per capability what is missing. */
export function ConnectionReportCard({ report }: { report: ConnectionReport }) {
  const account = report.account;
  return (
    <Paper withBorder radius="md" p="md" component="section" aria-labelledby="connection-test-heading">
      <Stack gap="md">
        <Group gap="sm">
          <ThemeIcon color={report.ok ? 'teal' : 'red'} variant="light" radius="xl">
            {report.ok ? <IconCheck size={18} aria-hidden /> : <IconX size={18} aria-hidden />}
          </ThemeIcon>
          <Title order={2} fz="md" id="connection-test-heading">
            {report.ok ? 'Connection works' : 'Connection test failed'}
          </Title>
        </Group>
        {report.error && (
          <Text size="sm" c="red">
            {report.error.message} ({report.error.code})
          </Text>
        )}
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          <Field label="Account">
            {account
              ? `${account.displayName ?? ''} (${account.userPrincipalName ?? account.mail ?? account.id})`
              : '—'}
          </Field>
          <Field label="Tenant">
            <Text ff="monospace" size="sm">
              {report.tenantId}
            </Text>
          </Field>
        </SimpleGrid>
        <Field label="Granted permissions">
          <Group gap={4}>
            {report.grantedScopes.map((scope) => (
              <Badge key={scope} variant="outline" color="gray" tt="none" size="sm">
                {scope}
              </Badge>
            ))}
          </Group>
        </Field>
        <div>
          <Text size="xs" c="dimmed" tt="uppercase" fw={600} mb={4}>
            Capabilities
          </Text>
          <List spacing={6} size="sm" center aria-label="Capabilities">
            {report.capabilities.map((c) => (
              <List.Item
                key={c.key}
                icon={
                  <ThemeIcon color={c.ok ? 'teal' : 'red'} size={20} radius="xl" variant="light">
                    {c.ok ? <IconCheck size={14} aria-hidden /> : <IconX size={14} aria-hidden />}
                  </ThemeIcon>
                }
              >
                {c.label}:{' '}
                {c.ok ? (
                  <Text span size="sm" c="teal.8">
                    OK
                  </Text>
                ) : (
                  <Text span size="sm" c="red.8">
                    missing {c.missing.join(', ')}
                  </Text>
                )}
              </List.Item>
            ))}
          </List>
        </div>
      </Stack>
    </Paper>
  );
}
