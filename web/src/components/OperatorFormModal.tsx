import {
  Button,
  Group,
  Modal,
  MultiSelect,
  PasswordInput,
  Select,
  Stack,
  Switch,
  Text,
  TextInput,
} from '@mantine/core';
import { useForm } from '@mantine/form';
import { useEffect } from 'react';
import type { Operator, Role } from '../api/types';
import { useClients } from '../hooks/useClients';
import { useCreateOperator, useUpdateOperator } from '../hooks/useOperators';
import { useOperator } from '../hooks/useSession';
import { roleLabels } from '../lib/format';
import { showServerError } from '../lib/formErrors';
import { notifySuccess } from '../lib/notify';
import { email, emailInputProps, password, required } from '../lib/validation';

interface Values {
  name: string;
  email: string;
  role: Role;
  password: string;
  clientIds: string[];
  disabled: boolean;
}

const roleOptions = (Object.keys(roleLabels) as Role[]).map((value) => ({ value, label: roleLabels[value] }));

function initialValues(operator?: Operator): Values {
  return {
    name: operator?.name ?? '',
    email: operator?.email ?? '',
    role: operator?.role ?? 'client_admin',
    password: '',
    clientIds: operator?.clientIds ?? [],
    disabled: operator?.disabled ?? false,
  };
}

/** Adds an operator, or edits `operator` (name, role, clients, disabled) when one is given. */
export function OperatorFormModal({
  opened,
  onClose,
  operator,
}: {
  opened: boolean;
  onClose: () => void;
  operator?: Operator;
}) {
  const me = useOperator();
  const editing = operator !== undefined;
  const clients = useClients({ includeArchived: true });
  const create = useCreateOperator();
  const update = useUpdateOperator();
  const form = useForm<Values>({
    mode: 'controlled',
    initialValues: initialValues(operator),
    validate: {
      name: required('Name'),
      email: (value) => (editing ? null : email(value)),
      password: (value) => (editing ? null : password(value)),
    },
  });

  // biome-ignore lint/correctness/useExhaustiveDependencies: form is stable; only reopening matters
  useEffect(() => {
    if (opened) {
      form.setValues(initialValues(operator));
      form.clearErrors();
    }
  }, [opened, operator]);

  const isClientAdmin = form.values.role === 'client_admin';
  const clientOptions = (clients.data ?? []).map((client) => ({
    value: client.id,
    label: client.archived ? `${client.name} (archived)` : client.name,
  }));

  const submit = form.onSubmit((values) => {
    const clientIds = values.role === 'client_admin' ? values.clientIds : [];
    const onError = (error: unknown) =>
      showServerError(form, error, editing ? 'Could not save the operator' : 'Could not add the operator');
    if (operator) {
      update.mutate(
        { id: operator.id, name: values.name.trim(), role: values.role, clientIds, disabled: values.disabled },
        {
          onSuccess: () => {
            notifySuccess(`${values.name.trim()} was updated.`);
            onClose();
          },
          onError,
        },
      );
    } else {
      create.mutate(
        {
          name: values.name.trim(),
          email: values.email.trim(),
          role: values.role,
          password: values.password,
          clientIds,
        },
        {
          onSuccess: () => {
            notifySuccess(`${values.name.trim()} can now sign in.`);
            onClose();
          },
          onError,
        },
      );
    }
  });

  const isSelf = operator?.id === me.id;
  return (
    <Modal opened={opened} onClose={onClose} title={editing ? 'Edit operator' : 'Add operator'} centered size="lg">
      <form onSubmit={submit} noValidate>
        <Stack>
          <TextInput label="Name" required data-autofocus {...form.getInputProps('name')} />
          {editing ? (
            <Text size="sm">
              <Text span c="dimmed" size="sm">
                Email:{' '}
              </Text>
              {operator.email}
            </Text>
          ) : (
            <TextInput
              label="Email"
              {...emailInputProps}
              autoComplete="off"
              required
              {...form.getInputProps('email')}
            />
          )}
          <Select
            label="Role"
            data={roleOptions}
            allowDeselect={false}
            required
            // Demoting yourself could lock every system administrator out of operator management.
            disabled={isSelf}
            description={isSelf ? 'You cannot change your own role.' : undefined}
            {...form.getInputProps('role')}
          />
          {isClientAdmin && (
            <MultiSelect
              label="Clients"
              description="The clients this administrator may see and manage."
              placeholder={form.values.clientIds.length ? undefined : 'Choose clients'}
              data={clientOptions}
              searchable
              nothingFoundMessage="No client matches"
              {...form.getInputProps('clientIds')}
            />
          )}
          {!editing && (
            <PasswordInput
              label="Password"
              description="The operator can change it after signing in."
              autoComplete="new-password"
              required
              {...form.getInputProps('password')}
            />
          )}
          {editing && !isSelf && (
            <Switch
              label="Disabled"
              description="A disabled operator cannot sign in and their API tokens stop working."
              {...form.getInputProps('disabled', { type: 'checkbox' })}
            />
          )}
          <Group justify="flex-end" mt="xs">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={create.isPending || update.isPending}>
              {editing ? 'Save' : 'Add operator'}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
