import { Group, Paper, SimpleGrid, Stack, Text, ThemeIcon, UnstyledButton } from '@mantine/core';
import { IconBrandAzure, IconChevronRight, IconMailForward, type TablerIcon } from '@tabler/icons-react';
import { Link } from 'react-router';
import { PageHeader } from '../components/PageHeader';

interface Section {
  title: string;
  description: string;
  to: string;
  icon: TablerIcon;
}

// The sub-pages of Common System Settings; each capability adds its entry here.
const sections: Section[] = [
  {
    title: 'Azure Applications',
    description: "Connect a client's Microsoft Entra tenant through an app registered there.",
    to: '/settings/azure-applications',
    icon: IconBrandAzure,
  },
  {
    title: 'Sending profiles',
    description:
      "How a client's mail leaves: SMTP relays and Microsoft 365 mailboxes, their pace, queues and test sends.",
    to: '/settings/sending-profiles',
    icon: IconMailForward,
  },
];

export function SettingsPage() {
  return (
    <>
      <PageHeader title="Common System Settings" description="Settings that apply across this Baitwise server." />
      <SimpleGrid cols={{ base: 1, sm: 2, lg: 3 }}>
        {sections.map(({ title, description, to, icon: Icon }) => (
          // Named by its text (title, then description): an aria-label of the title alone would not
          // match what a speech-input user sees and says (WCAG 2.5.3).
          <UnstyledButton key={to} component={Link} to={to}>
            <Paper withBorder radius="md" p="md" h="100%">
              <Group wrap="nowrap" align="flex-start">
                <ThemeIcon variant="light" size={40} radius="md">
                  <Icon size={22} aria-hidden />
                </ThemeIcon>
                <Stack gap={4} style={{ flex: 1 }}>
                  <Text fw={600}>{title}</Text>
                  <Text size="sm" c="dimmed">
                    {description}
                  </Text>
                </Stack>
                <IconChevronRight size={18} aria-hidden />
              </Group>
            </Paper>
          </UnstyledButton>
        ))}
      </SimpleGrid>
    </>
  );
}
