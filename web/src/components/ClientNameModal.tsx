import { Button, Group, Modal, Stack, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useEffect } from 'react';
import type { Client } from '../api/types';
import { useCreateClient, useUpdateClient } from '../hooks/useClients';
import { showServerError } from '../lib/formErrors';
import { notifySuccess } from '../lib/notify';
import { required } from '../lib/validation';

/** Adds a client, or renames `client` when one is given. */
export function ClientNameModal({
  opened,
  onClose,
  client,
}: {
  opened: boolean;
  onClose: () => void;
  client?: Client;
}) {
  const create = useCreateClient();
  const update = useUpdateClient();
  const form = useForm({
    mode: 'uncontrolled',
    initialValues: { name: '' },
    validate: {
      name: (value) => required('Name')(value) ?? (value.trim().length > 200 ? 'Use at most 200 characters' : null),
    },
  });

  // Start from the current name each time the modal opens, not from the last edit.
  // biome-ignore lint/correctness/useExhaustiveDependencies: form is stable; only reopening matters
  useEffect(() => {
    if (opened) {
      form.setValues({ name: client?.name ?? '' });
      form.resetDirty();
      form.clearErrors();
    }
  }, [opened, client]);

  const submit = form.onSubmit(({ name }) => {
    const trimmed = name.trim();
    const onError = (error: unknown) =>
      showServerError(form, error, client ? 'Could not rename the client' : 'Could not add the client');
    const done = (message: string) => () => {
      notifySuccess(message);
      onClose();
    };
    if (client) {
      update.mutate({ id: client.id, name: trimmed }, { onSuccess: done(`Renamed to ${trimmed}.`), onError });
    } else {
      create.mutate({ name: trimmed }, { onSuccess: done(`Client ${trimmed} added.`), onError });
    }
  });

  return (
    <Modal opened={opened} onClose={onClose} title={client ? 'Rename client' : 'Add client'} centered>
      <form onSubmit={submit} noValidate>
        <Stack>
          <TextInput
            label="Client name"
            required
            data-autofocus
            key={form.key('name')}
            {...form.getInputProps('name')}
          />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={create.isPending || update.isPending}>
              {client ? 'Save' : 'Add client'}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
