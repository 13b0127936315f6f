import { Alert, Stack, Table, Title } from '@mantine/core';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../api/api-client.js';
import { useMe } from '../auth/use-me.js';

/** An admin page: its title, and its content only for admins (others get a plain notice). */
export function AdminPage({ title, children }: { title: string; children: ReactNode }) {
  const { t } = useTranslation();
  const me = useMe();
  return (
    <Stack gap="md">
      <Title order={1} size="h2">
        {title}
      </Title>
      {me.data?.role === 'admin' ? children : <Alert color="gray">{t('admin.onlyAdmins')}</Alert>}
    </Stack>
  );
}

/** A failed save, with the server's words (validation problems name the field). */
export function SaveError({ error }: { error: Error | null }) {
  const { t } = useTranslation();
  if (!error) return null;
  return (
    <Alert color="red" role="alert" mt="sm">
      {error instanceof ApiError && error.status === 403
        ? t('admin.onlyAdmins')
        : t('app.error', { message: error.message })}
    </Alert>
  );
}

/** A polite live region announcing the last successful save. */
export function SavedNote({ text }: { text: string | null }) {
  return (
    <div
      role="status"
      aria-live="polite"
      style={{ minHeight: 20, fontSize: 13, color: 'var(--mantine-color-teal-9)' }}
    >
      {text ?? ''}
    </div>
  );
}

/** A table that scrolls sideways on a phone; the scroller is focusable so keyboards can scroll it. */
export function ScrollTable({
  minWidth,
  label,
  children,
}: {
  minWidth: number;
  label: string;
  children: ReactNode;
}) {
  return (
    <Table.ScrollContainer minWidth={minWidth} type="native" tabIndex={0} role="region" aria-label={label}>
      {children}
    </Table.ScrollContainer>
  );
}
