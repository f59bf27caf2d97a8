import { NavLink, Stack } from '@mantine/core';
import {
  IconAddressBook,
  IconBuilding,
  IconClipboardList,
  IconCloudDownload,
  IconInbox,
  IconLayoutDashboard,
  IconSchool,
  IconSettings,
  IconStack2,
  IconUsers,
  type TablerIcon,
} from '@tabler/icons-react';
import { Link, useLocation } from 'react-router';
import { useClientSearch } from '../hooks/useSelectedClient';
import { useIsSystemAdmin } from '../hooks/useSession';

interface Entry {
  label: string;
  to: string;
  icon: TablerIcon;
  /** Exact match only: the dashboard's "/" would otherwise be active everywhere. */
  exact?: boolean;
}

export function MainNav({ onNavigate }: { onNavigate: () => void }) {
  const { pathname } = useLocation();
  const search = useClientSearch();
  const isSystemAdmin = useIsSystemAdmin();

  const entries: Entry[] = [
    { label: 'Dashboard', to: '/', icon: IconLayoutDashboard, exact: true },
    { label: 'Clients', to: '/clients', icon: IconBuilding },
    // Hidden rather than disabled: client administrators have no use for it at all.
    ...(isSystemAdmin ? [{ label: 'Operators', to: '/operators', icon: IconUsers }] : []),
    { label: 'Recipients', to: '/recipients', icon: IconAddressBook },
    { label: 'Incidents', to: '/incidents', icon: IconInbox },
    // Every client's incidents in one list: an MSSP's analysts work all clients from one screen.
    ...(isSystemAdmin ? [{ label: 'All incidents', to: '/incidents/all', icon: IconStack2 }] : []),
    { label: 'Entra sync', to: '/entra-sync', icon: IconCloudDownload },
    { label: 'Audit log', to: '/audit', icon: IconClipboardList },
  ];
  // A longer entry that matches wins: "All incidents" (/incidents/all) is not also "Incidents".
  const isActive = (to: string, exact?: boolean) =>
    exact
      ? pathname === to
      : pathname.startsWith(to) &&
        !entries.some((e) => e.to.length > to.length && e.to.startsWith(to) && pathname.startsWith(e.to));
  const link = (label: string, to: string, exact?: boolean) => ({
    component: Link,
    to: `${to}${search}`,
    label,
    active: isActive(to, exact),
    onClick: onNavigate,
    'aria-current': isActive(to, exact) ? ('page' as const) : undefined,
  });

  return (
    <Stack component="nav" aria-label="Main" gap={2}>
      {entries.map(({ label, to, icon: Icon, exact }) => (
        <NavLink key={to} {...link(label, to, exact)} leftSection={<Icon size={18} aria-hidden />} />
      ))}
      {/* The groups are real buttons (Mantine renders an <a> without href otherwise), so they are
          focusable and announced as something that opens. */}
      <NavLink
        component="button"
        label="Training"
        leftSection={<IconSchool size={18} aria-hidden />}
        defaultOpened={pathname.startsWith('/training')}
        childrenOffset={28}
      >
        <NavLink {...link('Campaigns', '/training/campaigns')} />
        <NavLink {...link('Library', '/training/library')} />
      </NavLink>
      <NavLink
        component="button"
        label="Settings"
        leftSection={<IconSettings size={18} aria-hidden />}
        defaultOpened={pathname.startsWith('/settings')}
        childrenOffset={28}
      >
        <NavLink {...link('Common System Settings', '/settings', true)} />
        <NavLink {...link('Azure Applications', '/settings/azure-applications')} pl="lg" />
        <NavLink {...link('Sending profiles', '/settings/sending-profiles')} pl="lg" />
        <NavLink {...link('Reporter feedback', '/settings/reporter-feedback')} pl="lg" />
        <NavLink {...link('Webhooks', '/settings/webhooks')} pl="lg" />
      </NavLink>
    </Stack>
  );
}
