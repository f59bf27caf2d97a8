import { Badge } from '@mantine/core';
import type { AuthResult, IncidentStatus, Verdict } from '../../api/incidents';

export const statusLabels: Record<IncidentStatus, string> = {
  new: 'New',
  in_review: 'In review',
  resolved: 'Resolved',
};

export const verdictLabels: Record<Verdict | 'none', string> = {
  phishing: 'Phishing',
  spam: 'Spam',
  clean: 'Clean',
  simulation: 'Simulation',
  none: 'Unclassified',
};

const STATUS_COLORS: Record<IncidentStatus, string> = { new: 'blue', in_review: 'yellow', resolved: 'gray' };
const VERDICT_COLORS: Record<Verdict, string> = {
  phishing: 'red',
  spam: 'orange',
  clean: 'green',
  simulation: 'grape',
};

export function StatusBadge({ status }: { status: IncidentStatus }) {
  return (
    <Badge color={STATUS_COLORS[status]} variant="light" tt="none">
      {statusLabels[status]}
    </Badge>
  );
}

export function VerdictBadge({ verdict }: { verdict: Verdict | null }) {
  if (!verdict)
    return (
      <Badge color="gray.7" variant="outline" tt="none">
        Unclassified
      </Badge>
    );
  return (
    <Badge color={VERDICT_COLORS[verdict]} variant="filled" tt="none">
      {verdictLabels[verdict]}
    </Badge>
  );
}

// Outlined in dark shades, so the text itself has the contrast.
const AUTH_COLORS: Record<string, string> = {
  pass: 'green.9',
  fail: 'red.9',
  softfail: 'orange.9',
  permerror: 'red.9',
  temperror: 'yellow.9',
  neutral: 'gray.7',
  none: 'gray.7',
};

/** SPF / DKIM / DMARC as the receiving server judged them (Authentication-Results). */
export function AuthBadge({ name, result }: { name: string; result: AuthResult }) {
  return (
    <Badge color={result ? (AUTH_COLORS[result] ?? 'gray.7') : 'gray.7'} variant="outline" tt="none" size="lg">
      {name}: {result ?? 'not checked'}
    </Badge>
  );
}
