import type { Kysely } from 'kysely';
import type { Clock } from '../platform/clock.js';
import type { DB } from '../platform/db/db.js';
import { conflict, invalid, notFound } from '../platform/errors.js';
import { calendarDaySchema, parseBusinessCalendar } from './calendar.schema.js';
import type { BusinessCalendar, CalendarDay, IsoWeekday, TimeRange } from './calendar.types.js';
import { calendarDaysFromIcs, calendarDaysFromJson } from './calendar-import.js';
import {
  effectiveCalendar,
  type StoredCalendar,
  withImportedYears,
  withStoredDay,
} from './calendar-overlay.js';
import {
  type CalendarRow,
  countCasesOnCalendar,
  deleteCalendarRow,
  findCalendarRow,
  findCalendarRowForUpdate,
  insertCalendarRow,
  listCalendarRows,
  listCalendarVersions,
  markAllSlaStale,
  saveCalendarRow,
  setDefaultCalendarRow,
} from './calendars.repo.js';

export type CalendarDeps = { db: Kysely<DB>; clock: Clock };

/** Every calendar, compiled once per stored version; `byId`, `byName` and the default. */
export type CalendarSet = {
  byId: Map<string, BusinessCalendar>;
  byName: Map<string, BusinessCalendar>;
  defaultCalendar: BusinessCalendar;
};

// Compiled calendars are expensive to rebuild (their day cache is per object), so each database
// handle keeps its copies keyed by row id and version; a version bump by any server is seen on
// the next load. This cache holds nothing that is not in the database.
const caches = new WeakMap<object, Map<string, { version: number; calendar: BusinessCalendar }>>();

export async function loadCalendarSet(db: Kysely<DB>): Promise<CalendarSet> {
  let cache = caches.get(db);
  if (!cache) {
    cache = new Map();
    caches.set(db, cache);
  }
  const versions = await listCalendarVersions(db);
  const stale = versions.filter((v) => cache.get(v.id)?.version !== v.version).map((v) => v.id);
  for (const row of await listCalendarRows(db, stale)) {
    cache.set(row.id, { version: row.version, calendar: effectiveCalendar(row) });
  }
  const byId = new Map<string, BusinessCalendar>();
  const byName = new Map<string, BusinessCalendar>();
  let defaultCalendar: BusinessCalendar | undefined;
  for (const v of versions) {
    const calendar = cache.get(v.id)?.calendar;
    if (!calendar) continue;
    byId.set(v.id, calendar);
    byName.set(v.name, calendar);
    if (v.isDefault) defaultCalendar = calendar;
  }
  defaultCalendar ??= byName.get('CN');
  if (!defaultCalendar) throw notFound('calendar.not_found', 'The built-in calendar CN is missing');
  return { byId, byName, defaultCalendar };
}

export type CalendarView = {
  name: string;
  builtin: boolean;
  isDefault: boolean;
  zone: string;
  workingHours: Record<IsoWeekday, TimeRange[]>;
  makeUpDayHours: TimeRange[];
  coveredYears: number[];
  version: number;
  updatedAt: string;
};

export type CalendarDetail = CalendarView & {
  /** Effective days (shipped data with the admin's edits), optionally for one year. */
  days: Record<string, CalendarDay>;
  /** Days the admins set or imported (for CN: what differs from the shipped data). */
  editedDays: Record<string, CalendarDay>;
};

function view(row: CalendarRow, cal: BusinessCalendar): CalendarView {
  return {
    name: row.name,
    builtin: row.builtin,
    isDefault: row.isDefault,
    zone: row.zone,
    workingHours: row.workingHours,
    makeUpDayHours: row.makeUpDayHours,
    coveredYears: cal.coveredYears,
    version: row.version,
    updatedAt: row.updatedAt,
  };
}

export async function listCalendars(deps: CalendarDeps): Promise<CalendarView[]> {
  const rows = await listCalendarRows(deps.db);
  return rows.map((r) => view(r, effectiveCalendar(r)));
}

async function mustFind(db: Kysely<DB>, name: string, forUpdate = false): Promise<CalendarRow> {
  const row = forUpdate ? await findCalendarRowForUpdate(db, name) : await findCalendarRow(db, name);
  if (!row) throw notFound('calendar.not_found', `No calendar named ${name}`, { calendar: name });
  return row;
}

export async function getCalendar(
  deps: CalendarDeps,
  name: string,
  options: { year?: number } = {},
): Promise<CalendarDetail> {
  const row = await mustFind(deps.db, name);
  const cal = effectiveCalendar(row);
  const inYear = (date: string) => options.year === undefined || date.startsWith(`${options.year}-`);
  const pick = (days: Record<string, CalendarDay>) =>
    Object.fromEntries(
      Object.entries(days)
        .filter(([d]) => inYear(d))
        .sort(([a], [b]) => a.localeCompare(b)),
    );
  return { ...view(row, cal), days: pick(cal.days), editedDays: pick(row.days) };
}

/** Validates a stored calendar by building it (zone, hours) before anything is written. */
function checked(stored: StoredCalendar): StoredCalendar {
  parseBusinessCalendar({ ...effectiveCalendar({ ...stored, builtin: false }) });
  return stored;
}

const officeHours = (): TimeRange[] => [{ start: '09:00', end: '18:00' }];

export type NewCalendarInput = {
  name: string;
  zone: string;
  workingHours?: Partial<Record<IsoWeekday, TimeRange[]>>;
  makeUpDayHours?: TimeRange[];
  coveredYears?: number[];
};

