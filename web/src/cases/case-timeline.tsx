import { Group, SegmentedControl, Stack, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Activity } from '../api/api-types.js';
import { TimelineItem } from './timeline-item.js';

export function CaseTimeline({ timeline }: { timeline: Activity[] }) {
  const { t, i18n } = useTranslation();
  const [order, setOrder] = useState<'newest' | 'oldest'>('newest');
  const items = order === 'newest' ? [...timeline].reverse() : timeline;
  return (
    <Stack component="section" aria-labelledby="timeline-title" gap="sm">
      <Group justify="space-between">
        <Title order={2} size="h4" id="timeline-title">
          {t('case.timeline')}{' '}
          <Text span size="sm" c="dimmed" fw={400}>
            {t('case.items', { count: timeline.length })}
          </Text>
        </Title>
        <SegmentedControl
          size="xs"
          aria-label={t('case.order')}
          value={order}
          onChange={(v) => setOrder(v === 'oldest' ? 'oldest' : 'newest')}
          data={[
            { value: 'newest', label: t('case.newestFirst') },
            { value: 'oldest', label: t('case.oldestFirst') },
          ]}
        />
      </Group>
      {timeline.length === 0 ? (
        <Text c="dimmed">{t('case.emptyTimeline')}</Text>
      ) : (
        <Stack component="ol" gap="sm" p={0} m={0} style={{ listStyle: 'none' }}>
          {items.map((activity) => (
            <li key={activity.id}>
              <TimelineItem activity={activity} t={t} language={i18n.language} />
            </li>
          ))}
        </Stack>
      )}
    </Stack>
  );
}
