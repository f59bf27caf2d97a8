import { Button, Group, Modal, MultiSelect, Select, SimpleGrid, Stack, Switch, Text, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useEffect, useMemo } from 'react';
import type { Recipient } from '../../api/recipients';
import { useRecipientGroups } from '../../hooks/useRecipientGroups';
import { useSaveRecipient } from '../../hooks/useRecipients';
import { showServerError } from '../../lib/formErrors';
import { notifySuccess } from '../../lib/notify';
import { timeZoneOptions } from '../../lib/timeZones';
import { email, emailInputProps } from '../../lib/validation';

const TEXT_FIELDS = ['firstName', 'lastName', 'displayName', 'department', 'jobTitle', 'officeLocation'] as const;
type TextField = (typeof TEXT_FIELDS)[number];
type Values = Record<TextField | 'email', string> & { timeZone: string | null; enabled: boolean; groupIds: string[] };

const MAX = 200; // the server's limit for every text field but email
const tooLong = (value: string) => (value.trim().length > MAX ? `Use at most ${MAX} characters` : null);

function initialValues(r?: Recipient): Values {
  return {
    email: r?.email ?? '',
    firstName: r?.firstName ?? '',
    lastName: r?.lastName ?? '',
    displayName: r?.displayName ?? '',
    department: r?.department ?? '',
    jobTitle: r?.jobTitle ?? '',
    officeLocation: r?.officeLocation ?? '',
    timeZone: r?.timeZone ?? null,
    enabled: r?.enabled ?? true,
    groupIds: r?.groups.map((g) => g.id) ?? [],
  };
}

/** Adds a recipient by hand, or edits `recipient`. Errors from the server land beside their field. */
export function RecipientFormModal({
  clientId,
  opened,
  recipient,
  onClose,
}: {
  clientId: string;
  opened: boolean;
  recipient?: Recipient;
  onClose: () => void;
}) {
  const groups = useRecipientGroups(clientId);
  const save = useSaveRecipient(clientId);
  const zones = useMemo(() => timeZoneOptions(recipient?.timeZone), [recipient?.timeZone]);
  const form = useForm<Values>({
    mode: 'controlled',
    initialValues: initialValues(recipient),
    validate: {
      email,
      ...Object.fromEntries(TEXT_FIELDS.map((f) => [f, tooLong])),
    },
  });

  // biome-ignore lint/correctness/useExhaustiveDependencies: form is stable; only reopening matters
  useEffect(() => {
    if (opened) {
      form.setValues(initialValues(recipient));
      form.clearErrors();
    }
  }, [opened, recipient]);

  const submit = form.onSubmit((v) => {
    const body = {
      email: v.email.trim(),
      ...Object.fromEntries(TEXT_FIELDS.map((f) => [f, v[f].trim() || null])),
      timeZone: v.timeZone || null,
      enabled: v.enabled,
      groupIds: v.groupIds,
    };
    save.mutate(
      { id: recipient?.id, ...body },
      {
        onSuccess: (saved) => {
          notifySuccess(recipient ? `${saved.email} was saved.` : `${saved.email} was added.`);
          onClose();
        },
        onError: (error) =>
          showServerError(form, error, recipient ? 'Could not save the recipient' : 'Could not add the recipient'),
      },
    );
  });

  const field = (name: TextField, label: string) => <TextInput label={label} {...form.getInputProps(name)} />;
  return (
    <Modal opened={opened} onClose={onClose} title={recipient ? 'Edit recipient' : 'Add recipient'} size="lg" centered>
      <form onSubmit={submit} noValidate>
        <Stack gap="sm">
          {recipient?.source === 'entra' && (
            <Text size="sm" c="dimmed">
              This recipient comes from Entra ID: the next directory sync overwrites names, department, job title and
              office with the directory’s values.
            </Text>
          )}
          <TextInput label="Email" {...emailInputProps} required data-autofocus {...form.getInputProps('email')} />
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            {field('firstName', 'First name')}
            {field('lastName', 'Last name')}
          </SimpleGrid>
          <TextInput
            label="Display name"
            description="Left empty: first and last name, or the email address."
            {...form.getInputProps('displayName')}
          />
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            {field('department', 'Department')}
            {field('jobTitle', 'Job title')}
          </SimpleGrid>
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            {field('officeLocation', 'Office')}
            <Select
              label="Time zone"
              description="Empty: not known (campaigns use their own zone)."
              placeholder="Not known"
              data={zones}
              searchable
              clearable
              {...form.getInputProps('timeZone')}
            />
          </SimpleGrid>
          <MultiSelect
            label="Groups"
            placeholder="No group"
            data={(groups.data ?? []).map((g) => ({ value: g.id, label: g.name }))}
            searchable
            clearable
            {...form.getInputProps('groupIds')}
          />
          <Switch
            label="Enabled"
            description="Disabled recipients stay in the list but receive nothing."
            {...form.getInputProps('enabled', { type: 'checkbox' })}
          />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={save.isPending}>
              {recipient ? 'Save' : 'Add recipient'}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
