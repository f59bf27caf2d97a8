import { Anchor, Group, Paper, Stack, Table, Text, Title } from '@mantine/core';
import { Link } from 'react-router';
import type { Client } from '../../api/types';
import { type ChecklistStep, clientSteps, OnboardingChecklist } from '../../components/OnboardingChecklist';
import { useClientOverview, useClientSummaries } from '../../hooks/useClientOverview';

/** The client steps before a client exists: what a new installation has ahead of it. */
const FIRST_CLIENT: ChecklistStep[] = [
  {
    key: 'client',
    label: 'Add your first client',
    description: 'A client is one organisation you protect; everything else belongs to one.',
    href: '/clients',
    done: false,
  },
  ...[
    ['azure_app', 'Add an Azure application', "Register Baitwise in the client's Microsoft Entra tenant."],
    ['authorize', 'Authorize it with Microsoft', "Grant the permissions with an account of the client's tenant."],
    ['recipients', 'Import recipients', 'Sync the people from Entra ID, or import a CSV file.'],
    ['sending_profile', 'Add a sending profile', 'How Baitwise sends mail for the client.'],
    ['training_campaign', 'Launch a training campaign', 'Enrol recipients in a course.'],
    ['report_addin', 'Set up the report add-in', 'An Outlook button to report suspicious messages.'],
  ].map(([key, label, description]) => ({
    key: key as string,
    label: label as string,
    description: description as string,
    href: '/clients',
    done: false,
  })),
];

function ClientChecklist({ client }: { client: Client }) {
  const overview = useClientOverview(client.id);
  if (!overview.data || overview.data.onboarding.done === overview.data.onboarding.total) return null;
  return <OnboardingChecklist title={`Set up ${client.name}`} steps={clientSteps(overview.data)} />;
}

/** Several clients, none chosen: those whose set-up is not finished, each with its progress. */
function ClientsInProgress({ clients }: { clients: Client[] }) {
  const summaries = useClientSummaries();
  const open = clients.filter((c) => {
    const s = summaries.data?.get(c.id);
    return s && s.onboarding.done < s.onboarding.total;
  });
  if (open.length === 0) return null;
  return (
    <Paper withBorder radius="md" p="md" component="section" aria-labelledby="setup-in-progress">
      <Stack gap="sm">
        <Title order={2} fz="h4" id="setup-in-progress">
          Clients still being set up
        </Title>
        <Table aria-labelledby="setup-in-progress">
          <Table.Tbody>
            {open.map((c) => {
              const s = summaries.data?.get(c.id);
              return (
                <Table.Tr key={c.id}>
                  <Table.Td>
                    <Anchor component={Link} to={`/clients/${encodeURIComponent(c.id)}`}>
                      {c.name}
                    </Anchor>
                  </Table.Td>
                  <Table.Td>
                    <Group justify="flex-end">
                      <Text size="sm">
                        {s?.onboarding.done} of {s?.onboarding.total} steps done
                      </Text>
                    </Group>
                  </Table.Td>
                </Table.Tr>
              );
            })}
          </Table.Tbody>
        </Table>
      </Stack>
    </Paper>
  );
}

/**
 * The dashboard's onboarding: on a new installation the path from the first client on; with a
 * client chosen (or the only one) that client's checklist until it is complete; otherwise the
 * clients whose set-up is unfinished.
 */
export function DashboardOnboarding({
  clients,
  selected,
  canAddClients,
}: {
  clients: Client[];
  selected: Client | null;
  canAddClients: boolean;
}) {
  const active = clients.filter((c) => !c.archived);
  if (active.length === 0) {
    return canAddClients ? <OnboardingChecklist title="Get started with Baitwise" steps={FIRST_CLIENT} /> : null;
  }
  const one = selected ?? (active.length === 1 ? active[0] : null);
  if (one) return one.archived ? null : <ClientChecklist client={one} />;
  return <ClientsInProgress clients={active} />;
}
