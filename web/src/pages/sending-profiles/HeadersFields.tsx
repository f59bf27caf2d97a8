import { Button, Fieldset, Group, Stack, Text, TextInput } from '@mantine/core';
import { IconPlus, IconTrash } from '@tabler/icons-react';
import type { ProfileForm } from './profileForm';

const MAX_HEADERS = 20;

/** Extra headers on every message of the profile (e.g. one a mail filter rule looks for). */
export function HeadersFields({ form }: { form: ProfileForm }) {
  const headers = form.values.customHeaders;
  return (
    <Fieldset legend="Custom headers">
      <Stack gap="xs">
        {headers.length === 0 && (
          <Text size="xs" c="dimmed">
            None. Headers the message sets itself (From, To, Subject, Message-ID, DKIM-Signature…) cannot be replaced.
          </Text>
        )}
        {headers.map((_, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: rows have no identity but their position
          <Group key={i} align="flex-start" wrap="nowrap">
            <TextInput
              label={`Header ${i + 1} name`}
              placeholder="X-Campaign"
              autoComplete="off"
              style={{ flex: 1 }}
              {...form.getInputProps(`customHeaders.${i}.name`)}
            />
            <TextInput
              label={`Header ${i + 1} value`}
              autoComplete="off"
              style={{ flex: 2 }}
              {...form.getInputProps(`customHeaders.${i}.value`)}
            />
            <Button
              variant="subtle"
              color="red"
              mt={25}
              leftSection={<IconTrash size={16} aria-hidden />}
              onClick={() => form.removeListItem('customHeaders', i)}
              aria-label={`Remove header ${i + 1}`}
            >
              Remove
            </Button>
          </Group>
        ))}
        <Group>
          <Button
            variant="light"
            size="xs"
            leftSection={<IconPlus size={14} aria-hidden />}
            onClick={() => form.insertListItem('customHeaders', { name: '', value: '' })}
            disabled={headers.length >= MAX_HEADERS}
          >
            Add header
          </Button>
        </Group>
      </Stack>
    </Fieldset>
  );
}
