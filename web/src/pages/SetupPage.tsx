import { Alert, Anchor, Button, PasswordInput, Stack, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { AuthCard } from '../components/AuthCard';
import { FullPageLoader, QueryError } from '../components/QueryState';
import { useCompleteSetup, useSetupStatus } from '../hooks/useSession';
import { showServerError } from '../lib/formErrors';
import { notifySuccess } from '../lib/notify';
import { email, emailInputProps, matches, password, required } from '../lib/validation';

/** First run: the one-time token from the server's start-up log creates the first system administrator. */
export function SetupPage() {
  const [searchParams] = useSearchParams();
  const token = searchParams.get('token') ?? '';
  const status = useSetupStatus();
  const complete = useCompleteSetup();
  const navigate = useNavigate();
  const form = useForm({
    mode: 'uncontrolled',
    initialValues: { name: '', email: '', password: '', confirmPassword: '' },
    validate: { name: required('Name'), email, password, confirmPassword: matches('password') },
  });

  if (status.isPending) return <FullPageLoader />;
  if (status.isError) return <QueryError error={status.error} onRetry={() => status.refetch()} fullPage />;

  if (!status.data.required) {
    return (
      <AuthCard title="Already set up" subtitle="This Baitwise server already has its first operator.">
        <Anchor component={Link} to="/">
          Go to sign-in
        </Anchor>
      </AuthCard>
    );
  }

  const submit = form.onSubmit(({ confirmPassword: _confirm, ...values }) =>
    complete.mutate(
      { ...values, token },
      {
        onSuccess: () => {
          notifySuccess('Welcome to Baitwise. You are signed in as the first system administrator.');
          navigate('/', { replace: true });
        },
        onError: (error) => showServerError(form, error, 'Setup failed'),
      },
    ),
  );

  return (
    <AuthCard
      title="Set up Baitwise"
      subtitle="Create the first system administrator. You can add more operators once you are signed in."
    >
      {token ? (
        <form onSubmit={submit} noValidate>
          <Stack>
            <TextInput
              label="Name"
              autoComplete="name"
              required
              key={form.key('name')}
              {...form.getInputProps('name')}
            />
            <TextInput
              label="Email"
              {...emailInputProps}
              autoComplete="username"
              required
              key={form.key('email')}
              {...form.getInputProps('email')}
            />
            <PasswordInput
              label="Password"
              autoComplete="new-password"
              required
              key={form.key('password')}
              {...form.getInputProps('password')}
            />
            <PasswordInput
              label="Confirm password"
              autoComplete="new-password"
              required
              key={form.key('confirmPassword')}
              {...form.getInputProps('confirmPassword')}
            />
            <Button type="submit" loading={complete.isPending} fullWidth mt="xs">
              Create administrator
            </Button>
          </Stack>
        </form>
      ) : (
        <Alert color="yellow" title="Setup link needed">
          Open the setup link (with its one-time token) that the server printed when it started.
        </Alert>
      )}
    </AuthCard>
  );
}
