import { Button, Group, List, SegmentedControl, Select, Stack, Switch, Text, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useEffect } from 'react';
import type { AzureApp } from '../../api/azureApps';
import type { AccessMode, ReportingMailboxInput, ReportingMailboxSettings } from '../../api/reportingMailbox';
import { useSaveReportingMailbox } from '../../hooks/useReportingMailbox';
import { showServerError } from '../../lib/formErrors';
import { notifySuccess } from '../../lib/notify';

interface Values {
  enabled: boolean;
  azureAppId: string;
  mailbox: string;
  accessMode: AccessMode;
  sourceFolder: string;
  processedFolder: string;
}

const valuesOf = (s: ReportingMailboxSettings): Values => ({
  enabled: s.enabled,
  azureAppId: s.azureAppId ?? '',
  mailbox: s.mailbox ?? '',
  accessMode: s.accessMode,
  sourceFolder: s.sourceFolder,
  processedFolder: s.processedFolder,
});

/** The reporting mailbox's settings, with what each access mode needs; the server names any field it refuses. */
export function ReportingMailboxForm({
  settings,
  apps,
  readOnly,
}: {
  settings: ReportingMailboxSettings;
  apps: AzureApp[];
  readOnly: boolean;
}) {
  const save = useSaveReportingMailbox(settings.clientId);
  const form = useForm<Values>({
    mode: 'controlled',
    initialValues: valuesOf(settings),
    validate: (v) => {
      const errors: Record<string, string> = {};
      if (!v.azureAppId) errors.azureAppId = 'Choose the Azure application that reads the mailbox';
      if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(v.mailbox.trim())) errors.mailbox = 'Enter the mailbox’s address';
      if (!v.sourceFolder.trim()) errors.sourceFolder = 'Enter the folder to read (inbox by default)';
      if (!v.processedFolder.trim()) errors.processedFolder = 'Enter the folder handled reports go to';
      return errors;
    },
  });

  // biome-ignore lint/correctness/useExhaustiveDependencies: reset when the saved settings change
  useEffect(() => {
    form.setValues(valuesOf(settings));
    form.resetDirty();
  }, [settings.updatedAt]);

  const submit = form.onSubmit((v) => {
    const body: ReportingMailboxInput = {
      enabled: v.enabled,
      azureAppId: v.azureAppId,
      mailbox: v.mailbox.trim(),
      accessMode: v.accessMode,
      sourceFolder: v.sourceFolder.trim(),
      processedFolder: v.processedFolder.trim(),
    };
    save.mutate(body, {
      onSuccess: () => notifySuccess('Reporting mailbox settings saved.'),
      onError: (error) => showServerError(form, error, 'Could not save the reporting mailbox settings'),
    });
  });

  const needs = settings.requirements[form.values.accessMode];

  return (
    <form onSubmit={submit} noValidate>
      <Stack gap="sm">
        <Switch
          label="Read the reporting mailbox"
          description={`Every ${settings.intervalMinutes} minutes, and when you click Sync now.`}
          disabled={readOnly}
          {...form.getInputProps('enabled', { type: 'checkbox' })}
        />
        <Select
          label="Azure application"
          description="The client’s application Baitwise reads the mailbox with."
          placeholder={apps.length ? 'Choose an application' : 'This client has no Azure application yet'}
          data={apps.map((a) => ({ value: a.id, label: a.name }))}
          disabled={readOnly || apps.length === 0}
          {...form.getInputProps('azureAppId')}
          value={form.values.azureAppId || null}
          onChange={(v) => form.setFieldValue('azureAppId', v ?? '')}
        />
        <TextInput
          label="Reporting mailbox"
          description="The mailbox Defender’s user reported settings send reports to (its address)."
          placeholder="reports@contoso.com"
          disabled={readOnly}
          {...form.getInputProps('mailbox')}
        />
        <Stack gap={4}>
          <Text size="sm" fw={500} id="access-mode-label">
            Access
          </Text>
          <SegmentedControl
            aria-labelledby="access-mode-label"
            disabled={readOnly}
            data={[
              { value: 'delegated', label: 'Delegated (the authorizing account)' },
              { value: 'application', label: 'Application permission' },
            ]}
            {...form.getInputProps('accessMode')}
          />
        </Stack>
        <Stack gap={4} aria-live="polite">
          <Text size="sm">
            Needs: <strong>{needs.permissions.join(', ')}</strong>
          </Text>
          <List size="sm" spacing={4}>
            {needs.steps.map((s) => (
              <List.Item key={s}>{s}</List.Item>
            ))}
          </List>
        </Stack>
        <Group grow align="flex-start">
          <TextInput
            label="Folder to read"
            description="A well-known name (inbox) or a folder id."
            disabled={readOnly}
            {...form.getInputProps('sourceFolder')}
          />
          <TextInput
            label="Move handled reports to"
            description="Created at the top of the mailbox if missing."
            disabled={readOnly}
            {...form.getInputProps('processedFolder')}
          />
        </Group>
        <Group>
          <Button type="submit" loading={save.isPending} disabled={readOnly}>
            Save settings
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
