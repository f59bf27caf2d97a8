import { Button, Paper, PasswordInput, Stack } from '@mantine/core';
import { useForm } from '@mantine/form';
import { isApiError } from '../api/errors';
import { PageHeader } from '../components/PageHeader';
import { useChangePassword } from '../hooks/useSession';
import { revokedSummary } from '../lib/format';
import { showServerError } from '../lib/formErrors';
import { notifySuccess } from '../lib/notify';
import { matches, password, required } from '../lib/validation';

export function ChangePasswordPage() {
  const change = useChangePassword();
  const form = useForm({
    mode: 'uncontrolled',
    initialValues: { currentPassword: '', newPassword: '', confirmPassword: '' },
    validate: {
      currentPassword: required('Current password'),
      newPassword: (value, values) =>
        password(value) ??
        (value === values.currentPassword ? 'Choose a password different from the current one' : null),
      confirmPassword: matches('newPassword'),
    },
  });

  const submit = form.onSubmit(({ currentPassword, newPassword }) =>
    change.mutate(
      { currentPassword, newPassword },
      {
        onSuccess: (revoked) => {
          form.reset();
          notifySuccess(`Your password was changed: ${revokedSummary(revoked, 'other session')}`);
        },
        // A wrong current password is reported as invalid credentials; it belongs beside that input.
        onError: (error) =>
          isApiError(error, 'invalid_credentials')
            ? form.setFieldError('currentPassword', 'The current password is not correct')
            : showServerError(form, error, 'Could not change the password'),
      },
    ),
  );

  return (
    <>
      <PageHeader
        title="Change password"
        description="Changing it signs out your other sessions and revokes your API tokens."
      />
      <Paper withBorder radius="md" p="lg" maw={480}>
        <form onSubmit={submit} noValidate>
          <Stack>
            <PasswordInput
              label="Current password"
              autoComplete="current-password"
              required
              key={form.key('currentPassword')}
              {...form.getInputProps('currentPassword')}
            />
            <PasswordInput
              label="New password"
              autoComplete="new-password"
              required
              key={form.key('newPassword')}
              {...form.getInputProps('newPassword')}
            />
            <PasswordInput
              label="Confirm new password"
              autoComplete="new-password"
              required
              key={form.key('confirmPassword')}
              {...form.getInputProps('confirmPassword')}
            />
            <Button type="submit" loading={change.isPending} style={{ alignSelf: 'flex-start' }}>
              Change password
            </Button>
          </Stack>
        </form>
      </Paper>
    </>
  );
}
