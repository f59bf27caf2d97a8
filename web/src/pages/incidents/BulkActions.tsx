import { Alert, Button, Checkbox, Group, Modal, Paper, Select, Stack, Text } from '@mantine/core';
import { IconAlertTriangle } from '@tabler/icons-react';
import { useState } from 'react';
import type { BulkAction, IncidentSummary, Verdict } from '../../api/incidents';
import { useAssignableOperators } from '../../hooks/useAssignableOperators';
import { type InboxScope, useBulkIncidents } from '../../hooks/useIncidents';
import { describeError } from '../../lib/describeError';
import { countOf } from '../../lib/format';
import { notifySuccess } from '../../lib/notify';
import { verdictLabels } from './IncidentBadges';

const TITLES: Record<BulkAction, string> = {
  classify: 'Classify incidents',
  assign: 'Assign incidents',
  resolve: 'Resolve incidents',
  reopen: 'Reopen incidents',
};
const TRIAGE_VERDICTS: Verdict[] = ['phishing', 'spam', 'clean'];

/** The bar above the table while rows are ticked, and the confirmation of what it will do. */
export function BulkActions({
  scope,
  selected,
  onDone,
}: {
  scope: InboxScope;
  selected: IncidentSummary[];
  onDone: () => void;
}) {
  const [action, setAction] = useState<BulkAction | null>(null);
  const n = selected.length;
  if (n === 0) return null;
  return (
    <Paper withBorder p="xs" radius="md" bg="var(--mantine-color-blue-light)">
      <Group gap="sm" role="toolbar" aria-label="Bulk actions">
        <Text size="sm" fw={600} aria-live="polite">
          {countOf(n, 'incident')} selected
        </Text>
        <Button size="xs" onClick={() => setAction('classify')}>
          Classify…
        </Button>
        <Button size="xs" variant="default" onClick={() => setAction('assign')}>
          Assign…
        </Button>
        <Button size="xs" variant="default" onClick={() => setAction('resolve')}>
          Resolve
        </Button>
        <Button size="xs" variant="default" onClick={() => setAction('reopen')}>
          Reopen
        </Button>
        <Button size="xs" variant="subtle" onClick={onDone}>
          Clear selection
        </Button>
      </Group>
      {action && (
        <BulkModal
          key={action}
          scope={scope}
          action={action}
          selected={selected}
          onClose={() => setAction(null)}
          onDone={() => {
            setAction(null);
            onDone();
          }}
        />
      )}
    </Paper>
  );
}

function BulkModal({
  scope,
  action,
  selected,
  onClose,
  onDone,
}: {
  scope: InboxScope;
  action: BulkAction;
  selected: IncidentSummary[];
  onClose: () => void;
  onDone: () => void;
}) {
  const bulk = useBulkIncidents(scope);
  const [verdict, setVerdict] = useState<Verdict | null>(null);
  const [reply, setReply] = useState(false);
  const [assigneeId, setAssigneeId] = useState<string | null>(null);
  const clientIds = [...new Set(selected.map((i) => i.clientId))];
  const assignable = useAssignableOperators(action === 'assign' ? clientIds : []);
  const reporters = selected.reduce((sum, i) => sum + i.reportCount, 0);
  const what = countOf(selected.length, 'incident');
  const ready = action !== 'classify' || verdict !== null;

  const confirm = () =>
    bulk.mutate(
      {
        ids: selected.map((i) => i.id),
        action,
        ...(action === 'classify' && verdict ? { verdict, reply } : {}),
        ...(action === 'assign' ? { assigneeId } : {}),
      },
      {
        onSuccess: ({ updated }) => {
          notifySuccess(`${countOf(updated, 'incident')} updated.`);
          onDone();
        },
      },
    );

  return (
    <Modal opened onClose={onClose} title={TITLES[action]} centered>
      <Stack gap="md">
        {action === 'classify' && (
          <>
            <Select
              label="Verdict"
              placeholder="Choose a verdict"
              data={TRIAGE_VERDICTS.map((v) => ({ value: v, label: verdictLabels[v] }))}
              value={verdict}
              onChange={(v) => setVerdict(v as Verdict | null)}
              data-autofocus
            />
            <Checkbox
              label="Reply to reporters"
              description={`Thank the ${countOf(reporters, 'reporter')} with the verdict's template, through the client's sending profile.`}
              checked={reply}
              onChange={(e) => setReply(e.currentTarget.checked)}
            />
          </>
        )}
        {action === 'assign' && (
          <Select
            label="Assignee"
            placeholder="Nobody (unassign)"
            data={assignable.operators.map((o) => ({ value: o.id, label: `${o.name} (${o.email})` }))}
            value={assigneeId}
            onChange={setAssigneeId}
            clearable
            searchable
            data-autofocus
          />
        )}
        <Text size="sm">
          {action === 'classify' && `Classify ${what} as ${verdict ? verdictLabels[verdict].toLowerCase() : '…'}?`}
          {action === 'assign' && `Assign ${what}${assigneeId ? '' : ' to nobody'}?`}
          {action === 'resolve' && `Resolve ${what}? They leave the list of open incidents.`}
          {action === 'reopen' && `Reopen ${what}? They go back to review.`} All of them change, or none does.
        </Text>
        {bulk.isError && (
          <Alert
            color="red"
            icon={<IconAlertTriangle size={18} aria-hidden />}
            title="Nothing was changed"
            role="alert"
          >
            {describeError(bulk.error)}
          </Alert>
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Cancel
          </Button>
          <Button onClick={confirm} loading={bulk.isPending} disabled={!ready}>
            {action === 'classify'
              ? 'Classify'
              : action === 'assign'
                ? 'Assign'
                : action === 'resolve'
                  ? 'Resolve'
                  : 'Reopen'}{' '}
            {what}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
