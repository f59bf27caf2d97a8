import {
  ActionIcon,
  Badge,
  Button,
  Group,
  Menu,
  Modal,
  Progress,
  Select,
  Stack,
  Table,
  Text,
  Textarea,
  TextInput,
  Tooltip,
} from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { IconDots, IconSearch } from '@tabler/icons-react';
import { useState } from 'react';
import type { Enrolment, EnrolmentFilters, EnrolmentStatus } from '../../api/training';
import { useRecipientGroups } from '../../hooks/useRecipientGroups';
import { type LearnerAction, useEnrolments, useLearnerAction } from '../../hooks/useTrainingCampaigns';
import { formatDate, formatDateTime } from '../../lib/format';
import { notifyFailure, notifySuccess } from '../../lib/notify';
import { toLocalInput } from './campaignForm';

const STATUS: Record<EnrolmentStatus, { label: string; color: string }> = {
  not_started: { label: 'Not started', color: 'gray' },
  in_progress: { label: 'In progress', color: 'blue' },
  completed: { label: 'Completed', color: 'teal' },
  overdue: { label: 'Overdue', color: 'orange' },
  revoked: { label: 'Revoked', color: 'red' },
};

/** The learners of a campaign with filters, search, and the actions on one learner. */
export function LearnersTable({
  clientId,
  campaignId,
  running,
  readOnly,
}: {
  clientId: string;
  campaignId: string;
  running: boolean;
  readOnly: boolean;
}) {
  const [status, setStatus] = useState<EnrolmentStatus | null>(null);
  const [groupId, setGroupId] = useState<string | null>(null);
  const [department, setDepartment] = useState('');
  const [search, setSearch] = useState('');
  const [debouncedSearch] = useDebouncedValue(search, 300);
  const [debouncedDepartment] = useDebouncedValue(department, 300);
  const filters: EnrolmentFilters = {
    ...(status ? { status } : {}),
    ...(groupId ? { groupId } : {}),
    ...(debouncedDepartment.trim() ? { department: debouncedDepartment.trim() } : {}),
    ...(debouncedSearch.trim() ? { search: debouncedSearch.trim() } : {}),
  };
  const groups = useRecipientGroups(clientId);
  const list = useEnrolments(clientId, campaignId, filters, true);
  const action = useLearnerAction();
  const [dialog, setDialog] = useState<{ e: Enrolment; kind: 'extend' | 'complete' } | null>(null);
  const [dueAt, setDueAt] = useState('');
  const [reason, setReason] = useState('');

  const run = (e: Enrolment, kind: LearnerAction, body?: { dueAt?: string; reason?: string }) =>
    action.mutate(
      { clientId, campaignId, enrolmentId: e.id, action: kind, body },
      {
        onSuccess: () => {
          notifySuccess(
            {
              resend: `A new invitation to ${e.recipient.email} is queued.`,
              extend: `${e.recipient.email} is now due ${formatDateTime(body?.dueAt)}.`,
              complete: `${e.recipient.email} is marked complete.`,
              revoke: `${e.recipient.email}'s link no longer works.`,
            }[kind],
          );
          setDialog(null);
        },
        onError: (err) => notifyFailure('The action failed', err),
      },
    );

  const rows = list.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <Stack gap="sm">
      <Group gap="sm" align="flex-end">
        <TextInput
          label="Search"
          placeholder="Name or email"
          leftSection={<IconSearch size={14} aria-hidden />}
          value={search}
          onChange={(ev) => setSearch(ev.currentTarget.value)}
        />
        <Select
          label="Status"
          clearable
          placeholder="Any"
          data={Object.entries(STATUS).map(([value, s]) => ({ value, label: s.label }))}
          value={status}
          onChange={(v) => setStatus(v as EnrolmentStatus | null)}
        />
        <Select
          label="Group"
          clearable
          searchable
          placeholder="Any"
          data={(groups.data ?? []).map((g) => ({ value: g.id, label: g.name }))}
          value={groupId}
          onChange={setGroupId}
        />
        <TextInput label="Department" value={department} onChange={(ev) => setDepartment(ev.currentTarget.value)} />
      </Group>
      <Table.ScrollContainer minWidth={900}>
        <Table verticalSpacing="xs" striped aria-label="Learners">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Learner</Table.Th>
              <Table.Th>Status</Table.Th>
              <Table.Th>Invitation</Table.Th>
              <Table.Th>
                <Tooltip label="A soft signal: image proxies and privacy features fake or hide it">
                  <span>Opened*</span>
                </Tooltip>
              </Table.Th>
              <Table.Th>Link clicked</Table.Th>
              <Table.Th>Progress</Table.Th>
              <Table.Th>Score</Table.Th>
              <Table.Th>Time</Table.Th>
              <Table.Th>Reminders</Table.Th>
              <Table.Th>Due</Table.Th>
              <Table.Th aria-label="Actions" />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {rows.map((e) => (
              <Table.Tr key={e.id}>
                <Table.Td>
                  <Text size="sm" fw={500}>
                    {e.recipient.name ?? e.recipient.email}
                  </Text>
                  <Text size="xs" c="dimmed">
                    {e.recipient.email}
                    {e.recipient.department ? ` · ${e.recipient.department}` : ''}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <Badge color={STATUS[e.status].color} variant="light">
                    {STATUS[e.status].label}
                  </Badge>
                  {e.completedManually && (
                    <Text size="xs" c="dimmed">
                      by hand
                    </Text>
                  )}
                </Table.Td>
                <Table.Td>
                  <Text size="sm">{e.invitation ?? '—'}</Text>
                  <Text size="xs" c="dimmed">
                    {e.invitedAt ? formatDateTime(e.invitedAt) : `planned ${formatDateTime(e.inviteAt)}`}
                  </Text>
                </Table.Td>
                <Table.Td>{formatDate(e.openedAt)}</Table.Td>
                <Table.Td>{formatDate(e.clickedAt)}</Table.Td>
                <Table.Td>
                  <Progress value={e.progress} w={70} aria-label={`Progress ${e.progress}%`} />
                </Table.Td>
                <Table.Td>
                  {e.score === null ? '—' : `${e.score}%`}
                  {e.passed !== null && (
                    <Text size="xs" c={e.passed ? 'teal' : 'red'}>
                      {e.passed ? 'passed' : 'not passed'}
                    </Text>
                  )}
                </Table.Td>
                <Table.Td>{Math.round(e.timeSpentSeconds / 60)} min</Table.Td>
                <Table.Td>{e.remindersSent}</Table.Td>
                <Table.Td>{formatDate(e.dueAt)}</Table.Td>
                <Table.Td>
                  {running && !readOnly && (
                    <Menu position="bottom-end" withinPortal>
                      <Menu.Target>
                        <ActionIcon variant="subtle" aria-label={`Actions for ${e.recipient.email}`}>
                          <IconDots size={16} aria-hidden />
                        </ActionIcon>
                      </Menu.Target>
                      <Menu.Dropdown>
                        <Menu.Item disabled={Boolean(e.revokedAt || e.completedAt)} onClick={() => run(e, 'resend')}>
                          Resend invitation
                        </Menu.Item>
                        <Menu.Item
                          disabled={Boolean(e.revokedAt || e.completedAt)}
                          onClick={() => {
                            setDueAt(
                              toLocalInput(
                                new Date(Math.max(Date.parse(e.dueAt), Date.now()) + 7 * 86_400_000).toISOString(),
                              ),
                            );
                            setDialog({ e, kind: 'extend' });
                          }}
                        >
                          Extend due date…
                        </Menu.Item>
                        <Menu.Item
                          disabled={Boolean(e.completedAt)}
                          onClick={() => {
                            setReason('');
                            setDialog({ e, kind: 'complete' });
                          }}
                        >
                          Mark complete…
                        </Menu.Item>
                        <Menu.Item color="red" disabled={Boolean(e.revokedAt)} onClick={() => run(e, 'revoke')}>
                          Revoke link
                        </Menu.Item>
                      </Menu.Dropdown>
                    </Menu>
                  )}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      {rows.length === 0 && !list.isPending && (
        <Text c="dimmed" ta="center" py="md">
          No learner matches.
        </Text>
      )}
      {list.hasNextPage && (
        <Group justify="center">
          <Button variant="default" onClick={() => list.fetchNextPage()} loading={list.isFetchingNextPage}>
            Load more
          </Button>
        </Group>
      )}
      <Modal
        opened={dialog !== null}
        onClose={() => setDialog(null)}
        title={dialog?.kind === 'extend' ? 'Extend the due date' : 'Mark complete by hand'}
        centered
      >
        {dialog && (
          <Stack>
            <Text size="sm">{dialog.e.recipient.email}</Text>
            {dialog.kind === 'extend' ? (
              <TextInput
                type="datetime-local"
                label="New due date"
                value={dueAt}
                onChange={(ev) => setDueAt(ev.currentTarget.value)}
              />
            ) : (
              <Textarea
                label="Reason (kept in the audit log)"
                required
                minLength={3}
                value={reason}
                onChange={(ev) => setReason(ev.currentTarget.value)}
              />
            )}
            <Group justify="flex-end">
              <Button variant="default" onClick={() => setDialog(null)}>
                Cancel
              </Button>
              <Button
                loading={action.isPending}
                disabled={dialog.kind === 'complete' ? reason.trim().length < 3 : !dueAt}
                onClick={() =>
                  dialog.kind === 'extend'
                    ? run(dialog.e, 'extend', { dueAt: new Date(dueAt).toISOString() })
                    : run(dialog.e, 'complete', { reason: reason.trim() })
                }
              >
                {dialog.kind === 'extend' ? 'Extend' : 'Mark complete'}
              </Button>
            </Group>
          </Stack>
        )}
      </Modal>
    </Stack>
  );
}
