import {
  Anchor,
  AppShell,
  Burger,
  Button,
  Group,
  NavLink,
  ScrollArea,
  Text,
  TextInput,
  VisuallyHidden,
} from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, Outlet, useLocation, useNavigate } from 'react-router';
import type { Engineer } from '../api/api-types.js';
import { caseNumberPattern } from '../api/api-types.js';
import { useFeature } from '../api/capabilities.js';
import { useSignOut } from '../auth/use-me.js';
import { NotificationsMenu } from '../notifications/notifications-menu.js';
import { viewerTimeZone } from '../shared/format-time.js';
import { LanguageSwitch } from './language-switch.js';

/** Admin pages, shown in the navigation to admins only (the pages themselves also check). */
const adminLinks = [
  { to: '/admin/calendars', label: 'admin.nav.calendars' },
  { to: '/admin/sla-policies', label: 'admin.nav.policies' },
  { to: '/admin/templates', label: 'admin.nav.templates' },
  { to: '/admin/mail', label: 'admin.nav.mail' },
] as const;

export function AppLayout({ me }: { me: Engineer }) {
  const { t } = useTranslation();
  const [opened, { toggle, close }] = useDisclosure(false);
  const location = useLocation();
  const signOut = useSignOut();
  const breaching = useFeature('breaching');
  const attention = useFeature('needsAttention');

  const links: { to: string; label: string }[] = [
    { to: '/queues/mine', label: t('nav.mine') },
    { to: '/queues/unassigned', label: t('nav.unassigned') },
    { to: '/queues/waiting', label: t('nav.waiting') },
    ...(breaching ? [{ to: '/queues/breaching', label: t('nav.breaching') }] : []),
    ...(attention ? [{ to: '/queues/attention', label: t('nav.attention') }] : []),
    { to: '/queues/all', label: t('nav.all') },
  ];

  return (
    <AppShell
      header={{ height: 56 }}
      navbar={{ width: 230, breakpoint: 'sm', collapsed: { mobile: !opened } }}
      padding="md"
    >
      <AppShell.Header>
        <Anchor href="#main" className="skip-link">
          {t('app.skipToContent')}
        </Anchor>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap" gap="sm">
          <Group gap="sm" wrap="nowrap">
            <Burger
              opened={opened}
              onClick={toggle}
              hiddenFrom="sm"
              size="sm"
              aria-label={t('app.toggleNavigation')}
            />
            <Anchor component={Link} to="/queues/mine" fw={700} size="lg" c="indigo.8" underline="never">
              {t('app.name')}
            </Anchor>
          </Group>
          <QuickSearch />
          <Group gap="xs" wrap="nowrap">
            <NotificationsMenu />
            <Group visibleFrom="md" gap="xs" wrap="nowrap">
              <LanguageSwitch />
              <Text size="sm" c="dimmed" title={t('app.timeZone', { zone: viewerTimeZone() })}>
                {me.name}
              </Text>
            </Group>
            <Button size="xs" variant="subtle" onClick={() => signOut.mutate()}>
              {t('app.signOut')}
            </Button>
          </Group>
        </Group>
      </AppShell.Header>

      <AppShell.Navbar p="xs" aria-label={t('nav.queues')}>
        <AppShell.Section grow component={ScrollArea}>
          <Text size="xs" fw={700} c="dimmed" tt="uppercase" px="sm" pt="xs" pb={4}>
            {t('nav.queues')}
          </Text>
          {links.map((link) => (
            <NavLink
              key={link.to}
              component={Link}
              to={link.to}
              label={link.label}
              active={location.pathname === link.to}
              aria-current={location.pathname === link.to ? 'page' : undefined}
              onClick={close}
            />
          ))}
          <NavLink
            component={Link}
            to="/accounts"
            label={t('nav.accounts')}
            active={location.pathname.startsWith('/accounts')}
            onClick={close}
          />
          <Text size="xs" fw={700} c="dimmed" tt="uppercase" px="sm" pt="md" pb={4}>
            {t('nav.admin')}
          </Text>
          <NavLink
            component={Link}
            to="/admin/engineers"
            label={t('nav.engineers')}
            active={location.pathname === '/admin/engineers'}
            onClick={close}
          />
          {me.role === 'admin' &&
            adminLinks.map((link) => (
              <NavLink
                key={link.to}
                component={Link}
                to={link.to}
                label={t(link.label)}
                active={location.pathname === link.to}
                aria-current={location.pathname === link.to ? 'page' : undefined}
                onClick={close}
              />
            ))}
        </AppShell.Section>
        <AppShell.Section hiddenFrom="md" p="sm">
          <LanguageSwitch />
        </AppShell.Section>
      </AppShell.Navbar>

      <AppShell.Main id="main" tabIndex={-1}>
        <Outlet />
      </AppShell.Main>
    </AppShell>
  );
}

/** Jumps straight to a case by its number, or searches titles and numbers in all cases. */
function QuickSearch() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const [text, setText] = useState('');
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const q = text.trim();
    if (!q) return;
    if (caseNumberPattern.test(q.toUpperCase())) navigate(`/cases/${q.toUpperCase()}`);
    else navigate(`/queues/all?q=${encodeURIComponent(q)}`);
    setText('');
  };
  return (
    <search style={{ flex: 1, maxWidth: 360 }}>
      <form onSubmit={submit}>
        <VisuallyHidden>
          <label htmlFor="quick-search">{t('nav.quickSearchLabel')}</label>
        </VisuallyHidden>
        <TextInput
          id="quick-search"
          size="sm"
          type="search"
          placeholder={t('nav.quickSearch')}
          value={text}
          onChange={(e) => setText(e.currentTarget.value)}
        />
      </form>
    </search>
  );
}
