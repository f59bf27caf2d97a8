import { Alert, Button, PasswordInput, Stack, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { IconAlertCircle } from '@tabler/icons-react';
import { ApiError } from '../api/errors';
import { AuthCard } from '../components/AuthCard';
import { useSetupStatus, useSignIn } from '../hooks/useSession';
import { describeError } from '../lib/describeError';
import { showServerError } from '../lib/formErrors';
import { email, emailInputProps, required } from '../lib/validation';

const ATTEMPT_ERRORS = new Set(['invalid_credentials', 'account_locked', 'rate_limited']);

function isAttemptError(error: unknown): boolean {
  return error instanceof ApiError && ATTEMPT_ERRORS.has(error.code);
}

export function SignInPage() {
  const signIn = useSignIn();
  const setup = useSetupStatus();
  const form = useForm({
    mode: 'uncontrolled',
    initialValues: { email: '', password: '' },
    validate: { email, password: required('Password') },
  });

  // Wrong credentials and lockouts are about the whole attempt, not one field, so they appear
  // above the form; field-level rejections go beside their input.
  const submit = form.onSubmit((values) =>
    signIn.mutate(values, {
      onError: (error) => {
        if (!isAttemptError(error)) showServerError(form, error, 'Sign-in failed');
      },
    }),
  );

  return (
    <AuthCard title="Sign in" subtitle="Sign in to the Baitwise console.">
      <form onSubmit={submit} noValidate>
        <Stack>
          {setup.data?.required && (
            <Alert color="blue" title="Not set up yet">
              No operator exists yet. Open the setup link the server printed when it started.
            </Alert>
          )}
          {isAttemptError(signIn.error) && (
            <Alert color="red" icon={<IconAlertCircle />} role="alert">
              {describeError(signIn.error)}
            </Alert>
          )}
          <TextInput
            label="Email"
            {...emailInputProps}
            autoComplete="username"
            required
            data-autofocus
            autoFocus
            key={form.key('email')}
            {...form.getInputProps('email')}
          />
          <PasswordInput
            label="Password"
            autoComplete="current-password"
            required
            key={form.key('password')}
            {...form.getInputProps('password')}
          />
          <Button type="submit" loading={signIn.isPending} fullWidth mt="xs">
            Sign in
          </Button>
        </Stack>
      </form>
    </AuthCard>
  );
}
