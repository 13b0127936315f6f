import { Anchor, Group, Paper, SegmentedControl, Stack, Table, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { StatusBadge } from '../shared/badges.js';
import { ErrorNotice } from '../shared/error-notice.js';
import { formatTime } from '../shared/format-time.js';
import { PageLoaderInline } from '../shared/page-loader.js';
import { type CaseState, type PortalMe, usePortalCases } from './portal-api.js';
import { PortalPasswordForm } from './portal-password-form.js';

export function PortalCasesPage({ me }: { me: PortalMe }) {
  const { t, i18n } = useTranslation();
  const [state, setState] = useState<CaseState>('open');
  const cases = usePortalCases(state);
  return (
    <Stack gap="md">
      <Group justify="space-between" wrap="wrap">
        <Title order={1} size="h2">
          {t('portal.cases.title')}
        </Title>
        <SegmentedControl
          aria-label={t('portal.cases.filter')}
          value={state}
          onChange={(v) => setState(v as CaseState)}
          data={(['open', 'closed', 'all'] as const).map((s) => ({
            value: s,
            label: t(`portal.cases.${s}`),
          }))}
        />
      </Group>
      {cases.isPending && <PageLoaderInline />}
      {cases.isError && <ErrorNotice error={cases.error} onRetry={() => void cases.refetch()} />}
      {cases.data?.items.length === 0 && <Text c="dimmed">{t('portal.cases.none')}</Text>}
      {cases.data && cases.data.items.length > 0 && (
        <Table.ScrollContainer minWidth={320}>
          <Table verticalSpacing="sm">
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">{t('portal.cases.number')}</Table.Th>
                <Table.Th scope="col">{t('portal.cases.subject')}</Table.Th>
                <Table.Th scope="col">{t('portal.cases.status')}</Table.Th>
                <Table.Th scope="col" visibleFrom="sm">
                  {t('portal.cases.updated')}
                </Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {cases.data.items.map((c) => (
                <Table.Tr key={c.number}>
                  <Table.Td>
                    <Anchor component={Link} to={`/portal/cases/${c.number}`} ff="monospace" size="sm">
                      {c.number}
                    </Anchor>
                  </Table.Td>
                  <Table.Td>{c.title}</Table.Td>
                  <Table.Td>
                    <StatusBadge status={c.status} />
                  </Table.Td>
                  <Table.Td visibleFrom="sm">
                    {formatTime(c.updatedAt, i18n.language, { style: 'short' })}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      <Paper withBorder p="md" radius="md" component="section" aria-labelledby="portal-password-title">
        <Title order={2} size="h4" id="portal-password-title" mb="sm">
          {t('portal.password.title')}
        </Title>
        <PortalPasswordForm hasPassword={me.hasPassword} />
      </Paper>
    </Stack>
  );
}
