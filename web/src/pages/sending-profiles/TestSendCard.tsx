import { Alert, Button, Code, Group, Paper, Stack, Text, TextInput, Title } from '@mantine/core';
import { useForm } from '@mantine/form';
import { IconAlertTriangle, IconCircleCheck, IconSend } from '@tabler/icons-react';
import { useId } from 'react';
import type { SendingProfile, TestSendResult } from '../../api/sendingProfiles';
import { useTestSend } from '../../hooks/useSendingProfiles';
import { showServerError } from '../../lib/formErrors';
import { email, emailInputProps } from '../../lib/validation';

/** One message sent now, outside the queue, with the server's answer in plain words. */
export function TestSendCard({
  clientId,
  profile,
  readOnly,
}: {
  clientId: string;
  profile: SendingProfile;
  readOnly: boolean;
}) {
  const test = useTestSend();
  const headingId = useId();
  const form = useForm({ mode: 'controlled', initialValues: { to: '' }, validate: { to: email } });
  const submit = form.onSubmit(({ to }) =>
    test.mutate(
      { clientId, profileId: profile.id, to: to.trim() },
      { onError: (error) => showServerError(form, error, 'Could not send the test message') },
    ),
  );
  return (
    <Paper withBorder radius="md" p="md" component="section" aria-labelledby={headingId}>
      <Stack gap="sm">
        <Title order={2} fz="lg" id={headingId}>
          Test send
        </Title>
        <Text size="sm" c="dimmed">
          Sends one test message now, outside the queue and its pace, and shows what the server answered.
        </Text>
        <form onSubmit={submit} noValidate>
          <Group align="flex-start">
            <TextInput
              label="Send a test message to"
              placeholder="you@example.com"
              {...emailInputProps}
              autoComplete="email"
              w={400}
              disabled={readOnly}
              {...form.getInputProps('to')}
            />
            <Button
              type="submit"
              mt={25}
              leftSection={<IconSend size={16} aria-hidden />}
              loading={test.isPending}
              disabled={readOnly}
            >
              Send test
            </Button>
          </Group>
        </form>
        {test.data && !test.isPending && <TestResult result={test.data} to={test.variables?.to ?? ''} />}
      </Stack>
    </Paper>
  );
}

function TestResult({ result, to }: { result: TestSendResult; to: string }) {
  if (result.ok) {
    return (
      <Alert color="teal" icon={<IconCircleCheck aria-hidden />} title="Test message sent" role="status">
        <Text size="sm">
          Sent from {result.from} to {to}: the server accepted it for delivery. Check that it arrived, in the junk
          folder too.
        </Text>
        {result.reply && (
          <Text size="xs" c="dimmed" mt={4}>
            Server reference: <Code>{result.reply}</Code>
          </Text>
        )}
      </Alert>
    );
  }
  const repeatsReply = Boolean(result.reply && result.message.includes(result.reply));
  return (
    <Alert
      color="red"
      icon={<IconAlertTriangle aria-hidden />}
      title={result.guidance?.title ?? 'The test message was not sent'}
      role="alert"
    >
      <Stack gap={6}>
        <Text size="sm">
          {result.from ? `Sending from ${result.from} failed` : 'Sending failed'}
          {/* The message often quotes the reply, which is shown on its own below. */}
          {repeatsReply ? '.' : `: ${result.message}`}
        </Text>
        {result.reply && (
          <Text size="sm">
            The server answered: <Code>{result.reply}</Code>
          </Text>
        )}
        {result.code && (
          <Text size="xs" c="dimmed">
            Code <Code>{result.code}</Code>
          </Text>
        )}
        {result.guidance && (
          <Text size="sm">
            <b>What to do:</b> {result.guidance.action}
          </Text>
        )}
      </Stack>
    </Alert>
  );
}
