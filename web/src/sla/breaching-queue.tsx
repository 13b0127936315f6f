import { Anchor, Stack, Table, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api } from '../api/api-client.js';
import { formatTime } from '../shared/format-time.js';
import { PageLoaderInline } from '../shared/page-loader.js';
import { SlaBadge } from './sla-panel.js';
import { type BreachingCase, formatSecondsLeft } from './sla-types.js';

/** Open cases whose next due time is within a day, overdue ones first (GET /sla/breaching). */
export function BreachingQueue() {
  const { t, i18n } = useTranslation();
  const list = useQuery({
    queryKey: ['sla-breaching'],
    queryFn: () => api<{ items: BreachingCase[] }>('/sla/breaching?withinHours=24'),
    refetchInterval: 30_000,
  });
  return (
    <Stack gap="md">
      <Title order={1} size="h2">
        {t('nav.breaching')}
      </Title>
      {list.isPending && <PageLoaderInline />}
      {list.data?.items.length === 0 && <Text c="dimmed">{t('queue.empty')}</Text>}
      {list.data && list.data.items.length > 0 && (
        <Table.ScrollContainer minWidth={720}>
          <Table striped>
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">{t('queue.number')}</Table.Th>
                <Table.Th scope="col">{t('queue.title')}</Table.Th>
                <Table.Th scope="col">{t('queue.priority')}</Table.Th>
                <Table.Th scope="col">{t('queue.owner')}</Table.Th>
                <Table.Th scope="col">{t('sla.title')}</Table.Th>
                <Table.Th scope="col">{t('sla.dueColumn')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {list.data.items.map((c) => (
                <Table.Tr key={`${c.caseNumber}-${c.kind}`}>
                  <Table.Td>
                    <Anchor component={Link} to={`/cases/${c.caseNumber}`} ff="monospace" size="sm">
                      {c.caseNumber}
                    </Anchor>
                  </Table.Td>
                  <Table.Td>{c.title}</Table.Td>
                  <Table.Td>{c.priority}</Table.Td>
                  <Table.Td>{c.owner ?? '—'}</Table.Td>
                  <Table.Td>
                    <SlaBadge status={c.overdue ? 'overdue' : 'pending'} />{' '}
                    {c.kind ? t(`sla.kind.${c.kind}`) : ''}
                  </Table.Td>
                  <Table.Td>
                    {formatTime(c.dueAt, i18n.language, { style: 'short' })} (
                    {formatSecondsLeft(c.secondsLeft)})
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
    </Stack>
  );
}
