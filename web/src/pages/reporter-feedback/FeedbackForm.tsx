import { Alert, Button, Group, Paper, Select, Stack, Switch, Tabs, Text, Textarea, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { IconEye, IconRestore } from '@tabler/icons-react';
import { useEffect, useState } from 'react';
import { ApiError } from '../../api/errors';
import {
  type FeedbackInput,
  type FeedbackPreview,
  type FeedbackSettings,
  type FeedbackTemplates,
  VERDICTS,
  type Verdict,
} from '../../api/incidentFeedback';
import type { SendingProfile } from '../../api/sendingProfiles';
import { usePreviewFeedback, useSaveIncidentFeedback } from '../../hooks/useIncidentFeedback';
import { showServerError } from '../../lib/formErrors';
import { notifyFailure, notifySuccess } from '../../lib/notify';

interface Values {
  enabled: boolean;
  profileId: string;
  templates: FeedbackTemplates;
}

const valuesOf = (s: FeedbackSettings): Values => ({
  enabled: s.enabled,
  profileId: s.profileId ?? '',
  templates: s.templates,
});

const VERDICT_LABELS: Record<Verdict, string> = {
  phishing: 'Phishing',
  spam: 'Spam',
  clean: 'Safe',
  simulation: 'Simulation',
};

/** The variables a template can use (modules/incident-feedback/README.md). */
const VARIABLES =
  '{{ reporter.name }}, {{ reporter.address }}, {{ report.subject }}, {{ report.from }}, {{ report.fromName }}, {{ report.reportedAt }}, {{ verdict }}';

/** Whether replies are sent, through which profile, and each verdict's message with its preview. */
export function FeedbackForm({
  settings,
  profiles,
  readOnly,
}: {
  settings: FeedbackSettings;
  profiles: SendingProfile[];
  readOnly: boolean;
}) {
  const save = useSaveIncidentFeedback(settings.clientId);
  const preview = usePreviewFeedback(settings.clientId);
  const [tab, setTab] = useState<Verdict>('phishing');
  const [shown, setShown] = useState<(FeedbackPreview & { verdict: Verdict }) | null>(null);
  const form = useForm<Values>({
    mode: 'controlled',
    initialValues: valuesOf(settings),
    // Mirrors the server's checks; it stays the authority and names any field it refuses.
    validate: (v) => {
      const errors: Record<string, string> = {};
      if (v.enabled && !v.profileId) errors.profileId = 'Choose the sending profile replies go out through';
      for (const verdict of VERDICTS) {
        if (!v.templates[verdict].subject.trim()) errors[`templates.${verdict}.subject`] = 'Enter a subject';
        if (!v.templates[verdict].body.trim()) errors[`templates.${verdict}.body`] = 'Enter the message';
      }
      return errors;
    },
  });

  // biome-ignore lint/correctness/useExhaustiveDependencies: reset when the saved settings change
  useEffect(() => {
    form.setValues(valuesOf(settings));
    form.resetDirty();
  }, [settings.updatedAt]);

  const submit = form.onSubmit((values) => {
    const body: FeedbackInput = {
      enabled: values.enabled,
      profileId: values.profileId || null,
      templates: values.templates,
    };
    save.mutate(body, {
      onSuccess: () => notifySuccess('Reporter feedback saved.'),
      onError: (error) => {
        // A refused template is named templates.<verdict>.<part>: show its tab.
        const verdict = error instanceof ApiError ? /^templates\.(\w+)/.exec(error.field ?? '')?.[1] : undefined;
        if (verdict && (VERDICTS as string[]).includes(verdict)) setTab(verdict as Verdict);
        showServerError(form, error, 'Could not save the reporter feedback');
      },
    });
  });

  const showPreview = (verdict: Verdict) =>
    preview.mutate(
      { verdict, template: form.values.templates[verdict] },
      {
        onSuccess: (p) => setShown({ ...p, verdict }),
        onError: (error) => {
          setShown(null);
          notifyFailure('Could not preview the message', error);
        },
      },
    );

  return (
    <form onSubmit={submit} noValidate>
      <Stack gap="md">
        <Switch
          label="Reply to reporters when an analyst asks for it on classification"
          disabled={readOnly}
          {...form.getInputProps('enabled', { type: 'checkbox' })}
        />
        <Select
          label="Sending profile"
          description="The client’s profile the replies go out through (its sender, pace and queue)."
          placeholder={profiles.length ? 'Choose a profile' : 'This client has no sending profile yet'}
          data={profiles.map((p) => ({ value: p.id, label: p.name }))}
          disabled={readOnly || profiles.length === 0}
          clearable
          {...form.getInputProps('profileId')}
          value={form.values.profileId || null}
          onChange={(v) => form.setFieldValue('profileId', v ?? '')}
        />
        <Text size="sm" c="dimmed">
          One message per verdict, in plain text with Liquid variables: {VARIABLES}.
        </Text>
        <Tabs value={tab} onChange={(v) => setTab((v as Verdict) ?? 'phishing')}>
          <Tabs.List>
            {VERDICTS.map((v) => (
              <Tabs.Tab key={v} value={v}>
                {VERDICT_LABELS[v]}
              </Tabs.Tab>
            ))}
          </Tabs.List>
          {VERDICTS.map((v) => (
            <Tabs.Panel key={v} value={v} pt="sm">
              <Stack gap="sm">
                <TextInput
                  label="Subject"
                  maxLength={500}
                  disabled={readOnly}
                  {...form.getInputProps(`templates.${v}.subject`)}
                />
                <Textarea
                  label="Message"
                  autosize
                  minRows={8}
                  maxRows={20}
                  disabled={readOnly}
                  styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)' } }}
                  {...form.getInputProps(`templates.${v}.body`)}
                />
                <Group gap="xs">
                  <Button
                    variant="default"
                    size="xs"
                    leftSection={<IconEye size={14} aria-hidden />}
                    loading={preview.isPending}
                    onClick={() => showPreview(v)}
                  >
                    Preview
                  </Button>
                  <Button
                    variant="subtle"
                    size="xs"
                    leftSection={<IconRestore size={14} aria-hidden />}
                    disabled={readOnly}
                    onClick={() => form.setFieldValue(`templates.${v}`, settings.defaults[v])}
                  >
                    Use the built-in message
                  </Button>
                </Group>
                {shown?.verdict === v && (
                  <Paper withBorder p="sm" radius="sm" aria-label={`Preview of the ${VERDICT_LABELS[v]} reply`}>
                    <Text size="xs" c="dimmed">
                      With sample values
                    </Text>
                    <Text fw={600} size="sm">
                      {shown.subject}
                    </Text>
                    <Text size="sm" style={{ whiteSpace: 'pre-wrap' }}>
                      {shown.text}
                    </Text>
                  </Paper>
                )}
              </Stack>
            </Tabs.Panel>
          ))}
        </Tabs>
        {form.values.enabled && profiles.length === 0 && (
          <Alert color="yellow">Add a sending profile for this client first: replies go out through one.</Alert>
        )}
        <Group justify="flex-end">
          <Button type="submit" loading={save.isPending} disabled={readOnly}>
            Save
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
