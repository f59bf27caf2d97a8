import { Button, Group, Modal, PasswordInput, Stack, Text } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useEffect } from 'react';
import type { Operator } from '../api/types';
import { useResetOperatorPassword } from '../hooks/useOperators';
import { revokedSummary } from '../lib/format';
import { showServerError } from '../lib/formErrors';
import { notifySuccess } from '../lib/notify';
import { matches, password } from '../lib/validation';

export function ResetPasswordModal({
  opened,
  onClose,
  operator,
}: {
  opened: boolean;
  onClose: () => void;
  operator?: Operator;
}) {
  const reset = useResetOperatorPassword();
  const form = useForm({
    mode: 'uncontrolled',
    initialValues: { password: '', confirmPassword: '' },
    validate: { password, confirmPassword: matches('password') },
  });

  // biome-ignore lint/correctness/useExhaustiveDependencies: form is stable; only reopening matters
  useEffect(() => {
    if (opened) form.reset();
  }, [opened]);

  const submit = form.onSubmit((values) => {
    if (!operator) return;
    reset.mutate(
      { id: operator.id, password: values.password },
      {
        onSuccess: (revoked) => {
          notifySuccess(`${operator.name}'s password was reset: ${revokedSummary(revoked, 'session')}`);
          onClose();
        },
        onError: (error) => showServerError(form, error, 'Could not reset the password'),
      },
    );
  });

  return (
    <Modal opened={opened} onClose={onClose} title="Reset password" centered>
      <form onSubmit={submit} noValidate>
        <Stack>
          <Text size="sm">
            Set a new password for {operator?.name}. They are signed out everywhere, their API tokens are revoked, and
            they sign in again with the new password.
          </Text>
          <PasswordInput
            label="New password"
            autoComplete="new-password"
            required
            data-autofocus
            key={form.key('password')}
            {...form.getInputProps('password')}
          />
          <PasswordInput
            label="Confirm new password"
            autoComplete="new-password"
            required
            key={form.key('confirmPassword')}
            {...form.getInputProps('confirmPassword')}
          />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={reset.isPending}>
              Reset password
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
