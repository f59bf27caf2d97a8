import { Button, Group, MultiSelect, Select, TextInput } from '@mantine/core';
import { IconSearch } from '@tabler/icons-react';
import { useEffect, useRef, useState } from 'react';
import type { Client } from '../../api/types';
import { statusLabels, verdictLabels } from './IncidentBadges';
import { hasFilters, type InboxFilters } from './inboxParams';

const STATUS_OPTIONS = Object.entries(statusLabels).map(([value, label]) => ({ value, label }));
const VERDICT_OPTIONS = Object.entries(verdictLabels).map(([value, label]) => ({ value, label }));
const SORT_OPTIONS = [
  { value: 'last_reported_at:desc', label: 'Last reported, newest first' },
  { value: 'last_reported_at:asc', label: 'Last reported, oldest first' },
  { value: 'first_reported_at:desc', label: 'First reported, newest first' },
  { value: 'first_reported_at:asc', label: 'First reported, oldest first' },
  { value: 'report_count:desc', label: 'Most reported first' },
  { value: 'report_count:asc', label: 'Least reported first' },
];

type TextKey = 'q' | 'reporter' | 'domain';

/**
 * The inbox's filters. Typed fields (search, reporter, sender domain) are edited locally and
 * written to the URL a moment after the last keystroke, so typing does not ask the server per key.
 */
export function IncidentFilters({
  value,
  onChange,
  clients,
}: {
  value: InboxFilters;
  onChange: (next: InboxFilters) => void;
  /** All incidents: the clients to filter by */
  clients?: Client[];
}) {
  const [draft, setDraft] = useState({ q: value.q, reporter: value.reporter, domain: value.domain });
  // The URL can change under the fields (back button, "Clear filters"): follow it.
  useEffect(
    () => setDraft({ q: value.q, reporter: value.reporter, domain: value.domain }),
    [value.q, value.reporter, value.domain],
  );
  // Typed text reaches the URL 300 ms after the last keystroke. Any other change writes the typed
  // text along with it and cancels the pending write, which would otherwise land afterwards with
  // the filters of before (undoing, say, "Clear filters" made within those 300 ms).
  const timer = useRef<number | undefined>(undefined);
  const latest = useRef({ value, onChange });
  latest.current = { value, onChange };
  useEffect(() => () => window.clearTimeout(timer.current), []);
  const type = (key: TextKey, text: string) => {
    const next = { ...draft, [key]: text };
    setDraft(next);
    window.clearTimeout(timer.current);
    timer.current = window.setTimeout(() => latest.current.onChange({ ...latest.current.value, ...next }), 300);
  };
  const set = (patch: Partial<InboxFilters>) => {
    window.clearTimeout(timer.current);
    onChange({ ...value, ...draft, ...patch });
  };

  return (
    <Group align="flex-end" gap="sm" wrap="wrap" role="search" aria-label="Filter incidents">
      <TextInput
        label="Search"
        placeholder="Subject or sender"
        leftSection={<IconSearch size={16} aria-hidden />}
        value={draft.q}
        onChange={(e) => type('q', e.currentTarget.value)}
        w={220}
      />
      <MultiSelect
        label="Status"
        placeholder={value.status.length ? undefined : 'Any status'}
        data={STATUS_OPTIONS}
        value={value.status}
        onChange={(status) => set({ status: status as InboxFilters['status'] })}
        clearable
        w={200}
      />
      <MultiSelect
        label="Verdict"
        placeholder={value.verdict.length ? undefined : 'Any verdict'}
        data={VERDICT_OPTIONS}
        value={value.verdict}
        onChange={(verdict) => set({ verdict: verdict as InboxFilters['verdict'] })}
        clearable
        w={200}
      />
      <TextInput
        type="date"
        label="Reported from"
        value={value.from}
        max={value.to || undefined}
        onChange={(e) => set({ from: e.currentTarget.value })}
        w={150}
      />
      <TextInput
        type="date"
        label="Reported to"
        value={value.to}
        min={value.from || undefined}
        onChange={(e) => set({ to: e.currentTarget.value })}
        w={150}
      />
      <TextInput
        label="Reporter"
        placeholder="name@example.com"
        value={draft.reporter}
        onChange={(e) => type('reporter', e.currentTarget.value)}
        w={200}
      />
      <TextInput
        label="Sender domain"
        placeholder="example.com"
        value={draft.domain}
        onChange={(e) => type('domain', e.currentTarget.value)}
        w={170}
      />
      {clients && (
        <Select
          label="Client"
          placeholder="Every client"
          data={clients.map((c) => ({ value: c.id, label: c.name }))}
          value={value.inClient}
          onChange={(inClient) => set({ inClient })}
          clearable
          searchable
          w={200}
        />
      )}
      <Select
        label="Sort"
        data={SORT_OPTIONS}
        value={`${value.sort}:${value.order}`}
        onChange={(v) => {
          const [sort, order] = (v ?? 'last_reported_at:desc').split(':') as [
            InboxFilters['sort'],
            InboxFilters['order'],
          ];
          set({ sort, order });
        }}
        allowDeselect={false}
        w={230}
      />
      {hasFilters(value) && (
        <Button
          variant="subtle"
          onClick={() =>
            set({
              status: [],
              verdict: [],
              from: '',
              to: '',
              reporter: '',
              domain: '',
              q: '',
              inClient: null,
            })
          }
        >
          Clear filters
        </Button>
      )}
    </Group>
  );
}
