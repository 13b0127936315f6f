import type { ColumnType, Generated, JSONColumnType } from 'kysely';
import type { CalendarDay, TimeRange } from './calendar.types.js';

/** Tables of migration 005_sla.sql (calendars, policies, per-case SLA state, breaches, reminders). */
type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
type Stamp = ColumnType<Date, Date | string | undefined, Date | string>;
type MaybeTime = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
type Defaulted<T> = ColumnType<T, T | undefined, T>;

export type SlaClockKind = 'first_response' | 'follow_up' | 'resolution';
export type ResolutionUnit = 'business_hours' | 'business_days';

export type SlaCalendarsTable = {
  id: Generated<string>;
  name: string;
  builtin: Defaulted<boolean>;
  zone: string;
  working_hours: JSONColumnType<Record<string, TimeRange[]>, string, string>;
  make_up_day_hours: JSONColumnType<TimeRange[], string, string>;
  days: JSONColumnType<Record<string, CalendarDay>, string | undefined, string>;
  imported_years: Defaulted<number[]>;
  covered_years: Defaulted<number[]>;
  is_default: Defaulted<boolean>;
  version: Defaulted<number>;
  created_at: CreatedAt;
  updated_at: Stamp;
};

export type SlaPoliciesTable = {
  id: Generated<string>;
  account_id: string | null;
  priority: 'P1' | 'P2' | 'P3' | 'P4';
  first_response_hours: number;
  follow_up_days: number | null;
  resolution_value: number;
  resolution_unit: ResolutionUnit;
  remind_before_minutes: Defaulted<number>;
  updated_at: Stamp;
};

export type CaseSlaTable = {
  case_id: string;
  calendar_id: ColumnType<string | null, string | null | undefined, string | null>;
  cadence_business_days: ColumnType<number | null, number | null | undefined, number | null>;
  cadence_source: ColumnType<
    'engineer' | 'detected' | null,
    'engineer' | 'detected' | null | undefined,
    'engineer' | 'detected' | null
  >;
  cadence_set_by: ColumnType<string | null, string | null | undefined, string | null>;
  cadence_set_at: MaybeTime;
  cadence_scanned_seq: Defaulted<number>;
  state: ColumnType<unknown, string | null | undefined, string | null>;
  last_seq: Defaulted<number>;
  evaluated_at: MaybeTime;
  first_response_due_at: MaybeTime;
  follow_up_due_at: MaybeTime;
  resolution_due_at: MaybeTime;
  next_due_at: MaybeTime;
  next_due_kind: ColumnType<SlaClockKind | null, SlaClockKind | null | undefined, SlaClockKind | null>;
  next_check_at: MaybeTime;
  breaches_key: Defaulted<string>;
  /** Migration 010: the timeline digest the state was computed from. */
  timeline: ColumnType<string | null, string | null | undefined, string | null>;
  created_at: CreatedAt;
};

export type SlaBreachesTable = {
  id: Generated<string>;
  case_id: string;
  kind: SlaClockKind;
  due_at: Date;
  /** Migration 013: when the missed clock started (its identity); null on rows from before. */
  started_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  recorded_at: CreatedAt;
  notified: Defaulted<boolean>;
};

export type SlaRemindersTable = {
  case_id: string;
  kind: SlaClockKind;
  due_at: Date;
  sent_at: CreatedAt;
};

export type SlaTables = {
  sla_calendars: SlaCalendarsTable;
  sla_policies: SlaPoliciesTable;
  case_sla: CaseSlaTable;
  sla_breaches: SlaBreachesTable;
  sla_reminders: SlaRemindersTable;
};
