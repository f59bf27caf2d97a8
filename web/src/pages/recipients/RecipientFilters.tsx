import { Group, Select, TextInput } from '@mantine/core';
import { IconSearch } from '@tabler/icons-react';
import type { RecipientFilters as Filters, RecipientSource } from '../../api/recipients';
import { useRecipientGroups } from '../../hooks/useRecipientGroups';
import { useRecipientFacets } from '../../hooks/useRecipients';

export interface FilterState {
  search: string;
  groupId: string | null;
  department: string | null;
  enabled: string | null;
  source: string | null;
}

export const NO_FILTERS: FilterState = { search: '', groupId: null, department: null, enabled: null, source: null };

/** The API's query from the form's state; the search text is debounced by the caller. */
export function toQuery(f: FilterState, search: string): Filters {
  return {
    search: search || undefined,
    groupId: f.groupId ?? undefined,
    department: f.department ?? undefined,
    enabled: f.enabled === null ? undefined : f.enabled === 'true',
    source: (f.source as RecipientSource | null) ?? undefined,
  };
}

export function RecipientFilters({
  clientId,
  value,
  onChange,
}: {
  clientId: string;
  value: FilterState;
  onChange: (next: FilterState) => void;
}) {
  const groups = useRecipientGroups(clientId);
  const facets = useRecipientFacets(clientId);
  const set = (patch: Partial<FilterState>) => onChange({ ...value, ...patch });
  return (
    <Group align="flex-end" gap="sm" wrap="wrap" role="search" aria-label="Filter recipients">
      <TextInput
        label="Search"
        placeholder="Name or email address"
        leftSection={<IconSearch size={16} aria-hidden />}
        value={value.search}
        onChange={(event) => set({ search: event.currentTarget.value })}
        w={260}
      />
      <Select
        label="Group"
        placeholder="Any group"
        data={(groups.data ?? []).map((g) => ({ value: g.id, label: g.name }))}
        value={value.groupId}
        onChange={(groupId) => set({ groupId })}
        clearable
        searchable
        w={200}
      />
      <Select
        label="Department"
        placeholder="Any department"
        data={facets.data?.departments ?? []}
        value={value.department}
        onChange={(department) => set({ department })}
        clearable
        searchable
        w={200}
      />
      <Select
        label="Status"
        placeholder="Enabled or not"
        data={[
          { value: 'true', label: 'Enabled' },
          { value: 'false', label: 'Disabled' },
        ]}
        value={value.enabled}
        onChange={(enabled) => set({ enabled })}
        clearable
        w={150}
      />
      <Select
        label="Source"
        placeholder="Any source"
        data={[
          { value: 'entra', label: 'Entra ID' },
          { value: 'csv', label: 'CSV import' },
          { value: 'manual', label: 'Added by hand' },
        ]}
        value={value.source}
        onChange={(source) => set({ source })}
        clearable
        w={160}
      />
    </Group>
  );
}
