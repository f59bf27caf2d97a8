import { Anchor, Select, Stack, Text, TextInput } from '@mantine/core';
import { Link } from 'react-router';
import type { AzureApp } from '../../api/azureApps';
import { emailInputProps } from '../../lib/validation';
import type { ProfileForm } from './profileForm';

/** Why an application is not offered, or null when it can send for this kind of profile. */
export function unusableBecause(app: AzureApp, kind: 'office365' | 'graph'): string | null {
  if (kind === 'office365' && !app.smtpSending) return 'SMTP sending not enabled';
  if (app.status !== 'connected') return 'not connected';
  return null;
}

/** The Azure application and mailbox an Office 365 or Graph profile sends with. */
export function MicrosoftFields({
  form,
  kind,
  apps,
  appsLoading,
}: {
  form: ProfileForm;
  kind: 'office365' | 'graph';
  apps: AzureApp[];
  appsLoading: boolean;
}) {
  const options = apps.map((app) => {
    const why = unusableBecause(app, kind);
    const account = app.microsoftAccount?.upn;
    return {
      value: app.id,
      label: why ? `${app.name} (${why})` : `${app.name}${account ? ` — ${account}` : ''}`,
      // The one already chosen stays selectable, so an edit does not silently drop it.
      disabled: why !== null && app.id !== form.values.azureAppId,
    };
  });
  const usable = options.filter((o) => !o.disabled).length;
  return (
    <Stack gap="sm">
      <Select
        label="Azure application"
        placeholder={appsLoading ? 'Loading…' : 'Choose a connected application'}
        required
        data={options}
        allowDeselect={false}
        nothingFoundMessage="This client has no Azure application"
        description={
          kind === 'office365'
            ? 'Only applications with SMTP sending enabled can be used: sending through smtp.office365.com needs the SMTP.Send permission, which Baitwise requests only for those. Enable it on the application and authorize it again to use another one.'
            : 'The application’s authorized account sends through Microsoft Graph (Mail.Send).'
        }
        {...form.getInputProps('azureAppId')}
      />
      {!appsLoading && usable === 0 && (
        <Text size="sm" c="orange.9">
          No application of this client can send {kind === 'office365' ? 'over SMTP' : 'with Graph'} yet.{' '}
          <Anchor component={Link} to="/settings/azure-applications" size="sm">
            Open Azure Applications
          </Anchor>{' '}
          to connect one{kind === 'office365' ? ' with SMTP sending enabled' : ''}.
        </Text>
      )}
      <TextInput
        label="Send as mailbox"
        description="Optional: a shared mailbox to send as. The authorized account needs Send As on it. Empty: the authorized account’s own mailbox."
        placeholder="training@contoso.com"
        {...emailInputProps}
        autoComplete="off"
        {...form.getInputProps('mailbox')}
      />
      <TextInput label="From name" placeholder="IT Security Team" {...form.getInputProps('fromName')} />
    </Stack>
  );
}
