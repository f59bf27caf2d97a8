import { Group, NumberInput, Select, Stack, Text } from '@mantine/core';
import type { DeletionThreshold } from '../../api/directorySync';

export type NewUserPolicy = 'add' | 'hold';
export type RemovedUserPolicy = 'delete' | 'keep' | 'hold';

/**
 * The two sync policies, shared by the new-import form and an import's settings, and — when
 * removed users are deleted — the deletion threshold that holds a mass removal for approval.
 */
export function PolicySelects(props: {
  newUserPolicy: NewUserPolicy;
  removedUserPolicy: RemovedUserPolicy;
  threshold: DeletionThreshold;
  onNewUserPolicy: (p: NewUserPolicy) => void;
  onRemovedUserPolicy: (p: RemovedUserPolicy) => void;
  onThreshold: (t: DeletionThreshold) => void;
}) {
  const { threshold } = props;
  return (
    <Stack gap="sm">
      <Group grow align="flex-start">
        <Select
          label="New users in Entra"
          data={[
            { value: 'add', label: 'Add automatically' },
            { value: 'hold', label: 'Hold for approval' },
          ]}
          value={props.newUserPolicy}
          onChange={(v) => props.onNewUserPolicy((v as NewUserPolicy | null) ?? 'add')}
          allowDeselect={false}
        />
        <Select
          label="Users removed or disabled in Entra"
          data={[
            { value: 'hold', label: 'Hold for approval (safest)' },
            { value: 'delete', label: 'Delete the recipient' },
            { value: 'keep', label: 'Keep the recipient' },
          ]}
          value={props.removedUserPolicy}
          onChange={(v) => props.onRemovedUserPolicy((v as RemovedUserPolicy | null) ?? 'hold')}
          allowDeselect={false}
        />
      </Group>
      {props.removedUserPolicy === 'delete' && (
        <Stack gap={4}>
          <Group align="flex-end" gap="sm">
            <NumberInput
              label="Deletion threshold"
              min={0}
              max={threshold.unit === 'percent' ? 100 : 1_000_000}
              allowDecimal={false}
              allowNegative={false}
              value={threshold.value}
              onChange={(v) => props.onThreshold({ ...threshold, value: typeof v === 'number' ? v : 0 })}
              w={160}
            />
            <Select
              label="Counted in"
              aria-label="Deletion threshold unit"
              data={[
                { value: 'percent', label: '% of the import' },
                { value: 'users', label: 'users' },
              ]}
              value={threshold.unit}
              onChange={(v) =>
                props.onThreshold({
                  unit: v === 'users' ? 'users' : 'percent',
                  value: v === 'percent' ? Math.min(threshold.value, 100) : threshold.value,
                })
              }
              allowDeselect={false}
              w={180}
            />
          </Group>
          <Text size="xs" c="dimmed">
            Protection against accidental deletion: when one sync would remove more than this, nobody is removed and
            every removal waits for approval, with the reason. 0 holds every removal.
          </Text>
        </Stack>
      )}
    </Stack>
  );
}
