import { type Kysely, sql } from 'kysely';
import type { DB } from '../platform/db/db.js';
import type { IsoWeekday, TimeRange } from './calendar.types.js';
import type { StoredCalendar } from './calendar-overlay.js';

type Db = Kysely<DB>;

export type CalendarRow = StoredCalendar & {
  id: string;
  isDefault: boolean;
  version: number;
  updatedAt: string;
};

export type CalendarVersion = { id: string; name: string; version: number; isDefault: boolean };

function toRow(r: {
  id: string;
  name: string;
  builtin: boolean;
  zone: string;
  working_hours: Record<string, TimeRange[]>;
  make_up_day_hours: TimeRange[];
  days: StoredCalendar['days'];
  imported_years: number[];
  covered_years: number[];
  is_default: boolean;
  version: number;
  updated_at: Date;
}): CalendarRow {
  return {
    id: r.id,
    name: r.name,
    builtin: r.builtin,
    zone: r.zone,
    workingHours: r.working_hours as Record<IsoWeekday, TimeRange[]>,
    makeUpDayHours: r.make_up_day_hours,
    days: r.days,
    importedYears: r.imported_years.map(Number),
    coveredYears: r.covered_years.map(Number),
    isDefault: r.is_default,
    version: r.version,
    updatedAt: r.updated_at.toISOString(),
  };
}

/** Names and versions only: cheap enough to ask on every scan. */
export async function listCalendarVersions(db: Db): Promise<CalendarVersion[]> {
  const rows = await db
    .selectFrom('sla_calendars')
    .select(['id', 'name', 'version', 'is_default'])
    .orderBy('name')
    .execute();
  return rows.map((r) => ({ id: r.id, name: r.name, version: r.version, isDefault: r.is_default }));
}

export async function listCalendarRows(db: Db, ids?: string[]): Promise<CalendarRow[]> {
  let q = db.selectFrom('sla_calendars').selectAll();
  if (ids) {
    if (ids.length === 0) return [];
    q = q.where('id', 'in', ids);
  }
  return (await q.orderBy('name').execute()).map(toRow);
}

export async function findCalendarRow(db: Db, name: string): Promise<CalendarRow | null> {
  const row = await db.selectFrom('sla_calendars').selectAll().where('name', '=', name).executeTakeFirst();
  return row ? toRow(row) : null;
}

/** Locks the row for a read-modify-write (two admins editing at once must not lose a change). */
export async function findCalendarRowForUpdate(db: Db, name: string): Promise<CalendarRow | null> {
  const row = await db
    .selectFrom('sla_calendars')
    .selectAll()
    .where('name', '=', name)
    .forUpdate()
    .executeTakeFirst();
  return row ? toRow(row) : null;
}

export async function insertCalendarRow(db: Db, stored: StoredCalendar, now: Date): Promise<boolean> {
  const row = await db
    .insertInto('sla_calendars')
    .values({
      name: stored.name,
      builtin: false,
      zone: stored.zone,
      working_hours: JSON.stringify(stored.workingHours),
      make_up_day_hours: JSON.stringify(stored.makeUpDayHours),
      days: JSON.stringify(stored.days),
      imported_years: stored.importedYears,
      covered_years: stored.coveredYears,
      updated_at: now,
    })
    .onConflict((oc) => oc.column('name').doNothing())
    .returning('id')
    .executeTakeFirst();
  return row !== undefined;
}

/** Writes a changed calendar and bumps its version. */
export async function saveCalendarRow(db: Db, id: string, stored: StoredCalendar, now: Date): Promise<void> {
  await db
    .updateTable('sla_calendars')
    .set({
      zone: stored.zone,
      working_hours: JSON.stringify(stored.workingHours),
      make_up_day_hours: JSON.stringify(stored.makeUpDayHours),
      days: JSON.stringify(stored.days),
      imported_years: stored.importedYears,
      covered_years: stored.coveredYears,
      version: sql`version + 1`,
      updated_at: now,
    })
    .where('id', '=', id)
    .execute();
}

export async function setDefaultCalendarRow(db: Db, id: string, now: Date): Promise<void> {
  await db
    .updateTable('sla_calendars')
    .set({ is_default: false, updated_at: now })
    .where('is_default', '=', true)
    .where('id', '<>', id)
    .execute();
  await db
    .updateTable('sla_calendars')
    .set({ is_default: true, updated_at: now })
    .where('id', '=', id)
    .execute();
}

export async function countCasesOnCalendar(db: Db, id: string): Promise<number> {
  const row = await db
    .selectFrom('case_sla')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('calendar_id', '=', id)
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}

export async function deleteCalendarRow(db: Db, id: string): Promise<void> {
  await db.deleteFrom('sla_calendars').where('id', '=', id).execute();
}

/** After a calendar or policy change every stored state is re-evaluated on the next scan. */
export async function markAllSlaStale(db: Db, now: Date): Promise<void> {
  await db.updateTable('case_sla').set({ next_check_at: now }).execute();
}
