import { Button, Divider, Grid, Group, Modal, Radio, Stack, Text, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useEffect } from 'react';
import type { ProfileKind, SendingProfile } from '../../api/sendingProfiles';
import { useAzureApps } from '../../hooks/useAzureApps';
import { useCreateSendingProfile, useUpdateSendingProfile } from '../../hooks/useSendingProfiles';
import { showServerError } from '../../lib/formErrors';
import { notifySuccess } from '../../lib/notify';
import { email, required } from '../../lib/validation';
import { HeadersFields } from './HeadersFields';
import { LimitsFields } from './LimitsFields';
import { MicrosoftFields } from './MicrosoftFields';
import { initialValues, type ProfileFormValues, toInput } from './profileForm';
import { kindDescriptions, kindLabels, maxConcurrency } from './profileKinds';
import { SendingHelp } from './SendingHelp';
import { SmtpFields } from './SmtpFields';

const optionalEmail = (value: string) => (value.trim() ? email(value) : null);

// Server fields that name a whole object: the first input of that object carries the message.
const fieldMap: Record<string, string> = {
  smtp: 'smtp.host',
  dkim: 'dkim.domain',
  limits: 'limits.perMinute',
};

/** Creates a profile of the chosen kind, or edits `profile` (whose kind is fixed). */
export function ProfileFormModal({
  opened,
  onClose,
  clientId,
  profile,
  onSaved,
}: {
  opened: boolean;
  onClose: () => void;
  clientId: string;
  profile?: SendingProfile;
  onSaved?: (profile: SendingProfile) => void;
}) {
  const editing = profile !== undefined;
  const apps = useAzureApps(clientId);
  const create = useCreateSendingProfile();
  const update = useUpdateSendingProfile();
  const form = useForm<ProfileFormValues>({
    mode: 'controlled',
    initialValues: initialValues(profile),
    validate: {
      name: required('Profile name'),
      fromAddress: (value, v) => (v.kind === 'smtp' ? email(value) : null),
      smtp: {
        host: (value, v) => (v.kind === 'smtp' ? required('Host')(value) : null),
        port: (value, v) =>
          v.kind !== 'smtp' || (Number.isInteger(Number(value)) && Number(value) >= 1 && Number(value) <= 65535)
            ? null
            : 'Enter a port between 1 and 65535',
        password: (value, v) =>
          v.kind === 'smtp' && v.smtp.username.trim() && !value && !profile?.smtp?.passwordSet
            ? 'Enter the password for this username'
            : null,
      },
      dkim: {
        domain: (value, v) => (v.kind === 'smtp' && v.dkimEnabled ? required('DKIM domain')(value) : null),
        selector: (value, v) => (v.kind === 'smtp' && v.dkimEnabled ? required('Selector')(value) : null),
        privateKey: (value, v) =>
          v.kind === 'smtp' && v.dkimEnabled && !value.trim() && !profile?.dkim?.privateKeySet
            ? 'Paste the private key (PEM)'
            : null,
      },
      azureAppId: (value, v) => (v.kind !== 'smtp' && !value ? 'Choose the Azure application to send with' : null),
      mailbox: (value, v) => (v.kind !== 'smtp' ? optionalEmail(value) : null),
      limits: {
        concurrency: (value, v) => {
          const max = maxConcurrency[v.kind];
          return max !== undefined && value !== '' && Number(value) > max
            ? `Microsoft allows at most ${max} per mailbox`
            : null;
        },
      },
      customHeaders: { name: (value) => (value.trim() ? null : 'Enter the header name') },
    },
  });

  // biome-ignore lint/correctness/useExhaustiveDependencies: form is stable; only reopening matters
  useEffect(() => {
    if (opened) {
      form.setValues(initialValues(profile));
      form.clearErrors();
    }
  }, [opened, profile]);

  const kind = form.values.kind;
  const submit = form.onSubmit((values) => {
    const body = toInput(values, profile);
    const onError = (error: unknown) =>
      showServerError(form, error, editing ? 'Could not save the profile' : 'Could not add the profile', fieldMap);
    const onSuccess = (saved: SendingProfile) => {
      notifySuccess(editing ? `${saved.name} was saved.` : `${saved.name} was added. Send a test message next.`);
      onClose();
      onSaved?.(saved);
    };
    if (profile) {
      const { kind: _fixed, ...patch } = body;
      update.mutate({ clientId, profileId: profile.id, ...patch }, { onSuccess, onError });
    } else {
      create.mutate({ clientId, ...body }, { onSuccess, onError });
    }
  });

  return (
    <Modal
      opened={opened}
      onClose={onClose}
      title={editing ? `Edit ${profile.name}` : 'Add sending profile'}
      size={1120}
      centered
    >
      <Grid gap="xl">
        <Grid.Col span={{ base: 12, md: 7 }}>
          <form onSubmit={submit} noValidate>
            <Stack gap="sm">
              {editing ? (
                <Text size="sm">
                  <Text span c="dimmed" size="sm">
                    Kind:{' '}
                  </Text>
                  {kindLabels[kind]}
                </Text>
              ) : (
                <Radio.Group
                  label="Kind"
                  required
                  value={kind}
                  onChange={(value) => {
                    form.setFieldValue('kind', value as ProfileKind);
                    form.clearErrors();
                  }}
                >
                  <Stack gap={6} mt={4}>
                    {(Object.keys(kindLabels) as ProfileKind[]).map((k) => (
                      <Radio key={k} value={k} label={kindLabels[k]} description={kindDescriptions[k]} />
                    ))}
                  </Stack>
                </Radio.Group>
              )}
              <TextInput
                label="Profile name"
                placeholder={kind === 'smtp' ? 'Simulation relay' : 'Contoso training mailbox'}
                required
                data-autofocus
                {...form.getInputProps('name')}
              />
              {kind === 'smtp' ? (
                <SmtpFields form={form} editing={profile} />
              ) : (
                <MicrosoftFields form={form} kind={kind} apps={apps.data ?? []} appsLoading={apps.isPending} />
              )}
              <LimitsFields form={form} kind={kind} />
              <HeadersFields form={form} />
              <Group justify="flex-end" mt="xs">
                <Button variant="default" onClick={onClose}>
                  Cancel
                </Button>
                <Button type="submit" loading={create.isPending || update.isPending}>
                  {editing ? 'Save' : 'Add profile'}
                </Button>
              </Group>
            </Stack>
          </form>
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 5 }}>
          <Divider hiddenFrom="md" mb="md" />
          <SendingHelp
            kind={kind}
            fromAddress={form.values.fromAddress}
            dkimDomain={form.values.dkimEnabled ? form.values.dkim.domain : null}
            mailbox={form.values.mailbox || null}
          />
        </Grid.Col>
      </Grid>
    </Modal>
  );
}
