import { isoInstant } from '../platform/iso-instant.js';
import type { BusinessCalendar, CalendarWarning } from './calendar.types.js';
import {
  addBusinessMs,
  businessMsBetween,
  type CompiledCalendar,
  compileCalendar,
  localDay,
  nthBusinessDayAfter,
  toWarnings,
  type YearSink,
} from './compiled-calendar.js';
import type { ResolutionUnit, SlaClockKind } from './sla.tables.js';
import {
  evaluateSlaCore,
  type PackedActivities,
  packActivities,
  type SlaActivity,
  type SlaCore,
  type SlaReport,
  slaReport,
} from './sla-evaluator.js';

/** A case's SLA targets (from its priority's policy, or its account's override). */
export type SlaPolicy = {
  firstResponseHours: number;
  /** Follow-up cadence when the case has none of its own; null: no promise. */
  followUpDays: number | null;
  resolution: { value: number; unit: ResolutionUnit };
  remindBeforeMinutes: number;
};

export type CaseStatusName = 'new' | 'in_progress' | 'waiting_for_customer' | 'resolved' | 'closed';
export type StatusChange = { at: Date; from: CaseStatusName | null; to: CaseStatusName };

export type CaseSlaInput = {
  caseNumber: string;
  calendar: BusinessCalendar;
  policy: SlaPolicy;
  /** The case's own cadence (set by an engineer or detected); null falls back to the policy. */
  caseCadence: number | null;
  /** When the case row says it opened; used when the timeline has no mail or call yet. */
  openedAt: Date;
  status: CaseStatusName;
  statusChanges: StatusChange[];
  activities: SlaActivity[];
  closedAt: Date | null;
  now: Date;
};

/**
 * - `met` / `missed`: settled; `pending`: due later; `overdue`: not met and past due, still open;
 * - `paused`: the resolution clock while the case waits for the customer;
 * - `none`: nothing to measure (closed before it was due, or no cadence).
 */
export type ClockStatus = 'met' | 'missed' | 'pending' | 'overdue' | 'paused' | 'none';

export type SlaClock = {
  kind: SlaClockKind;
  status: ClockStatus;
  dueAt: string | null;
  /** When the clock was satisfied (response, next contact, resolution); null while not. */
  doneAt: string | null;
  /** Real seconds from now to the due time; negative once past; null without a due time. */
  secondsLeft: number | null;
};

export type ResolutionClock = SlaClock & {
  businessSecondsUsed: number;
  businessSecondsBudget: number;
  /** Start of the current wait for the customer, when paused. */
  pausedSince: string | null;
};

/** A missed clock: its start (first response and resolution: the opening; a follow-up: the contact that began the window) is its identity. */
export type SlaBreach = { kind: SlaClockKind; startedAt: string; dueAt: string };

export type CaseSlaState = {
  report: SlaReport;
  firstResponse: SlaClock;
  /** The current follow-up window (the last one), or null with no cadence or no contact yet. */
  followUp: (SlaClock & { promisedAt: string }) | null;
  resolution: ResolutionClock;
  /** Every due time missed so far (each window separately). */
  breaches: SlaBreach[];
  /** Clocks due but not met yet, earliest first — the ones a reminder is about. */
  open: { kind: SlaClockKind; dueAt: string; overdue: boolean }[];
  /** When the state changes by time alone (a reminder or a due time comes); null if never. */
  nextCheckAt: string | null;
  warnings: CalendarWarning[];
};

/** `CaseSlaInput` in epoch ms, activities packed: what the scheduler evaluates for every open case. */
export type CaseSlaCoreInput = {
  calendar: BusinessCalendar;
  policy: SlaPolicy;
  caseCadence: number | null;
  openedAtMs: number;
  status: CaseStatusName;
  statusChanges: StatusChangeMs[];
  activities: PackedActivities;
  closedAtMs: number | null;
  nowMs: number;
};

export type StatusChangeMs = { at: number; from: CaseStatusName | null; to: CaseStatusName };

/** A clock in epoch ms (see `SlaClock`). */
export type ClockCore = { kind: SlaClockKind; status: ClockStatus; due: number | null; done: number | null };

/** `CaseSlaState` in epoch ms, without strings: the scheduler stores and compares these. */
export type CaseSlaCore = {
  nowMs: number;
  /** Opening: the first email (see `evaluateSla`), else the case row's opening. */
  opened: number;
  followUps: SlaCore;
  firstResponse: ClockCore;
  followUp: (ClockCore & { promised: number }) | null;
  resolution: ClockCore & { usedMs: number; budgetMs: number; pausedSince: number | null };
  breaches: { kind: SlaClockKind; started: number; due: number }[];
  /** Clocks due but not met yet, earliest first. */
  open: { kind: SlaClockKind; due: number; overdue: boolean }[];
  nextCheck: number | null;
  calendar: CompiledCalendar;
  /** Uncovered calendar years the evaluation touched (see `toWarnings`); of those, the follow-up report's. */
  sink: YearSink;
  reportSink: YearSink;
};

