import { AppShell, Burger, Group, Text, ThemeIcon, UnstyledButton } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { IconShieldCheck } from '@tabler/icons-react';
import { Link, Outlet } from 'react-router';
import { ClientPicker } from './ClientPicker';
import { MainNav } from './MainNav';
import { OperatorMenu } from './OperatorMenu';

export function AppLayout() {
  const [navOpened, nav] = useDisclosure(false);
  return (
    <AppShell
      header={{ height: 60 }}
      // Below md (992 px, so on a tablet too) the navigation folds behind the burger: beside a
      // 264 px navigation a tablet's tables would have under 500 px.
      navbar={{ width: 264, breakpoint: 'md', collapsed: { mobile: !navOpened } }}
      padding="lg"
    >
      {/* The first stop for the keyboard: past the header and the navigation, to the page itself. */}
      <a className="skip-link" href="#main">
        Skip to main content
      </a>
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group gap="sm" wrap="nowrap">
            <Burger opened={navOpened} onClick={nav.toggle} hiddenFrom="md" size="sm" aria-label="Toggle navigation" />
            <UnstyledButton component={Link} to="/" aria-label="Baitwise home">
              <Group gap={8} wrap="nowrap">
                <ThemeIcon size="md" radius="md" variant="filled">
                  <IconShieldCheck size={18} aria-hidden />
                </ThemeIcon>
                <Text fw={700} fz="lg" visibleFrom="xs">
                  Baitwise
                </Text>
              </Group>
            </UnstyledButton>
          </Group>
          <Group gap="sm" wrap="nowrap">
            <ClientPicker />
            <OperatorMenu />
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="sm">
        <MainNav onNavigate={nav.close} />
      </AppShell.Navbar>
      {/* tabIndex -1: the skip link's target takes the focus, so the next Tab continues inside it */}
      <AppShell.Main bg="gray.0" id="main" tabIndex={-1} style={{ outline: 'none' }}>
        <Outlet />
      </AppShell.Main>
    </AppShell>
  );
}
