import { Badge, Group, Paper, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { CaseDetail } from '../api/api-types.js';
import { PriorityBadge, StatusBadge } from '../shared/badges.js';
import { formatTime } from '../shared/format-time.js';

/** One label/value pair of a description list (`dl`). */
export function Field({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div>
      <Text size="xs" c="dimmed" component="dt">
        {label}
      </Text>
      <Text size="sm" component="dd" m={0}>
        {children}
      </Text>
    </div>
  );
}

export function CaseHeader({ detail }: { detail: CaseDetail }) {
  const { t, i18n } = useTranslation();
  return (
    <Paper withBorder p="md" radius="md" component="header">
      <Stack gap="xs">
        <Group gap="xs">
          <Badge variant="outline" color="dark" radius="sm" ff="monospace" tt="none" size="lg">
            {detail.number}
          </Badge>
          <PriorityBadge priority={detail.priority} />
          <StatusBadge status={detail.status} />
        </Group>
        <Title order={1} size="h3">
          {detail.title}
        </Title>
        <SimpleGrid cols={{ base: 2, sm: 3, lg: 6 }} component="dl" spacing="sm" m={0}>
          <Field label={t('case.account')}>
            {detail.account ? (
              <Link to={`/accounts/${encodeURIComponent(detail.account)}`}>{detail.account}</Link>
            ) : (
              t('case.noAccount')
            )}
          </Field>
          <Field label={t('case.owner')}>{detail.owner?.name ?? t('case.noOwner')}</Field>
          <Field label={t('case.stage')}>{detail.stage || t('case.noStage')}</Field>
          <Field label={t('case.token')}>
            <span style={{ fontFamily: 'monospace' }}>{detail.trackingToken}</span>
          </Field>
          <Field label={t('case.opened')}>{formatTime(detail.openedAt, i18n.language)}</Field>
          <Field label={t('case.firstResponse')}>{formatTime(detail.firstResponseAt, i18n.language)}</Field>
        </SimpleGrid>
      </Stack>
    </Paper>
  );
}
