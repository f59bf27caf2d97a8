import {
  ActionIcon,
  Button,
  Checkbox,
  Group,
  SegmentedControl,
  Select,
  Stack,
  Switch,
  Text,
  TextInput,
} from '@mantine/core';
import { useForm } from '@mantine/form';
import { IconPlus, IconTrash } from '@tabler/icons-react';
import { useEffect } from 'react';
import type { AzureApp } from '../../api/azureApps';
import { ApiError } from '../../api/errors';
import type { ReportAddinInput, ReportAddinSettings, ReportMoveTarget } from '../../api/reportAddin';
import { useSaveReportAddin } from '../../hooks/useReportAddin';
import { describeError } from '../../lib/describeError';
import { showServerError } from '../../lib/formErrors';
import { notifySuccess } from '../../lib/notify';

interface Values {
  azureAppId: string;
  buttonLabel: string;
  reportingOptions: string[];
  freeTextBox: boolean;
  moveTo: ReportMoveTarget;
  securityMailbox: string;
  countUnverified: boolean;
}

const valuesOf = (s: ReportAddinSettings): Values => ({
  azureAppId: s.azureAppId ?? '',
  buttonLabel: s.buttonLabel,
  reportingOptions: s.reportingOptions,
  freeTextBox: s.freeTextBox,
  moveTo: s.moveTo,
  securityMailbox: s.securityMailbox ?? '',
  countUnverified: s.countUnverified,
});

/** The add-in's settings; the server checks them again and names any field it refuses. */
export function ReportAddinForm({
  settings,
  apps,
  readOnly,
}: {
  settings: ReportAddinSettings;
  apps: AzureApp[];
  readOnly: boolean;
}) {
  const save = useSaveReportAddin(settings.clientId);
  const { limits } = settings;
  const form = useForm<Values>({
    mode: 'controlled',
    initialValues: valuesOf(settings),
    // Mirrors the server's checks; it stays the authority and names any field it refuses.
    validate: (v) => {
      const errors: Record<string, string> = {};
      if (!v.azureAppId) errors.azureAppId = 'Choose the Azure application the add-in signs reporters in with';
      if (!v.buttonLabel.trim()) errors.buttonLabel = 'Enter the button label';
      const seen = new Set<string>();
      v.reportingOptions.forEach((o, n) => {
        const key = o.trim().toLowerCase();
        if (!key) errors[`reportingOptions.${n}`] = 'Enter the reason or remove it';
        else if (seen.has(key)) errors[`reportingOptions.${n}`] = 'This reason is already listed';
        seen.add(key);
      });
      if (v.securityMailbox.trim() && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(v.securityMailbox.trim()))
        errors.securityMailbox = 'Enter an email address';
      return errors;
    },
  });

  // biome-ignore lint/correctness/useExhaustiveDependencies: reset when the saved settings change
  useEffect(() => {
    form.setValues(valuesOf(settings));
    form.resetDirty();
  }, [settings.updatedAt, settings.azureAppId]);

  const submit = form.onSubmit((values) => {
    const body: ReportAddinInput = {
      azureAppId: values.azureAppId,
      buttonLabel: values.buttonLabel,
      reportingOptions: values.reportingOptions,
      freeTextBox: values.freeTextBox,
      moveTo: values.moveTo,
      securityMailbox: values.securityMailbox.trim() || null,
      countUnverified: values.countUnverified,
    };
    save.mutate(body, {
      onSuccess: (saved) => notifySuccess(`Report add-in settings saved (manifest version ${saved.manifestVersion}).`),
      onError: (error) => {
        // A refused reason is named by position (reportingOptions.2): put the message beside it.
        if (error instanceof ApiError && error.field?.startsWith('reportingOptions.'))
          form.setFieldError(error.field, describeError(error));
        else showServerError(form, error, 'Could not save the report add-in settings');
      },
    });
  });

  const options = form.values.reportingOptions;
  const optionError = (n: number) => form.errors[`reportingOptions.${n}`];

  return (
    <form onSubmit={submit} noValidate>
      <Stack gap="sm">
        <Select
          label="Azure application"
          description="The client’s application the add-in signs reporters in with (nested app authentication)."
          placeholder={apps.length ? 'Choose an application' : 'This client has no Azure application yet'}
          data={apps.map((a) => ({ value: a.id, label: a.name }))}
          disabled={readOnly || apps.length === 0}
          {...form.getInputProps('azureAppId')}
          value={form.values.azureAppId || null}
          onChange={(v) => form.setFieldValue('azureAppId', v ?? '')}
        />
        <TextInput
          label="Button label"
          description={`Shown on the button in Outlook (at most ${limits.buttonLabel} characters).`}
          maxLength={limits.buttonLabel}
          disabled={readOnly}
          {...form.getInputProps('buttonLabel')}
        />
        <Stack gap={6}>
          <Text size="sm" fw={500}>
            Reasons in the pre-report dialog
          </Text>
          <Text size="xs" c="dimmed">
            Up to {limits.options} reasons people can tick before reporting (integrated manifest; at most{' '}
            {limits.option} characters each). None: the dialog asks for no reason.
          </Text>
          {options.map((_, n) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: the options are edited in place by position
            <Group key={n} gap="xs" wrap="nowrap" align="flex-start">
              <TextInput
                aria-label={`Reason ${n + 1}`}
                placeholder={`Reason ${n + 1}`}
                maxLength={limits.option}
                disabled={readOnly}
                style={{ flex: 1 }}
                {...form.getInputProps(`reportingOptions.${n}`)}
                error={optionError(n)}
              />
              <ActionIcon
                variant="subtle"
                color="red"
                size="lg"
                aria-label={`Remove reason ${n + 1}`}
                disabled={readOnly}
                onClick={() => form.removeListItem('reportingOptions', n)}
              >
                <IconTrash size={16} aria-hidden />
              </ActionIcon>
            </Group>
          ))}
          {form.errors.reportingOptions && (
            <Text size="xs" c="red">
              {form.errors.reportingOptions}
            </Text>
          )}
          <Group>
            <Button
              variant="default"
              size="xs"
              leftSection={<IconPlus size={14} aria-hidden />}
              disabled={readOnly || options.length >= limits.options}
              onClick={() => form.insertListItem('reportingOptions', '')}
            >
              Add a reason
            </Button>
          </Group>
        </Stack>
        <Checkbox
          label="Offer a free-text box in the pre-report dialog"
          disabled={readOnly}
          {...form.getInputProps('freeTextBox', { type: 'checkbox' })}
        />
        <Stack gap={4}>
          <Text size="sm" fw={500}>
            After a report, move the message to
          </Text>
          <SegmentedControl
            aria-label="After a report, move the message to"
            disabled={readOnly}
            data={[
              { value: 'deleted_items', label: 'Deleted Items' },
              { value: 'junk', label: 'Junk Email' },
            ]}
            {...form.getInputProps('moveTo')}
          />
        </Stack>
        <TextInput
          label="Security mailbox (optional)"
          description="Once reporting is active, reports are also forwarded here, in the format Microsoft Defender’s user-reported settings expect."
          placeholder="soc@contoso.com"
          disabled={readOnly}
          {...form.getInputProps('securityMailbox')}
        />
        <Switch
          label="Count unverified reports"
          description="Reports from Outlook versions that cannot sign the reporter in (older builds, Outlook.com) are stored as unverified; choose whether they count."
          disabled={readOnly}
          {...form.getInputProps('countUnverified', { type: 'checkbox' })}
        />
        <Group>
          <Button type="submit" loading={save.isPending} disabled={readOnly}>
            Save settings
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
