import {
  Anchor,
  Badge,
  Button,
  Group,
  Paper,
  Progress,
  Stack,
  Text,
  ThemeIcon,
  Title,
  VisuallyHidden,
} from '@mantine/core';
import { IconArrowRight, IconCheck } from '@tabler/icons-react';
import { Link } from 'react-router';
import type { ClientOverview, OnboardingStepKey } from '../api/clientOverview';

export interface ChecklistStep {
  key: string;
  label: string;
  description: string;
  /** where the step is done */
  href: string;
  done: boolean;
}

const clientQuery = (clientId: string) => `?client=${encodeURIComponent(clientId)}`;

const STEP_TEXT: Record<OnboardingStepKey, { label: string; description: string }> = {
  azure_app: {
    label: 'Add an Azure application',
    description: "Register Baitwise in the client's Microsoft Entra tenant and enter its IDs and secret.",
  },
  authorize: {
    label: 'Authorize it with Microsoft',
    description: "Sign in with an account of the client's tenant and grant the permissions.",
  },
  recipients: {
    label: 'Import recipients',
    description: 'Sync the people from Entra ID, or import a CSV file.',
  },
  sending_profile: {
    label: 'Add a sending profile',
    description: 'How Baitwise sends mail for this client: Microsoft 365 or an SMTP relay.',
  },
  training_campaign: {
    label: 'Launch a training campaign',
    description: 'Enrol recipients in a course; invitations and reminders go out on their own.',
  },
  report_addin: {
    label: 'Set up the report add-in',
    description: 'Give people an Outlook button to report suspicious messages.',
  },
};

/** The client's onboarding steps, each linking to where it is done. */
export function clientSteps(overview: ClientOverview): ChecklistStep[] {
  const id = overview.clientId;
  const q = clientQuery(id);
  const unauthorized = overview.microsoft365.applications.find((a) => a.status !== 'connected');
  const href: Record<OnboardingStepKey, string> = {
    azure_app: `/settings/azure-applications${q}`,
    authorize: unauthorized
      ? `/settings/azure-applications/${encodeURIComponent(unauthorized.id)}${q}`
      : `/settings/azure-applications${q}`,
    recipients: `/recipients${q}`,
    sending_profile: `/settings/sending-profiles${q}`,
    training_campaign: `/training/campaigns${q}`,
    report_addin: `/clients/${encodeURIComponent(id)}${q}#report-addin`,
  };
  return overview.onboarding.steps.map((s) => ({ ...STEP_TEXT[s.key], key: s.key, href: href[s.key], done: s.done }));
}

/**
 * Each step links to where it is done and ticks itself once its data exists (the steps come from
 * the server's overview, read again after every change). The first step not done is the next one.
 */
export function OnboardingChecklist({ title, steps }: { title: string; steps: ChecklistStep[] }) {
  const done = steps.filter((s) => s.done).length;
  const next = steps.find((s) => !s.done);
  return (
    <Paper withBorder radius="md" p="md" component="section" aria-labelledby="onboarding-title">
      <Stack gap="sm">
        <Group justify="space-between" wrap="wrap">
          <Title order={2} fz="h4" id="onboarding-title">
            {title}
          </Title>
          <Text size="sm" c="dimmed">
            {done} of {steps.length} done
          </Text>
        </Group>
        {/* decorative: "n of m done" above says it in words */}
        <div aria-hidden>
          <Progress value={(done / steps.length) * 100} />
        </div>
        <Stack component="ol" gap="xs" m={0} p={0} style={{ listStyle: 'none' }} aria-label="Onboarding steps">
          {steps.map((step, i) => (
            <Group component="li" key={step.key} wrap="nowrap" align="flex-start" gap="sm">
              <ThemeIcon
                size={28}
                radius="xl"
                variant={step.done ? 'filled' : 'light'}
                color={step.done ? 'teal' : 'gray'}
                aria-hidden
              >
                {step.done ? <IconCheck size={16} /> : <Text size="sm">{i + 1}</Text>}
              </ThemeIcon>
              <Stack gap={0} style={{ flex: 1 }}>
                <Group gap="xs">
                  <Anchor component={Link} to={step.href} fw={500} td={step.done ? 'line-through' : undefined}>
                    {step.label}
                  </Anchor>
                  {step.done ? (
                    <Badge color="teal" variant="light" size="sm">
                      Done
                    </Badge>
                  ) : (
                    step === next && (
                      <Badge variant="light" size="sm">
                        Next
                      </Badge>
                    )
                  )}
                </Group>
                <Text size="sm" c="dimmed">
                  {step.description}
                </Text>
              </Stack>
              {step === next && (
                <Button
                  component={Link}
                  to={step.href}
                  size="xs"
                  rightSection={<IconArrowRight size={14} aria-hidden />}
                >
                  {/* the visible word starts the accessible name (WCAG 2.5.3, label in name) */}
                  Start<VisuallyHidden> next step: {step.label}</VisuallyHidden>
                </Button>
              )}
            </Group>
          ))}
        </Stack>
      </Stack>
    </Paper>
  );
}