/** Creates a calendar; working hours default to Monday–Friday 09:00–18:00. */
export async function createCalendar(deps: CalendarDeps, input: NewCalendarInput): Promise<CalendarDetail> {
  if (!/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/.test(input.name)) {
    throw invalid('calendar.bad_name', 'A calendar name is 1–64 letters, digits, "_", "." or "-"');
  }
  const weekly = {
    1: officeHours(),
    2: officeHours(),
    3: officeHours(),
    4: officeHours(),
    5: officeHours(),
    6: [],
    7: [],
  };
  const stored = checked({
    name: input.name,
    builtin: false,
    zone: input.zone,
    workingHours: { ...weekly, ...(input.workingHours ?? {}) },
    makeUpDayHours: input.makeUpDayHours ?? officeHours(),
    days: {},
    importedYears: [],
    coveredYears: [...new Set(input.coveredYears ?? [])].sort((a, b) => a - b),
  });
  if (!(await insertCalendarRow(deps.db, stored, deps.clock.now()))) {
    throw conflict('calendar.exists', `A calendar named ${input.name} already exists`);
  }
  return getCalendar(deps, input.name);
}

/** Read, change and write one calendar in a transaction, then mark every SLA state stale. */
async function edit(
  deps: CalendarDeps,
  name: string,
  change: (stored: CalendarRow) => StoredCalendar,
): Promise<CalendarDetail> {
  await deps.db.transaction().execute(async (trx) => {
    const row = await mustFind(trx, name, true);
    const next = checked(change(row));
    await saveCalendarRow(trx, row.id, next, deps.clock.now());
    await markAllSlaStale(trx, deps.clock.now());
  });
  return getCalendar(deps, name);
}

export type CalendarPatch = {
  zone?: string;
  workingHours?: Partial<Record<IsoWeekday, TimeRange[]>>;
  makeUpDayHours?: TimeRange[];
  /** Years whose holidays are all entered (replaces the declared list). */
  coveredYears?: number[];
};

export async function updateCalendar(
  deps: CalendarDeps,
  name: string,
  patch: CalendarPatch,
): Promise<CalendarDetail> {
  return edit(deps, name, (row) => ({
    ...row,
    ...(patch.zone !== undefined ? { zone: patch.zone } : {}),
    workingHours: { ...row.workingHours, ...(patch.workingHours ?? {}) },
    ...(patch.makeUpDayHours !== undefined ? { makeUpDayHours: patch.makeUpDayHours } : {}),
    ...(patch.coveredYears !== undefined
      ? { coveredYears: [...new Set(patch.coveredYears)].sort((a, b) => a - b) }
      : {}),
  }));
}

export async function setCalendarDay(
  deps: CalendarDeps,
  name: string,
  date: string,
  day: CalendarDay,
): Promise<CalendarDetail> {
  const parsed = calendarDaySchema.safeParse(day);
  if (!parsed.success)
    throw invalid('calendar.bad_day', parsed.error.issues.map((i) => i.message).join('; '));
  return edit(deps, name, (row) => withStoredDay(row, date, parsed.data as CalendarDay));
}

/** Removes an admin's entry for a date: CN falls back to the shipped data, others to the weekday. */
export async function removeCalendarDay(
  deps: CalendarDeps,
  name: string,
  date: string,
): Promise<CalendarDetail> {
  return edit(deps, name, (row) => {
    if (!(date in row.days))
      throw notFound('calendar.day_not_set', `${name} has no entry of its own for ${date}`);
    return withStoredDay(row, date, null);
  });
}

export type CalendarImport =
  | { format: 'json'; content: unknown }
  | { format: 'ics'; content: string; year?: number };

/** Imports a year (holiday-cn JSON, or ICS for `year` or every year it touches). */
export async function importCalendarYear(
  deps: CalendarDeps,
  name: string,
  input: CalendarImport,
): Promise<CalendarDetail & { importedYears: number[]; importedDays: number }> {
  const imported =
    input.format === 'json'
      ? calendarDaysFromJson(input.content)
      : calendarDaysFromIcs(input.content, input.year === undefined ? {} : { year: input.year });
  if (imported.years.length === 0) throw invalid('calendar.bad_import', 'The file lists no dates');
  const detail = await edit(deps, name, (row) => withImportedYears(row, imported));
  return { ...detail, importedYears: imported.years, importedDays: Object.keys(imported.days).length };
}

export async function setDefaultCalendar(deps: CalendarDeps, name: string): Promise<CalendarDetail> {
  await deps.db.transaction().execute(async (trx) => {
    const row = await mustFind(trx, name, true);
    await setDefaultCalendarRow(trx, row.id, deps.clock.now());
    await markAllSlaStale(trx, deps.clock.now());
  });
  return getCalendar(deps, name);
}

/** Deletes a calendar no case uses; CN and the default calendar stay. */
export async function deleteCalendar(deps: CalendarDeps, name: string): Promise<void> {
  await deps.db.transaction().execute(async (trx) => {
    const row = await mustFind(trx, name, true);
    if (row.builtin) throw conflict('calendar.builtin', `${name} is built in; edit it instead`);
    if (row.isDefault)
      throw conflict('calendar.in_use', `${name} is the default calendar; make another the default first`);
    const cases = await countCasesOnCalendar(trx, row.id);
    if (cases > 0) throw conflict('calendar.in_use', `${cases} case(s) use ${name}`, { cases });
    await deleteCalendarRow(trx, row.id);
  });
}
