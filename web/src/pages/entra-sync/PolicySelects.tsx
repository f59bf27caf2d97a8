import { Group, Select } from '@mantine/core';

export type NewUserPolicy = 'add' | 'hold';
export type RemovedUserPolicy = 'delete' | 'keep' | 'hold';

/** The two sync policies, shared by the new-import form and an import's settings. */
export function PolicySelects(props: {
  newUserPolicy: NewUserPolicy;
  removedUserPolicy: RemovedUserPolicy;
  onNewUserPolicy: (p: NewUserPolicy) => void;
  onRemovedUserPolicy: (p: RemovedUserPolicy) => void;
}) {
  return (
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
          { value: 'delete', label: 'Delete the recipient' },
          { value: 'keep', label: 'Keep the recipient' },
          { value: 'hold', label: 'Hold for approval' },
        ]}
        value={props.removedUserPolicy}
        onChange={(v) => props.onRemovedUserPolicy((v as RemovedUserPolicy | null) ?? 'delete')}
        allowDeselect={false}
      />
    </Group>
  );
}
