import { Anchor, Stack, Table, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api } from '../api/api-client.js';
import { useFeature } from '../api/capabilities.js';
import { formatTime } from '../shared/format-time.js';

type InboundItem = {
  id: string;
  status: string;
  receivedAt: string;
  source: string;
  subject: string;
  from: string | null;
  reason: string | null;
  namedCase: string | null;
  caseNumber: string | null;
};

/** Mail that could not be filed (GET /mail/attention) and mail held for review (GET /mail/review). */
export function AttentionQueue() {
  const { t } = useTranslation();
  const review = useFeature('review');
  return (
    <Stack gap="md">
      <Title order={1} size="h2">
        {t('nav.attention')}
      </Title>
      <InboundList path="/mail/attention" title={t('mail.unfiled')} />
      {review && <InboundList path="/mail/review" title={t('mail.review')} />}
    </Stack>
  );
}

function InboundList({ path, title }: { path: string; title: string }) {
  const { t, i18n } = useTranslation();
  const list = useQuery({
    queryKey: ['inbound', path],
    queryFn: () => api<{ items: InboundItem[] }>(path),
    refetchInterval: 30_000,
  });
  const id = `list-${path.replace(/\W/g, '-')}`;
  return (
    <section aria-labelledby={id}>
      <Title order={2} size="h4" id={id} mb="xs">
        {title}
      </Title>
      {list.data?.items.length === 0 && <Text c="dimmed">{t('mail.none')}</Text>}
      {list.data && list.data.items.length > 0 && (
        <Table.ScrollContainer minWidth={720}>
          <Table striped>
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">{t('mail.received')}</Table.Th>
                <Table.Th scope="col">{t('mail.from')}</Table.Th>
                <Table.Th scope="col">{t('mail.subject')}</Table.Th>
                <Table.Th scope="col">{t('mail.reason')}</Table.Th>
                <Table.Th scope="col">{t('queue.number')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {list.data.items.map((m) => {
                const number = m.caseNumber ?? m.namedCase;
                return (
                  <Table.Tr key={m.id}>
                    <Table.Td>{formatTime(m.receivedAt, i18n.language, { style: 'short' })}</Table.Td>
                    <Table.Td>{m.from ?? '—'}</Table.Td>
                    <Table.Td>{m.subject}</Table.Td>
                    <Table.Td>{m.reason ?? '—'}</Table.Td>
                    <Table.Td>
                      {number ? (
                        <Anchor component={Link} to={`/cases/${number}`} ff="monospace" size="sm">
                          {number}
                        </Anchor>
                      ) : (
                        '—'
                      )}
                    </Table.Td>
                  </Table.Tr>
                );
              })}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
    </section>
  );
}
