import { Fieldset, Group, NumberInput, Text } from '@mantine/core';
import type { ProfileKind } from '../../api/sendingProfiles';
import type { ProfileForm } from './profileForm';
import { defaultLimits, formatNumber, maxConcurrency } from './profileKinds';

const microsoftNote: Partial<Record<ProfileKind, string>> = {
  office365:
    'Microsoft’s limits per mailbox: 30 messages a minute, 10,000 recipients a day, 3 concurrent SMTP sessions. Exchange Online delays or refuses mail beyond them.',
  graph:
    'Microsoft’s limits per mailbox: 30 messages a minute, 10,000 recipients a day, 4 concurrent Graph requests. Exchange Online delays or refuses mail beyond them.',
  smtp: 'Your relay’s limits. Empty fields use the defaults shown.',
};

/** Pace and quota; empty inputs mean the kind's default, shown as placeholders. */
export function LimitsFields({ form, kind }: { form: ProfileForm; kind: ProfileKind }) {
  const d = defaultLimits[kind];
  return (
    <Fieldset legend="Limits">
      <Text size="xs" c="dimmed" mb="xs">
        {microsoftNote[kind]}
      </Text>
      <Group grow align="flex-start">
        <NumberInput
          label="Messages per minute"
          placeholder={formatNumber(d.perMinute)}
          min={1}
          max={1_000_000}
          allowDecimal={false}
          thousandSeparator=","
          {...form.getInputProps('limits.perMinute')}
        />
        <NumberInput
          label="Recipients per day"
          placeholder={formatNumber(d.perDay)}
          min={1}
          max={10_000_000}
          allowDecimal={false}
          thousandSeparator=","
          {...form.getInputProps('limits.perDay')}
        />
        <NumberInput
          label="Concurrent sends"
          placeholder={formatNumber(d.concurrency)}
          min={1}
          max={maxConcurrency[kind] ?? 50}
          allowDecimal={false}
          {...form.getInputProps('limits.concurrency')}
        />
      </Group>
    </Fieldset>
  );
}
