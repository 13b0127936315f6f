import { Anchor, Badge, Group, Paper, Stack, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { formatTime } from '../shared/format-time.js';
import type { PortalItem } from './portal-api.js';

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(v < 10 ? 1 : 0)} ${units[i]}`;
}

/** The customer's view of the case history, oldest first; times in the viewer's zone. */
export function PortalTimeline({ items }: { items: PortalItem[] }) {
  return (
    <Stack gap="sm" component="ol" p={0} m={0} style={{ listStyle: 'none' }}>
      {items.map((item) => (
        <li key={item.id}>
          <TimelineEntry item={item} />
        </li>
      ))}
    </Stack>
  );
}

function TimelineEntry({ item }: { item: PortalItem }) {
  const { t, i18n } = useTranslation();
  const time = (
    <Text size="xs" c="dimmed" component="time" dateTime={item.occurredAt}>
      {formatTime(item.occurredAt, i18n.language)}
    </Text>
  );
  if (item.kind === 'email') {
    const mine = item.direction === 'inbound';
    return (
      <Paper withBorder p="sm" radius="md" bg={mine ? 'gray.0' : undefined} component="article">
        <Group justify="space-between" gap="xs" wrap="wrap">
          <Group gap="xs">
            <Badge variant="filled" color={mine ? 'gray.7' : 'indigo.8'} tt="none">
              {mine ? t('portal.case.toSupport') : t('portal.case.fromSupport')}
            </Badge>
            <Text size="sm" fw={600}>
              {item.from.name ?? item.from.address}
            </Text>
          </Group>
          {time}
        </Group>
        <Text size="sm" c="dimmed" mt={4} style={{ overflowWrap: 'anywhere' }}>
          {item.subject}
        </Text>
        <pre className="mail-text" style={{ marginTop: 8 }}>
          {item.text}
        </pre>
        {item.quoted && (
          <details className="quoted">
            <summary>{t('portal.case.quoted')}</summary>
            <pre className="mail-text">{item.quoted}</pre>
          </details>
        )}
        {item.attachments.length > 0 && (
          <Group gap="xs" mt="xs" aria-label={t('portal.case.attachments')} role="group">
            {item.attachments.map((f) => (
              <Anchor key={f.sha256} href={f.url} size="sm" download={f.filename}>
                {f.filename} ({formatBytes(f.size)})
              </Anchor>
            ))}
          </Group>
        )}
      </Paper>
    );
  }
  const line =
    item.kind === 'status'
      ? t('portal.case.statusChanged', { from: t(`status.${item.from}`), to: t(`status.${item.to}`) })
      : item.kind === 'upload'
        ? t('portal.case.uploaded', { name: item.file.filename, size: formatBytes(item.file.size) })
        : item.kind === 'opened'
          ? t('portal.case.caseOpened')
          : t('portal.case.caseClosed');
  return (
    <Group gap="xs" px="sm" wrap="wrap">
      <Text size="sm">{line}</Text>
      {time}
    </Group>
  );
}
