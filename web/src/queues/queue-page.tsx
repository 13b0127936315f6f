import { Anchor, Button, Group, Stack, Table, Text, Title } from '@mantine/core';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link, useParams, useSearchParams } from 'react-router';
import { api, queryString } from '../api/api-client.js';
import type { CasePage } from '../api/api-types.js';
import { useFeature } from '../api/capabilities.js';
import { NotFoundPage } from '../app/not-found-page.js';
import { AttentionQueue } from '../mail/attention-queue.js';
import { PriorityBadge, StatusBadge } from '../shared/badges.js';
import { ErrorNotice } from '../shared/error-notice.js';
import { formatTime } from '../shared/format-time.js';
import { PageLoaderInline } from '../shared/page-loader.js';
import { BreachingQueue } from '../sla/breaching-queue.js';
import { QueueFilterBar } from './queue-filter-bar.js';
import {
  apiQueryFor,
  type CaseFilters,
  filtersFromSearch,
  type QueueId,
  queueIds,
  searchFromFilters,
} from './queue-filters.js';

const titles: Record<QueueId, string> = {
  mine: 'nav.mine',
  unassigned: 'nav.unassigned',
  waiting: 'nav.waiting',
  all: 'nav.all',
  breaching: 'nav.breaching',
  attention: 'nav.attention',
};

export function QueuePage() {
  const { queue: param } = useParams();
  const queue = queueIds.find((q) => q === param);
  // Breaching-soon and needs-attention queues exist when the SLA and inbound-mail APIs do.
  const breaching = useFeature('breaching');
  const attention = useFeature('needsAttention');
  if (queue === 'breaching' && breaching) return <BreachingQueue />;
  if (queue === 'attention' && attention) return <AttentionQueue />;
  if (!queue || queue === 'breaching' || queue === 'attention') return <NotFoundPage />;
  return <CaseQueue queue={queue} />;
}

function CaseQueue({ queue }: { queue: QueueId }) {
  const { t, i18n } = useTranslation();
  const [search, setSearch] = useSearchParams();
  const filters = filtersFromSearch(queue, search);
  const setFilters = (next: CaseFilters) => setSearch(searchFromFilters(queue, next), { replace: true });
  const cases = useQuery({
    queryKey: ['cases', apiQueryFor(filters)],
    queryFn: () => api<CasePage>(`/cases${queryString(apiQueryFor(filters))}`),
    placeholderData: keepPreviousData,
    refetchInterval: 30_000,
  });
  const title = t(titles[queue]);

  return (
    <Stack gap="md">
      <Title order={1} size="h2">
        {title}
      </Title>
      <QueueFilterBar filters={filters} onChange={setFilters} />
      {cases.isError && <ErrorNotice error={cases.error} onRetry={() => void cases.refetch()} />}
      {cases.isPending && <PageLoaderInline />}
      {cases.data && (
        <>
          <Table.ScrollContainer minWidth={720}>
            <Table striped highlightOnHover verticalSpacing="xs" aria-busy={cases.isFetching}>
              <Table.Caption>{t('queue.count', { count: cases.data.items.length })}</Table.Caption>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th scope="col">{t('queue.number')}</Table.Th>
                  <Table.Th scope="col">{t('queue.title')}</Table.Th>
                  <Table.Th scope="col">{t('queue.account')}</Table.Th>
                  <Table.Th scope="col">{t('queue.priority')}</Table.Th>
                  <Table.Th scope="col">{t('queue.status')}</Table.Th>
                  <Table.Th scope="col">{t('queue.owner')}</Table.Th>
                  <Table.Th scope="col">{t('queue.updated')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {cases.data.items.map((c) => (
                  <Table.Tr key={c.id}>
                    <Table.Td>
                      <Anchor component={Link} to={`/cases/${c.number}`} ff="monospace" size="sm">
                        {c.number}
                      </Anchor>
                    </Table.Td>
                    <Table.Td>
                      <Text size="sm" lineClamp={2}>
                        {c.title}
                      </Text>
                    </Table.Td>
                    <Table.Td>{c.account ?? '—'}</Table.Td>
                    <Table.Td>
                      <PriorityBadge priority={c.priority} />
                    </Table.Td>
                    <Table.Td>
                      <StatusBadge status={c.status} />
                    </Table.Td>
                    <Table.Td>{c.owner?.name ?? t('queue.unowned')}</Table.Td>
                    <Table.Td>
                      <Text size="sm" style={{ whiteSpace: 'nowrap' }}>
                        {formatTime(c.updatedAt, i18n.language, { style: 'short' })}
                      </Text>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
          {cases.data.items.length === 0 && <Text c="dimmed">{t('queue.empty')}</Text>}
          <Group justify="space-between">
            <Button
              variant="default"
              disabled={filters.page <= 1}
              onClick={() => setFilters({ ...filters, page: filters.page - 1 })}
            >
              {t('queue.previous')}
            </Button>
            <Text size="sm" aria-live="polite">
              {t('queue.page', { page: filters.page })}
            </Text>
            <Button
              variant="default"
              disabled={!cases.data.hasMore}
              onClick={() => setFilters({ ...filters, page: filters.page + 1 })}
            >
              {t('queue.next')}
            </Button>
          </Group>
        </>
      )}
    </Stack>
  );
}
