import { Alert, Button, Checkbox, Divider, Group, Paper, Radio, Select, Stack, Text, Title } from '@mantine/core';
import { IconAlertTriangle } from '@tabler/icons-react';
import { useState } from 'react';
import type { IncidentChanges, IncidentDetail, Verdict } from '../../api/incidents';
import { useAssignableOperators } from '../../hooks/useAssignableOperators';
import { useUpdateIncident } from '../../hooks/useIncidents';
import { describeError } from '../../lib/describeError';
import { countOf } from '../../lib/format';
import { notifySuccess } from '../../lib/notify';
import { verdictLabels } from './IncidentBadges';

const TRIAGE_VERDICTS: Verdict[] = ['phishing', 'spam', 'clean'];

/** Classify (optionally replying to every reporter), assign, resolve or reopen. */
export function TriagePanel({ incident, readOnly }: { incident: IncidentDetail; readOnly: boolean }) {
  const update = useUpdateIncident(incident.clientId, incident.id);
  const assignable = useAssignableOperators([incident.clientId]);
  const [verdict, setVerdict] = useState<Verdict | null>(
    incident.verdict && incident.verdict !== 'simulation' ? incident.verdict : null,
  );
  const [reply, setReply] = useState(false);
  const resolved = incident.status === 'resolved';

  const apply = (changes: IncidentChanges, done: string) =>
    update.mutate(changes, {
      onSuccess: () => {
        notifySuccess(done);
        setReply(false);
      },
    });

  const options = assignable.operators.map((o) => ({ value: o.id, label: o.name }));
  // The current assignee stays choosable even if the list does not hold them (a client
  // administrator cannot list system administrators).
  if (incident.assigneeId && !options.some((o) => o.value === incident.assigneeId))
    options.unshift({ value: incident.assigneeId, label: incident.assigneeName ?? 'Current assignee' });

  return (
    <Paper withBorder radius="md" p="md" component="section" aria-labelledby="triage-title">
      <Stack gap="md">
        <Title order={2} fz="h4" id="triage-title">
          Triage
        </Title>
        {update.isError && (
          <Alert
            color="red"
            icon={<IconAlertTriangle size={18} aria-hidden />}
            title="Nothing was changed"
            role="alert"
          >
            {describeError(update.error)}
          </Alert>
        )}
        <Radio.Group
          label="Verdict"
          value={verdict ?? ''}
          onChange={(v) => setVerdict(v as Verdict)}
          description={
            incident.verdict === 'simulation' ? 'A Baitwise simulation, classified automatically.' : undefined
          }
        >
          <Group gap="md" mt={6}>
            {TRIAGE_VERDICTS.map((v) => (
              <Radio key={v} value={v} label={verdictLabels[v]} disabled={readOnly} />
            ))}
          </Group>
        </Radio.Group>
        <Checkbox
          label="Reply to reporters"
          description={`Send the verdict's reply to ${countOf(incident.reportCount, 'reporter')}.`}
          checked={reply}
          onChange={(e) => setReply(e.currentTarget.checked)}
          disabled={readOnly}
        />
        <Button
          onClick={() =>
            verdict &&
            apply(
              { verdict, reply },
              `Classified as ${verdictLabels[verdict].toLowerCase()}${reply ? '; the reporters will get a reply' : ''}.`,
            )
          }
          disabled={!verdict || readOnly}
          loading={update.isPending && update.variables?.verdict !== undefined}
          w="fit-content"
        >
          Classify
        </Button>
        <Divider />
        <Select
          label="Assignee"
          placeholder="Unassigned"
          data={options}
          value={incident.assigneeId}
          onChange={(assigneeId) =>
            apply(
              { assigneeId },
              assigneeId ? `Assigned to ${options.find((o) => o.value === assigneeId)?.label}.` : 'Unassigned.',
            )
          }
          clearable
          searchable
          disabled={readOnly || assignable.isPending}
        />
        <Divider />
        <Group gap="sm">
          {resolved ? (
            <Button
              variant="default"
              onClick={() => apply({ status: 'in_review' }, 'Reopened.')}
              disabled={readOnly}
              loading={update.isPending && update.variables?.status === 'in_review'}
            >
              Reopen
            </Button>
          ) : (
            <Button
              variant="default"
              onClick={() => apply({ status: 'resolved' }, 'Resolved.')}
              disabled={readOnly}
              loading={update.isPending && update.variables?.status === 'resolved'}
            >
              Resolve
            </Button>
          )}
          <Text size="xs" c="dimmed">
            {resolved ? 'Resolved: it is out of the open list.' : 'Resolve once nothing is left to do.'}
          </Text>
        </Group>
      </Stack>
    </Paper>
  );
}
