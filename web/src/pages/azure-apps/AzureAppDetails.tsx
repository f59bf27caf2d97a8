import { Alert, Badge, Group, Paper, SimpleGrid, Stack, Text } from '@mantine/core';
import type { AzureApp } from '../../api/azureApps';
import { formatDateTime } from '../../lib/format';
import { Field } from './Field';
import { SecretExpiry } from './SecretExpiry';

/** Everything stored about an application except the secret and tokens, which never leave the server. */
export function AzureAppDetails({
  app,
  clientName,
  cloudLabel,
}: {
  app: AzureApp;
  clientName: string;
  cloudLabel: string;
}) {
  const dim = (text: string) => (
    <Text span size="sm" c="dimmed">
      {text}
    </Text>
  );
  return (
    <Paper withBorder radius="md" p="md" component="section" aria-label="Application details">
      <Stack gap="md">
        <SimpleGrid cols={{ base: 1, sm: 2, lg: 3 }} spacing="lg" verticalSpacing="md">
          <Field label="Client">{clientName}</Field>
          <Field label="Tenant ID">
            <Text ff="monospace" size="sm">
              {app.tenantId}
            </Text>
            {app.tenantDomain && dim(app.tenantDomain)}
          </Field>
          <Field label="Client ID">
            <Text ff="monospace" size="sm">
              {app.azureClientId}
            </Text>
          </Field>
          <Field label="Microsoft cloud">{cloudLabel}</Field>
          <Field label="Client secret">
            {app.secretStored ? 'Stored encrypted' : dim('None stored')}
            {app.secretExpiresAt && (
              <Text size="sm">
                Expires <SecretExpiry date={app.secretExpiresAt} />
              </Text>
            )}
          </Field>
          <Field label="SMTP sending">{app.smtpSending ? 'Yes (Office 365 OAuth2)' : 'No'}</Field>
          <Field label="Authorized by">{app.authorizedBy ?? dim('—')}</Field>
          <Field label="Microsoft account">{app.microsoftAccount?.upn ?? dim('—')}</Field>
          <Field label="Authorized">{formatDateTime(app.authorizedAt)}</Field>
          <Field label="Last successful use">{formatDateTime(app.lastUsedAt)}</Field>
          <Field label="Added">{formatDateTime(app.createdAt)}</Field>
        </SimpleGrid>
        {app.sharedTenantReason && (
          <Alert color="yellow" variant="light" title="Another client connects this Entra tenant too">
            <Text size="sm">
              Both clients import, phish and train the same people. Reason given: {app.sharedTenantReason}
            </Text>
          </Alert>
        )}
        {app.grantedScopes.length > 0 && (
          <Field label="Granted permissions">
            <Group gap={4} mt={2}>
              {app.grantedScopes.map((scope) => (
                <Badge key={scope} variant="outline" color="gray" tt="none" size="sm">
                  {scope}
                </Badge>
              ))}
            </Group>
          </Field>
        )}
      </Stack>
    </Paper>
  );
}
