import { Center, Loader } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { lazy, Suspense, useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { Navigate, Route, Routes, useLocation } from 'react-router';
import { SignInPage } from '../auth/sign-in-page.js';
import { useMe } from '../auth/use-me.js';
import { prefetchCasePage } from '../cases/case-prefetch.js';
import { ErrorNotice } from '../shared/error-notice.js';
import { AppLayout } from './app-layout.js';
import { NotFoundPage } from './not-found-page.js';

// One chunk per page, so the first load carries only the shell.
const QueuePage = lazy(() => import('../queues/queue-page.js').then((m) => ({ default: m.QueuePage })));
const loadCasePage = () => import('../cases/case-page.js');
const CasePage = lazy(() => loadCasePage().then((m) => ({ default: m.CasePage })));
const AccountsPage = lazy(() =>
  import('../accounts/accounts-page.js').then((m) => ({ default: m.AccountsPage })),
);
const AccountPage = lazy(() =>
  import('../accounts/account-page.js').then((m) => ({ default: m.AccountPage })),
);
const EngineersPage = lazy(() =>
  import('../admin/engineers-page.js').then((m) => ({ default: m.EngineersPage })),
);
const CalendarsPage = lazy(() =>
  import('../admin/calendars-page.js').then((m) => ({ default: m.CalendarsPage })),
);
const SlaPoliciesPage = lazy(() =>
  import('../admin/sla-policies-page.js').then((m) => ({ default: m.SlaPoliciesPage })),
);
const TemplatesPage = lazy(() =>
  import('../admin/templates-page.js').then((m) => ({ default: m.TemplatesPage })),
);
const MailSettingsPage = lazy(() =>
  import('../admin/mail-settings-page.js').then((m) => ({ default: m.MailSettingsPage })),
);

export function PageLoader() {
  const { t } = useTranslation();
  return (
    <Center p="xl">
      <Loader aria-label={t('app.loading')} />
    </Center>
  );
}

// The customer portal: its own chunk, sign-in and layout; it never asks for the engineers' session.
const PortalApp = lazy(() => import('../portal/portal-app.js').then((m) => ({ default: m.PortalApp })));

export function AppRoutes() {
  const { pathname } = useLocation();
  if (pathname === '/portal' || pathname.startsWith('/portal/')) return <Lazy page={<PortalApp />} />;
  return <EngineerRoutes />;
}

function EngineerRoutes() {
  const me = useMe();
  const client = useQueryClient();
  // A case opened by its URL loads alongside the sign-in check (the first screen of a shared link).
  useEffect(() => prefetchCasePage(client, window.location.pathname, loadCasePage), [client]);
  if (me.isPending) return <PageLoader />;
  if (me.isError) return <ErrorNotice error={me.error} onRetry={() => void me.refetch()} />;
  if (!me.data) return <SignInPage />;
  return (
    <Routes>
      <Route element={<AppLayout me={me.data} />}>
        <Route index element={<Navigate to="/queues/mine" replace />} />
        <Route path="sign-in" element={<Navigate to="/queues/mine" replace />} />
        <Route path="queues/:queue" element={<Lazy page={<QueuePage />} />} />
        <Route path="cases/:number" element={<Lazy page={<CasePage />} />} />
        <Route path="accounts" element={<Lazy page={<AccountsPage />} />} />
        <Route path="accounts/:name" element={<Lazy page={<AccountPage />} />} />
        <Route path="admin/engineers" element={<Lazy page={<EngineersPage />} />} />
        <Route path="admin/calendars" element={<Lazy page={<CalendarsPage />} />} />
        <Route path="admin/sla-policies" element={<Lazy page={<SlaPoliciesPage />} />} />
        <Route path="admin/templates" element={<Lazy page={<TemplatesPage />} />} />
        <Route path="admin/mail" element={<Lazy page={<MailSettingsPage />} />} />
        <Route path="*" element={<NotFoundPage />} />
      </Route>
    </Routes>
  );
}

function Lazy({ page }: { page: React.ReactNode }) {
  return <Suspense fallback={<PageLoader />}>{page}</Suspense>;
}
