import { Text } from '@mantine/core';

const DAY_MS = 86_400_000;
const dateOnly = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeZone: 'UTC' });

/** A secret's expiry date (YYYY-MM-DD), coloured when it is near or past: Microsoft stops accepting it. */
export function SecretExpiry({ date, size = 'sm' }: { date: string | null; size?: 'xs' | 'sm' }) {
  if (!date) {
    return (
      <Text span size={size} c="dimmed">
        —
      </Text>
    );
  }
  // Dates without a time are UTC midnight; formatting in UTC keeps the calendar day the operator entered.
  const at = new Date(`${date}T00:00:00Z`);
  const daysLeft = Math.floor((at.getTime() - Date.now()) / DAY_MS);
  const label = dateOnly.format(at);
  if (daysLeft < 0) {
    return (
      <Text span size={size} c="red.8" fw={600}>
        {label} (expired)
      </Text>
    );
  }
  if (daysLeft <= 30) {
    return (
      <Text span size={size} c="orange.8" fw={600}>
        {label} ({daysLeft} days left)
      </Text>
    );
  }
  return (
    <Text span size={size}>
      {label}
    </Text>
  );
}
