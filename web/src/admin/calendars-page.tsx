import { Badge, Button, Group, Paper, Table, Text, TextInput, Title } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api/api-client.js';
import { ErrorNotice } from '../shared/error-notice.js';
import { PageLoaderInline } from '../shared/page-loader.js';
import {
  adminKeys,
  type CalendarDetail,
  parseHours,
  type TimeRange,
  useAdminMutation,
  useCalendars,
} from './admin-api.js';
import { AdminPage, SavedNote, SaveError, ScrollTable } from './admin-only.js';
import { CalendarDetailPanel } from './calendar-detail.js';

export function CalendarsPage() {
  const { t } = useTranslation();
  return (
    <AdminPage title={t('admin.calendars.title')}>
      <CalendarsAdmin />
    </AdminPage>
  );
}

function CalendarsAdmin() {
  const { t } = useTranslation();
  const calendars = useCalendars();
  const [selected, setSelected] = useState<string | null>(null);
  const makeDefault = useAdminMutation(
    (name: string) => api(`/calendars/${encodeURIComponent(name)}/default`, { method: 'POST' }),
    [adminKeys.calendars],
  );
  if (calendars.isPending) return <PageLoaderInline />;
  if (calendars.isError) return <ErrorNotice error={calendars.error} />;
  const current =
    selected ?? calendars.data.find((c) => c.isDefault)?.name ?? calendars.data[0]?.name ?? null;
  return (
    <>
      <ScrollTable minWidth={560} label={t('admin.calendars.title')}>
        <Table striped>
          <Table.Caption>{t('admin.calendars.caption')}</Table.Caption>
          <Table.Thead>
            <Table.Tr>
              <Table.Th scope="col">{t('admin.calendars.name')}</Table.Th>
              <Table.Th scope="col">{t('admin.calendars.zone')}</Table.Th>
              <Table.Th scope="col">{t('admin.calendars.years')}</Table.Th>
              <Table.Th scope="col">{t('admin.actions')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {calendars.data.map((c) => (
              <Table.Tr key={c.name}>
                <Table.Td>
                  <Group gap={6}>
                    <Text fw={c.name === current ? 700 : 400}>{c.name}</Text>
                    {c.isDefault && <Badge color="indigo.8">{t('admin.calendars.default')}</Badge>}
                  </Group>
                </Table.Td>
                <Table.Td>{c.zone}</Table.Td>
                <Table.Td>{c.coveredYears.length ? c.coveredYears.join(', ') : '—'}</Table.Td>
                <Table.Td>
                  <Group gap="xs" wrap="nowrap">
                    <Button
                      size="xs"
                      variant={c.name === current ? 'filled' : 'light'}
                      onClick={() => setSelected(c.name)}
                      aria-pressed={c.name === current}
                      aria-label={t('admin.calendars.openNamed', { name: c.name })}
                    >
                      {t('admin.calendars.open')}
                    </Button>
                    {!c.isDefault && (
                      <Button
                        size="xs"
                        variant="subtle"
                        loading={makeDefault.isPending && makeDefault.variables === c.name}
                        onClick={() => makeDefault.mutate(c.name)}
                        aria-label={t('admin.calendars.makeDefaultNamed', { name: c.name })}
                      >
                        {t('admin.calendars.makeDefault')}
                      </Button>
                    )}
                  </Group>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </ScrollTable>
      <SaveError error={makeDefault.error} />
      {current && <CalendarDetailPanel name={current} />}
      <NewCalendarForm onCreated={setSelected} />
    </>
  );
}

const weekdays = [1, 2, 3, 4, 5, 6, 7] as const;

function NewCalendarForm({ onCreated }: { onCreated: (name: string) => void }) {
  const { t } = useTranslation();
  const [name, setName] = useState('');
  const [zone, setZone] = useState('Asia/Shanghai');
  const [hours, setHours] = useState<Record<number, string>>({
    1: '09:00-18:00',
    2: '09:00-18:00',
    3: '09:00-18:00',
    4: '09:00-18:00',
    5: '09:00-18:00',
    6: '',
    7: '',
  });
  const [problem, setProblem] = useState<string | null>(null);
  const create = useAdminMutation(
    (body: { name: string; zone: string; workingHours: Record<number, TimeRange[]> }) =>
      api<CalendarDetail>('/calendars', { method: 'POST', body }),
    [adminKeys.calendars],
  );
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const workingHours: Record<number, TimeRange[]> = {};
    for (const d of weekdays) {
      const parsed = parseHours(hours[d] ?? '');
      if (!parsed) {
        setProblem(t('admin.badHours', { value: hours[d] }));
        return;
      }
      workingHours[d] = parsed;
    }
    setProblem(null);
    create.mutate(
      { name: name.trim(), zone: zone.trim(), workingHours },
      { onSuccess: (c) => onCreated(c.name) },
    );
  };
  return (
    <Paper withBorder p="md" radius="md" component="form" onSubmit={submit} aria-labelledby="new-calendar">
      <Title order={2} size="h4" id="new-calendar" mb="sm">
        {t('admin.calendars.create')}
      </Title>
      <Group align="flex-end" gap="sm">
        <TextInput
          label={t('admin.calendars.name')}
          description={t('admin.calendars.nameHint')}
          value={name}
          onChange={(e) => setName(e.currentTarget.value)}
          required
        />
        <TextInput
          label={t('admin.calendars.zone')}
          description={t('admin.calendars.zoneHint')}
          value={zone}
          onChange={(e) => setZone(e.currentTarget.value)}
          required
        />
      </Group>
      <Group gap="sm" mt="sm">
        {weekdays.map((d) => (
          <TextInput
            key={d}
            w={130}
            label={t(`admin.weekday.${d}`)}
            placeholder="09:00-18:00"
            value={hours[d] ?? ''}
            onChange={(e) => {
              const value = e.currentTarget.value;
              setHours((h) => ({ ...h, [d]: value }));
            }}
          />
        ))}
      </Group>
      <Text size="xs" c="dimmed" mt={4}>
        {t('admin.hoursHint')}
      </Text>
      <Button type="submit" mt="sm" loading={create.isPending}>
        {t('admin.calendars.create')}
      </Button>
      {problem && (
        <Text c="red.9" role="alert" size="sm" mt="xs">
          {problem}
        </Text>
      )}
      <SaveError error={create.error} />
      <SavedNote text={create.data ? t('admin.calendars.created', { name: create.data.name }) : null} />
    </Paper>
  );
}