const iso = isoInstant;
const RUNNING = new Set<CaseStatusName>(['new', 'in_progress']);
const STOPPED = new Set<CaseStatusName>(['resolved', 'closed']);

function clock(kind: SlaClockKind, status: ClockStatus, due: number | null, done: number | null): ClockCore {
  return { kind, status, due, done };
}

function presentClock(k: ClockCore, now: number): SlaClock {
  const { due, done, status } = k;
  return {
    kind: k.kind,
    status,
    dueAt: due === null ? null : iso(due),
    doneAt: done === null ? null : iso(done),
    secondsLeft: due === null || status === 'met' || status === 'missed' ? null : (due - now) / 1000,
  };
}

type Segment = { from: number; to: number; status: CaseStatusName };

/** The case's status over time: from opening, each change in order, up to now. */
function statusSegments(input: CaseSlaCoreInput, start: number, now: number): Segment[] {
  if (input.statusChanges.length === 0)
    return [{ from: start, to: Number.POSITIVE_INFINITY, status: input.status }];
  const changes = input.statusChanges.filter((c) => c.at <= now).sort((a, b) => a.at - b.at);
  let status: CaseStatusName = changes[0]?.from ?? (changes.length === 0 ? input.status : 'new');
  let from = start;
  const out: Segment[] = [];
  for (const c of changes) {
    const at = Math.max(c.at, start);
    if (at > from) out.push({ from, to: at, status });
    from = Math.max(from, at);
    status = c.to;
  }
  out.push({ from, to: Number.POSITIVE_INFINITY, status });
  return out;
}

/**
 * The resolution clock: business time counts while the case is new or in progress; waiting for
 * the customer pauses it; resolved or closed stops it (a reopen resumes it). Due when the
 * budget (business hours, or business days counted from the opening day) is used up.
 */
function resolutionClock(
  input: CaseSlaCoreInput,
  c: CompiledCalendar,
  start: number,
  sink: YearSink,
): CaseSlaCore['resolution'] {
  const now = input.nowMs;
  const { value, unit } = input.policy.resolution;
  let budget: number;
  if (unit === 'business_hours') budget = Math.round(value * 3_600_000);
  else {
    const day = nthBusinessDayAfter(c, localDay(c, start), Math.max(1, Math.round(value)), sink);
    budget = businessMsBetween(c, start, day.spans[day.spans.length - 1] as number, sink);
  }
  let used = 0;
  let due: number | null = null;
  const segments = statusSegments(input, start, now);
  for (const s of segments) {
    if (!RUNNING.has(s.status)) continue;
    if (s.to === Number.POSITIVE_INFINITY) {
      // Still running: the due time lies where the rest of the budget runs out from here.
      if (due === null) due = addBusinessMs(c, s.from, budget - used, sink);
      used += now > s.from ? businessMsBetween(c, s.from, now, sink) : 0;
      continue;
    }
    const part = businessMsBetween(c, s.from, s.to, sink);
    if (due === null && used + part >= budget) due = addBusinessMs(c, s.from, budget - used, sink);
    used += part;
  }
  const last = segments[segments.length - 1] as Segment;
  const stoppedAt = STOPPED.has(last.status) ? last.from : null;
  const pausedSince = last.status === 'waiting_for_customer' ? last.from : null;
  // A stopped or paused case has a due time only if its budget ran out before it stopped.
  let status: ClockStatus;
  if (stoppedAt !== null) status = due !== null && stoppedAt > due ? 'missed' : 'met';
  else if (due !== null && now > due) status = 'overdue';
  else if (pausedSince !== null) status = 'paused';
  else status = 'pending';
  return { kind: 'resolution', status, due, done: stoppedAt, usedMs: used, budgetMs: budget, pausedSince };
}

/**
 * Evaluates everything a case's SLA shows: the first-response clock (policy hours from
 * opening), the follow-up windows (`evaluateSla` with the case's cadence, else the policy's),
 * the resolution clock, the breaches so far and when the state next changes by time alone.
 * Pure: all inputs are passed in.
 */
export function computeCaseSla(input: CaseSlaInput): CaseSlaState {
  const core = computeCaseSlaCore({
    calendar: input.calendar,
    policy: input.policy,
    caseCadence: input.caseCadence,
    openedAtMs: input.openedAt.getTime(),
    status: input.status,
    statusChanges: input.statusChanges.map((c) => ({ at: c.at.getTime(), from: c.from, to: c.to })),
    activities: packActivities(input.activities),
    closedAtMs: input.closedAt ? input.closedAt.getTime() : null,
    nowMs: input.now.getTime(),
  });
  return presentCaseSla(core, input.caseNumber);
}

