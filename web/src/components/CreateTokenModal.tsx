import { Button, Group, Modal, NumberInput, Stack, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useEffect } from 'react';
import type { CreatedApiToken } from '../api/types';
import { useCreateApiToken } from '../hooks/useApiTokens';
import { showServerError } from '../lib/formErrors';
import { required } from '../lib/validation';

interface Values {
  name: string;
  expiresInDays: number | string;
}

export function CreateTokenModal({
  opened,
  onClose,
  onCreated,
}: {
  opened: boolean;
  onClose: () => void;
  onCreated: (created: CreatedApiToken) => void;
}) {
  const create = useCreateApiToken();
  const form = useForm<Values>({
    mode: 'uncontrolled',
    initialValues: { name: '', expiresInDays: 90 },
    validate: {
      name: required('Name'),
      expiresInDays: (value) =>
        value === '' || (Number.isInteger(Number(value)) && Number(value) >= 1 && Number(value) <= 3650)
          ? null
          : 'Enter a whole number of days between 1 and 3650, or leave empty for no expiry',
    },
  });

  // biome-ignore lint/correctness/useExhaustiveDependencies: form is stable; only reopening matters
  useEffect(() => {
    if (opened) form.reset();
  }, [opened]);

  const submit = form.onSubmit((values) =>
    create.mutate(
      {
        name: values.name.trim(),
        ...(values.expiresInDays === '' ? {} : { expiresInDays: Number(values.expiresInDays) }),
      },
      {
        onSuccess: (created) => {
          onClose();
          onCreated(created);
        },
        onError: (error) => showServerError(form, error, 'Could not create the token'),
      },
    ),
  );

  return (
    <Modal opened={opened} onClose={onClose} title="Create API token" centered>
      <form onSubmit={submit} noValidate>
        <Stack>
          <TextInput
            label="Name"
            description="What the token is for, e.g. the script or system that uses it."
            required
            data-autofocus
            key={form.key('name')}
            {...form.getInputProps('name')}
          />
          <NumberInput
            label="Expires after (days)"
            description="Leave empty for a token that does not expire."
            min={1}
            max={3650}
            allowDecimal={false}
            allowNegative={false}
            key={form.key('expiresInDays')}
            {...form.getInputProps('expiresInDays')}
          />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={create.isPending}>
              Create token
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
