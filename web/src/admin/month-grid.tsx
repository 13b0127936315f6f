import { UnstyledButton, VisuallyHidden } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { CalendarDay, TimeRange } from './admin-api.js';

const pad = (n: number) => String(n).padStart(2, '0');

/** ISO weekday (1 = Monday) of a calendar date, computed in UTC so the viewer's zone never shifts it. */
const isoWeekday = (y: number, m: number, d: number) =>
  ((new Date(Date.UTC(y, m - 1, d)).getUTCDay() + 6) % 7) + 1;

/**
 * A month as a Monday-first grid: holidays and make-up workdays marked (休 / 班 style), days with no
 * working hours dimmed. Each day is a button that picks it for the day form.
 */
export function MonthGrid({
  year,
  month,
  days,
  workingHours,
  selected,
  onPick,
}: {
  year: number;
  month: number;
  days: Record<string, CalendarDay>;
  workingHours: Record<string, TimeRange[]>;
  selected: string;
  onPick: (date: string) => void;
}) {
  const { t } = useTranslation();
  const count = new Date(Date.UTC(year, month, 0)).getUTCDate();
  // Blank cells before the 1st and after the last day keep their own keys (lead-1, tail-2 …).
  const lead = isoWeekday(year, month, 1) - 1;
  const cells: { key: string; day: number | null }[] = [];
  for (let i = 1; i <= lead; i++) cells.push({ key: `lead-${i}`, day: null });
  for (let d = 1; d <= count; d++) cells.push({ key: `day-${d}`, day: d });
  for (let i = 1; cells.length % 7; i++) cells.push({ key: `tail-${i}`, day: null });
  const weeks = Array.from({ length: cells.length / 7 }, (_, i) => cells.slice(i * 7, i * 7 + 7));
  return (
    <table className="month-grid" style={{ borderCollapse: 'collapse', width: '100%', maxWidth: 520 }}>
      <caption style={{ textAlign: 'start', fontWeight: 600 }}>
        {t('admin.calendars.gridCaption', { year, month: t(`admin.month.${month}`) })}
      </caption>
      <thead>
        <tr>
          {[1, 2, 3, 4, 5, 6, 7].map((d) => (
            <th key={d} scope="col" style={{ fontSize: 12, padding: 2 }}>
              {t(`admin.weekdayShort.${d}`)}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {weeks.map((week) => (
          <tr key={week[0]?.key}>
            {week.map(({ key, day: d }, i) => {
              if (d === null) return <td key={key} />;
              const date = `${year}-${pad(month)}-${pad(d)}`;
              const special = days[date];
              const normallyWorking = (workingHours[String(i + 1)] ?? []).length > 0;
              const kind = special?.kind ?? (normallyWorking ? null : 'off');
              const label = [
                date,
                special
                  ? t(`admin.calendars.${special.kind}`)
                  : normallyWorking
                    ? ''
                    : t('admin.calendars.off'),
                special?.name ?? '',
              ]
                .filter(Boolean)
                .join(', ');
              return (
                <td key={date} style={{ padding: 2 }}>
                  <UnstyledButton
                    onClick={() => onPick(date)}
                    aria-pressed={selected === date}
                    title={label}
                    style={{
                      display: 'block',
                      width: '100%',
                      minHeight: 40,
                      padding: 4,
                      borderRadius: 4,
                      textAlign: 'center',
                      fontSize: 14,
                      outline: selected === date ? '2px solid var(--mantine-color-indigo-8)' : undefined,
                      background:
                        kind === 'holiday'
                          ? 'var(--mantine-color-red-1)'
                          : kind === 'workday'
                            ? 'var(--mantine-color-blue-1)'
                            : kind === 'off'
                              ? 'var(--mantine-color-gray-1)'
                              : undefined,
                      color: 'var(--mantine-color-dark-9)',
                    }}
                  >
                    <span aria-hidden="true">{d}</span>
                    <VisuallyHidden>{label}</VisuallyHidden>
                    {special && (
                      <span aria-hidden="true" style={{ display: 'block', fontSize: 11, fontWeight: 700 }}>
                        {t(`admin.calendars.${special.kind}Mark`)}
                      </span>
                    )}
                  </UnstyledButton>
                </td>
              );
            })}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
