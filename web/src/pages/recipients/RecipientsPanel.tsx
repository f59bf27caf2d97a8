import { Button, Center, Group, Paper, Stack, Text } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { IconFileImport, IconPlus } from '@tabler/icons-react';
import { useState } from 'react';
import { useSearchParams } from 'react-router';
import type { Recipient } from '../../api/recipients';
import { ConfirmModal } from '../../components/ConfirmModal';
import { PageLoader, QueryError } from '../../components/QueryState';
import { useDeleteRecipient, useRecipientList } from '../../hooks/useRecipients';
import { notifyFailure, notifySuccess } from '../../lib/notify';
import { ImportCsvModal } from './ImportCsvModal';
import { NoRecipientsYet } from './NoRecipientsYet';
import { NO_FILTERS, RecipientFilters, toQuery } from './RecipientFilters';
import { RecipientFormModal } from './RecipientFormModal';
import { RecipientsTable } from './RecipientsTable';

/** The recipients table: server-side filters and cursor pages ("Load more"), add, edit, delete, import. */
export function RecipientsPanel({ clientId, readOnly = false }: { clientId: string; readOnly?: boolean }) {
  // ?group= (the member count on the Groups tab links here) preselects the group filter.
  const [params] = useSearchParams();
  const [filters, setFilters] = useState({ ...NO_FILTERS, groupId: params.get('group') });
  const [search] = useDebouncedValue(filters.search.trim(), 300);
  const list = useRecipientList(clientId, toQuery(filters, search));
  const rows = list.data?.pages.flatMap((p) => p.items) ?? [];
  const total = list.data?.pages[0]?.total ?? 0;
  // With no filter, an empty list means the client has no recipient at all yet.
  const filtered =
    Boolean(search) ||
    filters.groupId !== null ||
    filters.department !== null ||
    filters.enabled !== null ||
    filters.source !== null;

  // null: closed; undefined inside: adding.
  const [editing, setEditing] = useState<{ recipient?: Recipient } | null>(null);
  const [importing, setImporting] = useState(false);
  const [deleting, setDeleting] = useState<Recipient | null>(null);
  const remove = useDeleteRecipient(clientId);

  return (
    <Paper withBorder radius="md" p="md">
      <Stack>
        <Group justify="space-between" align="flex-end" wrap="wrap">
          <RecipientFilters clientId={clientId} value={filters} onChange={setFilters} />
          <Group gap="sm">
            <Button
              variant="default"
              leftSection={<IconFileImport size={16} aria-hidden />}
              onClick={() => setImporting(true)}
              disabled={readOnly}
            >
              Import CSV
            </Button>
            <Button leftSection={<IconPlus size={16} aria-hidden />} onClick={() => setEditing({})} disabled={readOnly}>
              Add recipient
            </Button>
          </Group>
        </Group>
        {list.isPending && <PageLoader />}
        {list.isError && <QueryError error={list.error} onRetry={() => list.refetch()} />}
        {list.isSuccess && total === 0 && !filtered && (
          <NoRecipientsYet
            clientId={clientId}
            readOnly={readOnly}
            onImport={() => setImporting(true)}
            onAdd={() => setEditing({})}
          />
        )}
        {list.isSuccess && (total > 0 || filtered) && (
          <Text size="sm" c="dimmed" aria-live="polite">
            {total === 0
              ? 'No recipients match.'
              : `Showing ${rows.length.toLocaleString()} of ${total.toLocaleString()} recipient${total === 1 ? '' : 's'}`}
          </Text>
        )}
        {rows.length > 0 && (
          <RecipientsTable recipients={rows} onEdit={(recipient) => setEditing({ recipient })} onDelete={setDeleting} />
        )}
        {list.hasNextPage && (
          <Center>
            <Button variant="default" loading={list.isFetchingNextPage} onClick={() => list.fetchNextPage()}>
              Load more
            </Button>
          </Center>
        )}
      </Stack>
      <RecipientFormModal
        clientId={clientId}
        opened={editing !== null}
        recipient={editing?.recipient}
        onClose={() => setEditing(null)}
      />
      <ImportCsvModal clientId={clientId} opened={importing} onClose={() => setImporting(false)} />
      <ConfirmModal
        opened={deleting !== null}
        title="Delete recipient"
        confirmLabel="Delete"
        danger
        loading={remove.isPending}
        onClose={() => setDeleting(null)}
        onConfirm={() =>
          deleting &&
          remove.mutate(deleting.id, {
            onSuccess: () => {
              notifySuccess(`${deleting.email} was deleted.`);
              setDeleting(null);
            },
            onError: (error) => notifyFailure('Could not delete the recipient', error),
          })
        }
      >
        Delete {deleting?.email}? They are removed from every group.
        {deleting?.source === 'entra' && ' The next directory sync may add them again.'}
      </ConfirmModal>
    </Paper>
  );
}
