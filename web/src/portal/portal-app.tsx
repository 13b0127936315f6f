import { Anchor, AppShell, Button, Container, Group, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Link, Navigate, Outlet, Route, Routes } from 'react-router';
import { LanguageSwitch } from '../app/language-switch.js';
import { ErrorNotice } from '../shared/error-notice.js';
import { viewerTimeZone } from '../shared/format-time.js';
import { PageLoaderInline } from '../shared/page-loader.js';
import { type PortalMe, usePortalMe, usePortalSignOut } from './portal-api.js';
import { PortalCasePage } from './portal-case-page.js';
import { PortalCasesPage } from './portal-cases-page.js';
import { PortalSignInPage } from './portal-sign-in-page.js';

/**
 * The customer portal at /portal/*: its own sign-in and layout, no engineer navigation. Loaded as
 * its own chunk; it never asks for the engineers' session.
 */
export function PortalApp() {
  const me = usePortalMe();
  if (me.isPending) return <PageLoaderInline />;
  if (me.isError) return <ErrorNotice error={me.error} onRetry={() => void me.refetch()} />;
  if (!me.data) return <PortalSignInPage />;
  return (
    <Routes>
      <Route path="portal" element={<PortalLayout me={me.data} />}>
        <Route index element={<Navigate to="/portal/cases" replace />} />
        <Route path="sign-in" element={<Navigate to="/portal/cases" replace />} />
        <Route path="cases" element={<PortalCasesPage me={me.data} />} />
        <Route path="cases/:number" element={<PortalCasePage />} />
        <Route path="*" element={<Navigate to="/portal/cases" replace />} />
      </Route>
    </Routes>
  );
}

function PortalLayout({ me }: { me: PortalMe }) {
  const { t } = useTranslation();
  const signOut = usePortalSignOut();
  return (
    <AppShell header={{ height: 56 }} padding="md">
      <AppShell.Header>
        <Anchor href="#main" className="skip-link">
          {t('portal.skipToContent')}
        </Anchor>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap" gap="xs">
          <Anchor component={Link} to="/portal/cases" fw={700} c="inherit" underline="never" truncate>
            {t('portal.title')}
          </Anchor>
          <Group gap="xs" wrap="nowrap">
            <Text size="sm" c="dimmed" visibleFrom="sm" truncate>
              {t('portal.signedInAs', { name: me.name, account: me.account })}
            </Text>
            <Button size="xs" variant="default" onClick={() => signOut.mutate()} loading={signOut.isPending}>
              {t('portal.signOut')}
            </Button>
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Main id="main" tabIndex={-1}>
        <Container size="md" px={0}>
          <Outlet />
          <Group component="footer" justify="space-between" mt="xl" gap="xs">
            <Text size="xs" c="dimmed">
              {t('app.timeZone', { zone: viewerTimeZone() })}
            </Text>
            <LanguageSwitch />
          </Group>
        </Container>
      </AppShell.Main>
    </AppShell>
  );
}
