import { Button, Paper, Stack, Text, Textarea, Timeline, Title } from '@mantine/core';
import { useState } from 'react';
import type { TimelineEvent } from '../../api/incidents';
import { useAddNote } from '../../hooks/useIncidents';
import { describeError } from '../../lib/describeError';
import { formatDateTime } from '../../lib/format';
import { notifySuccess } from '../../lib/notify';
import { statusLabels, verdictLabels } from './IncidentBadges';

const MAX_NOTE = 10_000;

const field = (detail: Record<string, unknown> | null, name: string): unknown => detail?.[name];
const str = (v: unknown): string | null => (typeof v === 'string' && v ? v : null);
const num = (v: unknown): number | null => (typeof v === 'number' ? v : null);

/** A sentence per event; the detail's shape depends on its type (src/modules/incidents/view.ts). */
export function describeEvent(e: TimelineEvent): { title: string; body: string | null } {
  const d = e.detail;
  const who = e.actorName ?? 'Baitwise';
  switch (e.type) {
    case 'reported': {
      const reporter = str(field(d, 'reporterAddress')) ?? str(field(d, 'reporter'));
      return { title: reporter ? `Reported by ${reporter}` : 'Reported', body: null };
    }
    case 'viewed':
      return { title: `Viewed by ${who}`, body: null };
    case 'classified': {
      const v = str(field(d, 'verdict'));
      const label = v && v in verdictLabels ? verdictLabels[v as keyof typeof verdictLabels] : v;
      return { title: `Classified as ${label?.toLowerCase() ?? '…'} by ${who}`, body: null };
    }
    case 'assigned': {
      const to = str(field(d, 'assigneeName')) ?? str(field(d, 'name'));
      const unassigned = field(d, 'assigneeId') === null && !to;
      return {
        title: unassigned ? `Unassigned by ${who}` : `Assigned to ${to ?? 'an operator'} by ${who}`,
        body: null,
      };
    }
    case 'noted':
      return { title: `Note by ${who}`, body: str(field(d, 'text')) };
    case 'resolved':
      return { title: `Resolved by ${who}`, body: null };
    case 'reopened': {
      const s = str(field(d, 'status'));
      return {
        title: `Reopened by ${who}`,
        body: s && s in statusLabels ? statusLabels[s as keyof typeof statusLabels] : null,
      };
    }
    case 'replied': {
      const n = num(field(d, 'replies')) ?? num(field(d, 'count'));
      return {
        title: n === null ? 'Replied to the reporters' : `Replied to ${n} reporter${n === 1 ? '' : 's'}`,
        body: null,
      };
    }
    default:
      return { title: `${e.type} by ${who}`, body: null };
  }
}

interface Item {
  id: string;
  title: string;
  body: string | null;
  when: string;
}

/**
 * The events as lines. A run of reports (a wave: hundreds of people within minutes) is one line,
 * "Reported by … and 299 others": every reporter is in the Reporters table.
 */
function items(events: TimelineEvent[]): Item[] {
  const out: Item[] = [];
  for (let i = 0; i < events.length; ) {
    const e = events[i] as TimelineEvent;
    let j = i;
    while (e.type === 'reported' && events[j + 1]?.type === 'reported') j++;
    const run = j - i + 1;
    if (run >= 3) {
      const last = events[j] as TimelineEvent;
      const first = describeEvent(e).title;
      out.push({
        id: e.id,
        title: `${first} and ${run - 1} others`,
        body: null,
        when: `${formatDateTime(e.at)} – ${formatDateTime(last.at)}`,
      });
    } else {
      for (let k = i; k <= j; k++) {
        const ev = events[k] as TimelineEvent;
        out.push({ id: ev.id, ...describeEvent(ev), when: formatDateTime(ev.at) });
      }
    }
    i = j + 1;
  }
  return out;
}

/** What happened to the incident, oldest first, and a box to add a note to it. */
export function IncidentTimeline({
  clientId,
  incidentId,
  events,
  readOnly,
}: {
  clientId: string;
  incidentId: string;
  events: TimelineEvent[];
  readOnly: boolean;
}) {
  const [text, setText] = useState('');
  const note = useAddNote(clientId, incidentId);
  const trimmed = text.trim();
  return (
    <Paper withBorder radius="md" p="md" component="section" aria-labelledby="timeline-title">
      <Stack gap="md">
        <Title order={2} fz="h4" id="timeline-title">
          Timeline
        </Title>
        <Timeline bulletSize={12} lineWidth={2}>
          {items(events).map(({ id, title, body, when }) => (
            <Timeline.Item
              key={id}
              title={
                <Text size="sm" fw={600} style={{ overflowWrap: 'anywhere' }}>
                  {title}
                </Text>
              }
            >
              {body && (
                <Text size="sm" style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}>
                  {body}
                </Text>
              )}
              <Text size="xs" c="dimmed">
                {when}
              </Text>
            </Timeline.Item>
          ))}
        </Timeline>
        <form
          onSubmit={(ev) => {
            ev.preventDefault();
            if (!trimmed) return;
            note.mutate(trimmed, {
              onSuccess: () => {
                setText('');
                notifySuccess('The note was added.');
              },
            });
          }}
        >
          <Stack gap="xs">
            <Textarea
              label="Add a note"
              placeholder="What you found, what you did"
              autosize
              minRows={2}
              maxRows={8}
              maxLength={MAX_NOTE}
              value={text}
              onChange={(e) => setText(e.currentTarget.value)}
              error={note.isError ? describeError(note.error) : undefined}
              disabled={readOnly}
            />
            <Button
              type="submit"
              size="xs"
              variant="default"
              loading={note.isPending}
              disabled={!trimmed || readOnly}
              w="fit-content"
            >
              Add note
            </Button>
          </Stack>
        </form>
      </Stack>
    </Paper>
  );
}
