import {
  Alert,
  Badge,
  Button,
  FileInput,
  Group,
  NumberInput,
  Paper,
  Select,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api/api-client.js';
import { ErrorNotice } from '../shared/error-notice.js';
import { PageLoaderInline } from '../shared/page-loader.js';
import {
  adminKeys,
  type CalendarDay,
  type CalendarDetail,
  formatHours,
  parseHours,
  useAdminMutation,
  useCalendar,
} from './admin-api.js';
import { SavedNote, SaveError, ScrollTable } from './admin-only.js';
import { MonthGrid } from './month-grid.js';

/** One calendar: a year's holidays and make-up workdays as a month grid and a list, edited in place. */
export function CalendarDetailPanel({ name }: { name: string }) {
  const { t } = useTranslation();
  const [year, setYear] = useState(new Date().getFullYear());
  const [month, setMonth] = useState(new Date().getMonth() + 1);
  const [date, setDate] = useState('');
  const calendar = useCalendar(name, year);
  const path = `/calendars/${encodeURIComponent(name)}`;
  const remove = useAdminMutation(
    (day: string) => api<CalendarDetail>(`${path}/days/${day}`, { method: 'DELETE' }),
    [adminKeys.calendars, ['admin', 'calendars', name]],
  );
  const days = Object.entries(calendar.data?.days ?? {}).sort(([a], [b]) => a.localeCompare(b));
  return (
    <Paper component="section" withBorder p="md" radius="md" aria-labelledby="calendar-detail">
      <Stack gap="sm">
        <Title order={2} size="h4" id="calendar-detail">
          {t('admin.calendars.detail', { name })}
        </Title>
        <Group gap="sm" align="flex-end">
          <NumberInput
            label={t('admin.calendars.year')}
            value={year}
            min={1900}
            max={2200}
            w={120}
            onChange={(v) => typeof v === 'number' && v >= 1900 && v <= 2200 && setYear(v)}
          />
          <Select
            label={t('admin.calendars.month')}
            w={140}
            data={Array.from({ length: 12 }, (_, i) => ({
              value: String(i + 1),
              label: t(`admin.month.${i + 1}`),
            }))}
            value={String(month)}
            onChange={(v) => v && setMonth(Number(v))}
            allowDeselect={false}
          />
          {calendar.data && (
            <Text size="sm" c="dimmed">
              {t('admin.calendars.zoneHours', {
                zone: calendar.data.zone,
                hours: formatHours(calendar.data.workingHours['1']),
              })}
            </Text>
          )}
        </Group>
        {calendar.isPending && <PageLoaderInline />}
        {calendar.isError && <ErrorNotice error={calendar.error} />}
        {calendar.data && !calendar.data.coveredYears.includes(year) && (
          <Alert color="yellow" role="alert">
            {t('admin.calendars.noData', { year, name })}
          </Alert>
        )}
        {calendar.data && (
          <MonthGrid
            year={year}
            month={month}
            days={calendar.data.days}
            workingHours={calendar.data.workingHours}
            selected={date}
            onPick={setDate}
          />
        )}
        <DayForm name={name} date={date} setDate={setDate} days={calendar.data?.days ?? {}} />
        <ScrollTable minWidth={520} label={t('admin.calendars.daysCaption', { year })}>
          <Table striped>
            <Table.Caption>{t('admin.calendars.daysCaption', { year })}</Table.Caption>
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">{t('admin.calendars.date')}</Table.Th>
                <Table.Th scope="col">{t('admin.calendars.kind')}</Table.Th>
                <Table.Th scope="col">{t('admin.calendars.label')}</Table.Th>
                <Table.Th scope="col">{t('admin.calendars.hours')}</Table.Th>
                <Table.Th scope="col">{t('admin.actions')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {days.length === 0 && (
                <Table.Tr>
                  <Table.Td colSpan={5}>{t('admin.calendars.noDays')}</Table.Td>
                </Table.Tr>
              )}
              {days.map(([day, entry]) => (
                <Table.Tr key={day}>
                  <Table.Td>{day}</Table.Td>
                  <Table.Td>
                    <KindBadge kind={entry.kind} />
                  </Table.Td>
                  <Table.Td>{entry.name ?? ''}</Table.Td>
                  <Table.Td>{formatHours(entry.hours)}</Table.Td>
                  <Table.Td>
                    <Group gap="xs" wrap="nowrap">
                      <Button size="xs" variant="light" onClick={() => setDate(day)}>
                        {t('admin.edit')}
                      </Button>
                      {calendar.data?.editedDays[day] && (
                        <Button
                          size="xs"
                          variant="filled"
                          color="red.9"
                          loading={remove.isPending && remove.variables === day}
                          onClick={() => remove.mutate(day)}
                          aria-label={t('admin.calendars.removeDay', { date: day })}
                        >
                          {t('admin.remove')}
                        </Button>
                      )}
                    </Group>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </ScrollTable>
        <SaveError error={remove.error} />
        <ImportForm name={name} />
      </Stack>
    </Paper>
  );
}

export function KindBadge({ kind }: { kind: CalendarDay['kind'] }) {
  const { t } = useTranslation();
  return (
    <Badge color={kind === 'holiday' ? 'red.9' : 'blue.8'} variant="filled">
      {t(`admin.calendars.${kind}`)}
    </Badge>
  );
}

function DayForm({
  name,
  date,
  setDate,
  days,
}: {
  name: string;
  date: string;
  setDate: (d: string) => void;
  days: Record<string, CalendarDay>;
}) {
  const { t } = useTranslation();
  const existing = days[date];
  const [kind, setKind] = useState<CalendarDay['kind']>('holiday');
  const [label, setLabel] = useState('');
  const [hours, setHours] = useState('');
  const [loadedFor, setLoadedFor] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  if (date !== loadedFor) {
    // Picking a day fills the form with what it is now.
    setLoadedFor(date);
    setKind(existing?.kind ?? 'holiday');
    setLabel(existing?.name ?? '');
    setHours(formatHours(existing?.hours));
  }
  const save = useAdminMutation(
    (body: { day: string; kind: string; name?: string; hours?: { start: string; end: string }[] }) => {
      const { day, ...rest } = body;
      return api<CalendarDetail>(`/calendars/${encodeURIComponent(name)}/days/${day}`, {
        method: 'PUT',
        body: rest,
      });
    },
    [adminKeys.calendars, ['admin', 'calendars', name]],
  );
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const ranges = parseHours(hours);
    if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) return setProblem(t('admin.calendars.badDate'));
    if (!ranges) return setProblem(t('admin.badHours', { value: hours }));
    setProblem(null);
    save.mutate({
      day: date,
      kind,
      ...(label.trim() ? { name: label.trim() } : {}),
      ...(kind === 'workday' && ranges.length ? { hours: ranges } : {}),
    });
  };
  return (
    <form onSubmit={submit} aria-label={t('admin.calendars.dayForm')}>
      <Group align="flex-end" gap="sm">
        <TextInput
          label={t('admin.calendars.date')}
          type="date"
          value={date}
          onChange={(e) => setDate(e.currentTarget.value)}
          required
        />
        <Select
          label={t('admin.calendars.kind')}
          w={150}
          data={[
            { value: 'holiday', label: t('admin.calendars.holiday') },
            { value: 'workday', label: t('admin.calendars.workday') },
          ]}
          value={kind}
          onChange={(v) => setKind(v === 'workday' ? 'workday' : 'holiday')}
          allowDeselect={false}
        />
        <TextInput
          label={t('admin.calendars.label')}
          value={label}
          onChange={(e) => setLabel(e.currentTarget.value)}
        />
        {kind === 'workday' && (
          <TextInput
            label={t('admin.calendars.hours')}
            placeholder="09:00-18:00"
            value={hours}
            onChange={(e) => setHours(e.currentTarget.value)}
          />
        )}
        <Button type="submit" loading={save.isPending}>
          {existing ? t('admin.calendars.changeDay') : t('admin.calendars.addDay')}
        </Button>
      </Group>
      {problem && (
        <Text c="red.9" role="alert" size="sm" mt="xs">
          {problem}
        </Text>
      )}
      <SaveError error={save.error} />
      <SavedNote
        text={save.isSuccess ? t('admin.calendars.daySaved', { date: save.variables?.day }) : null}
      />
    </form>
  );
}

function ImportForm({ name }: { name: string }) {
  const { t } = useTranslation();
  const [file, setFile] = useState<File | null>(null);
  const [year, setYear] = useState<number | string>('');
  const run = useAdminMutation(
    async (input: { file: File; year: number | string }) => {
      const content = await input.file.text();
      const ics = /\.ics$/i.test(input.file.name) || content.trimStart().startsWith('BEGIN:VCALENDAR');
      const body = ics
        ? { format: 'ics', content, ...(typeof input.year === 'number' ? { year: input.year } : {}) }
        : { format: 'json', content };
      return api<CalendarDetail & { importedYears: number[]; importedDays: number }>(
        `/calendars/${encodeURIComponent(name)}/import`,
        { method: 'POST', body },
      );
    },
    [adminKeys.calendars, ['admin', 'calendars', name]],
  );
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (file) run.mutate({ file, year });
  };
  return (
    <form onSubmit={submit} aria-label={t('admin.calendars.import')}>
      <Group align="flex-end" gap="sm">
        <FileInput
          label={t('admin.calendars.importFile')}
          description={t('admin.calendars.importHint')}
          accept=".json,.ics,application/json,text/calendar"
          value={file}
          onChange={setFile}
          clearable
          w={280}
        />
        <NumberInput
          label={t('admin.calendars.importYear')}
          value={year}
          onChange={setYear}
          min={1900}
          max={2200}
          w={150}
        />
        <Button type="submit" variant="light" disabled={!file} loading={run.isPending}>
          {t('admin.calendars.import')}
        </Button>
      </Group>
      <SaveError error={run.error} />
      <SavedNote
        text={
          run.data
            ? t('admin.calendars.imported', {
                days: run.data.importedDays,
                years: run.data.importedYears.join(', '),
              })
            : null
        }
      />
    </form>
  );
}
