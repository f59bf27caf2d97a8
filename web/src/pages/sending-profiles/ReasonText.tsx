import { Code, Stack, Text } from '@mantine/core';
import type { DeliveryReason } from '../../api/sendingProfiles';

/** A failure in plain words: what happened, the server's own answer, its code, what to do. */
export function ReasonText({ reason }: { reason: DeliveryReason }) {
  // The message often just quotes the server's reply, which is shown on its own.
  const repeats = Boolean(reason.reply && reason.message.includes(reason.reply));
  const title = reason.guidance?.title ?? (repeats ? 'The server refused the message' : reason.message);
  return (
    <Stack gap={2}>
      <Text size="sm">{title}</Text>
      {reason.guidance && !repeats && (
        <Text size="xs" c="dimmed">
          {reason.message}
        </Text>
      )}
      {reason.reply && (
        <Text size="xs">
          Server answer: <Code>{reason.reply}</Code>
        </Text>
      )}
      <Text size="xs" c="dimmed">
        Code <Code>{reason.code}</Code>
      </Text>
      {reason.guidance && <Text size="xs">What to do: {reason.guidance.action}</Text>}
    </Stack>
  );
}