/** `computeCaseSla` in epoch ms: the same rules, no strings built. */
export function computeCaseSlaCore(input: CaseSlaCoreInput): CaseSlaCore {
  const now = input.nowMs;
  const cadence = input.caseCadence ?? input.policy.followUpDays;
  const closedAt = input.closedAtMs !== null && input.closedAtMs <= now ? input.closedAtMs : null;
  const c = compileCalendar(input.calendar);
  // The follow-up report names the years it touched; the state names every year the clocks did.
  const reportSink: YearSink = [];
  const core = evaluateSlaCore(
    { cadence, activities: input.activities, closedMs: closedAt, nowMs: now },
    c,
    reportSink,
  );
  const sink: YearSink = reportSink.length === 0 ? [] : [...reportSink];
  const opened = core.opened ?? input.openedAtMs;

  // First response.
  const frDue = addBusinessMs(c, opened, Math.round(input.policy.firstResponseHours * 3_600_000), sink);
  const responded = core.responded;
  let frStatus: ClockStatus;
  if (responded !== null) frStatus = responded <= frDue ? 'met' : 'missed';
  else if (closedAt !== null) frStatus = closedAt <= frDue ? 'none' : 'missed';
  else frStatus = now > frDue ? 'overdue' : 'pending';
  const firstResponse = clock('first_response', frStatus, frDue, responded);

  // The current follow-up window.
  const lastWindow = core.windows[core.windows.length - 1];
  let followUp: CaseSlaCore['followUp'] = null;
  if (lastWindow) {
    const done = lastWindow.contacted;
    let status: ClockStatus;
    if (lastWindow.met === true) status = done === null ? 'none' : 'met';
    else if (lastWindow.met === null) status = 'pending';
    else status = done === null && closedAt === null ? 'overdue' : 'missed';
    followUp = { kind: 'follow_up', status, due: lastWindow.due, done, promised: lastWindow.promised };
  }

  const resolution = resolutionClock(input, c, opened, sink);

  const breaches: CaseSlaCore['breaches'] = [];
  if (frStatus === 'missed' || frStatus === 'overdue')
    breaches.push({ kind: 'first_response', started: opened, due: frDue });
  for (const w of core.windows)
    if (w.met === false) breaches.push({ kind: 'follow_up', started: w.promised, due: w.due });
  if ((resolution.status === 'missed' || resolution.status === 'overdue') && resolution.due !== null)
    breaches.push({ kind: 'resolution', started: opened, due: resolution.due });

  const open: CaseSlaCore['open'] = [];
  for (const k of [firstResponse, followUp, resolution]) {
    if (k !== null && k.due !== null && (k.status === 'pending' || k.status === 'overdue'))
      open.push({ kind: k.kind, due: k.due, overdue: k.status === 'overdue' });
  }
  if (open.length > 1) open.sort((a, b) => a.due - b.due);

  let nextCheck: number | null = null;
  const remindMs = input.policy.remindBeforeMinutes * 60_000;
  for (const o of open) {
    if (o.overdue) continue;
    const at = now < o.due - remindMs ? o.due - remindMs : o.due;
    if (nextCheck === null || at < nextCheck) nextCheck = at;
  }
  return {
    nowMs: now,
    opened,
    followUps: core,
    firstResponse,
    followUp,
    resolution,
    breaches,
    open,
    nextCheck,
    calendar: c,
    sink,
    reportSink,
  };
}

/** The state with ISO 8601 strings, as the API and CLI show it. */
export function presentCaseSla(core: CaseSlaCore, caseNumber: string): CaseSlaState {
  const now = core.nowMs;
  const { followUp, resolution } = core;
  return {
    report: slaReport(core.followUps, caseNumber, core.calendar, core.reportSink),
    firstResponse: presentClock(core.firstResponse, now),
    followUp:
      followUp === null ? null : { ...presentClock(followUp, now), promisedAt: iso(followUp.promised) },
    resolution: {
      ...presentClock(resolution, now),
      businessSecondsUsed: Math.min(resolution.usedMs, Number.MAX_SAFE_INTEGER) / 1000,
      businessSecondsBudget: resolution.budgetMs / 1000,
      pausedSince: resolution.pausedSince === null ? null : iso(resolution.pausedSince),
    },
    breaches: core.breaches.map((b) => ({
      kind: b.kind,
      startedAt: iso(b.started),
      dueAt: iso(b.due),
    })),
    open: core.open.map((o) => ({ kind: o.kind, dueAt: iso(o.due), overdue: o.overdue })),
    nextCheckAt: core.nextCheck === null ? null : iso(core.nextCheck),
    warnings: slaWarnings(core),
  };
}

/** The calendar years without holiday data the evaluation touched (one sink saw them all), named. */
export function slaWarnings(core: CaseSlaCore): CalendarWarning[] {
  return core.sink.length === 0 ? [] : toWarnings(core.calendar, core.sink);
}
