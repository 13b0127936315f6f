import { Alert, Badge, Group, Paper, Stack, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api } from '../api/api-client.js';
import { formatTime } from '../shared/format-time.js';
import { type CaseSla, formatSecondsLeft, type SlaClockStatus } from './sla-types.js';

const statusColor: Record<SlaClockStatus, string> = {
  met: 'teal.9',
  missed: 'red.9',
  pending: 'indigo.8',
  overdue: 'red.9',
  paused: 'gray.7',
  none: 'gray.7',
};

export function SlaBadge({ status }: { status: SlaClockStatus }) {
  const { t } = useTranslation();
  return (
    <Badge color={statusColor[status]} variant="filled" radius="sm" tt="none">
      {t(`sla.status.${status}`)}
    </Badge>
  );
}

/** Due times, follow-up windows met or missed, and calendar warnings of one case. */
export function SlaPanel({ number }: { number: string }) {
  const { t, i18n } = useTranslation();
  const sla = useQuery({
    queryKey: ['case-sla', number],
    queryFn: () => api<CaseSla>(`/cases/${encodeURIComponent(number)}/sla`),
    refetchInterval: 30_000,
  });
  if (!sla.data) return null;
  const s = sla.data;
  const clocks = [
    { label: t('sla.firstResponse'), clock: s.firstResponse },
    ...(s.followUp ? [{ label: t('sla.followUp'), clock: s.followUp }] : []),
    { label: t('sla.resolution'), clock: s.resolution },
  ];
  return (
    <Paper withBorder p="md" radius="md" component="section" aria-labelledby="sla-title">
      <Title order={2} size="h4" id="sla-title" mb="xs">
        {t('sla.title')}
      </Title>
      <Text size="xs" c="dimmed" mb="xs">
        {t('sla.calendar', { calendar: s.calendar })}
        {s.cadence.businessDays ? ` · ${t('sla.cadence', { days: s.cadence.businessDays })}` : ''}
      </Text>
      <Stack gap={6}>
        {clocks.map(({ label, clock }) => (
          <Group key={label} justify="space-between" wrap="nowrap" gap="xs">
            <div>
              <Text size="sm">{label}</Text>
              <Text size="xs" c="dimmed">
                {clock.doneAt
                  ? t('sla.doneAt', { time: formatTime(clock.doneAt, i18n.language, { style: 'short' }) })
                  : clock.dueAt
                    ? t('sla.due', { time: formatTime(clock.dueAt, i18n.language, { style: 'short' }) })
                    : ''}
                {clock.secondsLeft !== null && !clock.doneAt
                  ? ` (${formatSecondsLeft(clock.secondsLeft)})`
                  : ''}
              </Text>
            </div>
            <SlaBadge status={clock.status} />
          </Group>
        ))}
      </Stack>
      {s.followUps.length > 0 && (
        <>
          <Text size="sm" fw={600} mt="sm">
            {t('sla.followUps')}
          </Text>
          <Stack gap={2} component="ul" p={0} m={0} style={{ listStyle: 'none' }}>
            {s.followUps.map((w) => (
              <Group component="li" key={w.promisedAt} justify="space-between" gap="xs" wrap="nowrap">
                <Text size="xs">
                  {t('sla.due', { time: formatTime(w.dueAt, i18n.language, { style: 'short' }) })}
                </Text>
                <SlaBadge status={w.met === null ? 'pending' : w.met ? 'met' : 'missed'} />
              </Group>
            ))}
          </Stack>
        </>
      )}
      {s.warnings.map((w) => (
        <Alert key={`${w.calendar}-${w.year}`} color="orange" mt="sm" p="xs">
          <Text size="xs">{w.message}</Text>
        </Alert>
      ))}
    </Paper>
  );
}
