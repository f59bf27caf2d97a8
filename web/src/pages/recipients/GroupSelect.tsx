import { Select, type SelectProps } from '@mantine/core';
import { useState } from 'react';
import { useRecipientGroups, useSaveRecipientGroup } from '../../hooks/useRecipientGroups';
import { notifyFailure, notifySuccess } from '../../lib/notify';

const CREATE = '\u0000create';

/**
 * A recipient group chooser that also creates one: typing a name no group has offers
 * 'Create group "…"', which makes the group and chooses it, so an import is not abandoned for
 * want of a group.
 */
export function GroupSelect({
  clientId,
  value,
  onChange,
  disabled,
  ...props
}: Omit<SelectProps, 'data' | 'value' | 'onChange' | 'searchable' | 'searchValue' | 'onSearchChange'> & {
  clientId: string;
  value?: string | null;
  onChange: (groupId: string | null) => void;
}) {
  const groups = useRecipientGroups(clientId);
  const save = useSaveRecipientGroup(clientId);
  const [search, setSearch] = useState('');
  const name = search.trim();
  const exists = (groups.data ?? []).some((g) => g.name.toLowerCase() === name.toLowerCase());
  const data = [
    ...(groups.data ?? []).map((g) => ({ value: g.id, label: g.name })),
    ...(name && !exists ? [{ value: CREATE, label: `Create group "${name}"` }] : []),
  ];

  const choose = (next: string | null) => {
    if (next !== CREATE) return onChange(next);
    save.mutate(
      { name },
      {
        onSuccess: (group) => {
          notifySuccess(`Group ${group.name} created.`);
          onChange(group.id);
          setSearch(group.name);
        },
        onError: (error) => notifyFailure('Could not create the group', error),
      },
    );
  };

  return (
    <Select
      {...props}
      data={data}
      value={value ?? null}
      onChange={choose}
      searchable
      searchValue={search}
      onSearchChange={setSearch}
      // The "Create" option must stay listed whatever the search filter would keep.
      filter={({ options, search: s }) =>
        options.filter(
          (o) => 'value' in o && (o.value === CREATE || o.label.toLowerCase().includes(s.trim().toLowerCase())),
        )
      }
      nothingFoundMessage="Type a name to create a group"
      disabled={disabled || save.isPending}
    />
  );
}
