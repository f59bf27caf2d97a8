import { ActionIcon, Badge, CopyButton, Stack, Table, Text, TextInput, Title, Tooltip } from '@mantine/core';
import { IconCheck, IconCopy } from '@tabler/icons-react';
import type { AzurePermission, NestedAppAuthInfo } from '../../api/azureApps';

/** The callback address, read-only with a copy button: it must match Entra's entry exactly. */
export function RedirectUriField({
  redirectUri,
  description,
  label = 'Redirect URI',
}: {
  redirectUri: string;
  description?: string;
  label?: string;
}) {
  return (
    <TextInput
      label={label}
      description={description}
      value={redirectUri}
      readOnly
      styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)' } }}
      rightSection={
        <CopyButton value={redirectUri} timeout={2000}>
          {({ copied, copy }) => (
            <Tooltip label={copied ? 'Copied' : 'Copy'} withArrow position="left">
              <ActionIcon
                variant="subtle"
                color={copied ? 'teal' : 'gray'}
                onClick={copy}
                aria-label={copied ? `${label} copied` : `Copy ${label.toLowerCase()}`}
              >
                {copied ? <IconCheck size={16} aria-hidden /> : <IconCopy size={16} aria-hidden />}
              </ActionIcon>
            </Tooltip>
          )}
        </CopyButton>
      }
    />
  );
}

/** The delegated permissions to add under API permissions; SMTP.Send only for SMTP sending. */
export function PermissionsTable({
  permissions,
  smtpSending,
}: {
  permissions: AzurePermission[];
  smtpSending: boolean;
}) {
  const rows = permissions.filter((p) => smtpSending || !p.smtpOnly);
  return (
    <Table.ScrollContainer minWidth={420}>
      <Table verticalSpacing={6} fz="sm" aria-label="API permissions" withTableBorder>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Permission</Table.Th>
            <Table.Th>Type</Table.Th>
            <Table.Th>Used for</Table.Th>
            <Table.Th>Admin consent</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {rows.map((p) => (
            <Table.Tr key={p.scope}>
              <Table.Td ff="monospace" fz="xs" style={{ overflowWrap: 'anywhere' }} miw={150}>
                {p.scope}
              </Table.Td>
              <Table.Td>{p.type}</Table.Td>
              <Table.Td>{p.purpose}</Table.Td>
              <Table.Td>
                {p.adminConsent ? (
                  <Badge color="orange" variant="light" size="sm" tt="none">
                    Yes
                  </Badge>
                ) : (
                  <Text size="sm" c="dimmed">
                    No
                  </Text>
                )}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

/** What the administrator registers in the Entra admin center before Baitwise can connect. */
export function RegistrationHelp({
  redirectUri,
  nestedAppAuth,
  permissions,
  smtpSending,
}: {
  redirectUri: string;
  nestedAppAuth?: NestedAppAuthInfo;
  permissions: AzurePermission[];
  smtpSending: boolean;
}) {
  return (
    <Stack gap="sm">
      <Title order={3} fz="md">
        Register in Microsoft Entra
      </Title>
      <Text size="sm" c="dimmed">
        In the Entra admin center, open App registrations → New registration (single tenant). Under Authentication add a
        Web platform with this redirect URI, under Certificates &amp; secrets create a client secret, and under API
        permissions add these Microsoft Graph delegated permissions.
      </Text>
      <RedirectUriField redirectUri={redirectUri} description="Platform: Web. Enter it exactly as shown." />
      {nestedAppAuth && (
        <RedirectUriField
          label="Single-page application URI for the Outlook report add-in"
          redirectUri={nestedAppAuth.redirectUri}
          description="Only for the client whose Outlook report add-in uses this application: add a Single-page application platform with this URI. The add-in signs reporters in with it."
        />
      )}
      <PermissionsTable permissions={permissions} smtpSending={smtpSending} />
    </Stack>
  );
}
