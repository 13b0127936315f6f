import { DomainError } from '../platform/errors.js';
import { isoInstant } from '../platform/iso-instant.js';
import type { BusinessCalendar, CalendarWarning } from './calendar.types.js';
import {
  businessMsBetween,
  type CompiledCalendar,
  compileCalendar,
  type DayInfo,
  dayEndIso,
  localDay,
  nthBusinessDayAfter,
  toWarnings,
  type YearSink,
} from './compiled-calendar.js';

/** One timeline entry as the SLA sees it. */
export type SlaActivity = {
  at: Date;
  kind: 'email' | 'call';
  fromEngineer: boolean;
  /** False for an empty message (no body, no attachment): it is not a response. */
  hasContent: boolean;
};

export type SlaInput = {
  caseNumber: string;
  calendar: BusinessCalendar;
  /** Business days between contacts the engineer promised (see `detectCadence`); null = no promise. */
  cadenceBusinessDays: number | null;
  activities: SlaActivity[];
  closedAt: Date | null;
  now: Date;
};

/** A follow-up window; instants are ISO 8601 UTC strings. */
export type FollowUpWindow = {
  promisedAt: string;
  dueAt: string;
  contactedAt: string | null;
  /** true kept, false missed, null still open at `now` and not yet due. */
  met: boolean | null;
};

export type FirstResponse = {
  openedAt: string | null;
  respondedAt: string | null;
  elapsedSeconds: number | null;
  businessSeconds: number | null;
};

/** Shape of `casedesk sla CASE --json`. */
export type SlaReport = {
  caseNumber: string;
  calendar: string;
  cadenceBusinessDays: number | null;
  firstResponse: FirstResponse;
  followUps: FollowUpWindow[];
  warnings: CalendarWarning[];
};

const iso = (ms: number | null): string | null => (ms === null ? null : isoInstant(ms));

/** Flag bits of a packed activity (see `PackedActivities`). */
export const ACTIVITY_CALL = 1;
export const ACTIVITY_FROM_ENGINEER = 2;
export const ACTIVITY_WITH_CONTENT = 4;

/**
 * A timeline's activities as flat `[epochMs, flags, epochMs, flags, …]` pairs in time order: what
 * the evaluation reads, without an object or a Date per entry (a full recompute evaluates a
 * million of them). The stored timeline digest holds exactly this array.
 */
export type PackedActivities = number[];

export const activityFlags = (a: Pick<SlaActivity, 'kind' | 'fromEngineer' | 'hasContent'>): number =>
  (a.kind === 'call' ? ACTIVITY_CALL : 0) |
  (a.fromEngineer ? ACTIVITY_FROM_ENGINEER : 0) |
  (a.hasContent ? ACTIVITY_WITH_CONTENT : 0);

/** Packs activities as they come; the evaluation puts them in time order (`inTimeOrder`). */
export function packActivities(activities: readonly SlaActivity[]): PackedActivities {
  const out: PackedActivities = [];
  for (const a of activities) out.push(a.at.getTime(), activityFlags(a));
  return out;
}

/** The pairs sorted by time, stably; the input itself when already sorted (the usual case). */
function inTimeOrder(packed: PackedActivities): PackedActivities {
  for (let i = 2; i < packed.length; i += 2) {
    if ((packed[i] as number) < (packed[i - 2] as number)) {
      const pairs: [number, number][] = [];
      for (let j = 0; j < packed.length; j += 2) pairs.push([packed[j] as number, packed[j + 1] as number]);
      pairs.sort((x, y) => x[0] - y[0]);
      return pairs.flat();
    }
  }
  return packed;
}

/**
 * Evaluates a case's first response and follow-up promises. Pure: everything comes in `input`.
 *
 * - The case opens at its first email (any sender; the first activity if there is no email).
 *   The first response is the first engineer email with content; `elapsedSeconds` and
 *   `businessSeconds` run from opening to it, and are null while there is none.
 * - A contact is an engineer email with content or an engineer phone call (answered or not).
 *   With a cadence of N business days, every contact from the first response on opens a window
 *   promised at that instant and due at the end of working hours of the N-th business day after
 *   its local date (`endOfNthBusinessDayAfter`). The window is met when the next contact comes at
 *   or before the due time; `contactedAt` is that next contact even when it came late.
 * - Windows end when the case closes: no window opens at or after `closedAt`; a window with no
 *   contact up to closure is met if the case closed at or before its due time, else missed.
 * - Only activities at or before `now` count. An open window with no contact yet is missed once
 *   `now` is past its due time, and otherwise pending (`met: null`, `contactedAt: null`).
 */
export function evaluateSla(input: SlaInput): SlaReport {
  const c = compileCalendar(input.calendar);
  const sink: YearSink = [];
  const core = evaluateSlaCore(
    {
      cadence: input.cadenceBusinessDays,
      activities: packActivities(input.activities),
      closedMs: input.closedAt ? input.closedAt.getTime() : null,
      nowMs: input.now.getTime(),
    },
    c,
    sink,
  );
  return slaReport(core, input.caseNumber, c, sink);
}

/** The report (ISO strings) of an evaluation; `sink` holds the uncovered years it touched. */
export function slaReport(core: SlaCore, caseNumber: string, c: CompiledCalendar, sink: YearSink): SlaReport {
  const answered = core.opened !== null && core.responded !== null;
  return {
    caseNumber,
    calendar: c.cal.name,
    cadenceBusinessDays: core.cadence,
    firstResponse: {
      openedAt: iso(core.opened),
      respondedAt: iso(core.responded),
      elapsedSeconds: answered ? ((core.responded as number) - (core.opened as number)) / 1000 : null,
      businessSeconds: core.businessMs === null ? null : core.businessMs / 1000,
    },
    followUps: core.windows.map((w) => ({
      promisedAt: iso(w.promised) as string,
      dueAt: dayEndIso(w.dueDay),
      contactedAt: iso(w.contacted),
      met: w.met,
    })),
    warnings: sink.length === 0 ? [] : toWarnings(c, sink),
  };
}

/** A follow-up window in epoch ms (see `FollowUpWindow`); `dueDay` caches the due time's ISO text. */
export type WindowCore = {
  promised: number;
  due: number;
  dueDay: DayInfo;
  contacted: number | null;
  met: boolean | null;
};

/** What `evaluateSla` reports, in epoch ms; the scheduler reads this without building strings. */
export type SlaCore = {
  cadence: number | null;
  opened: number | null;
  responded: number | null;
  businessMs: number | null;
  windows: WindowCore[];
};

/** `SlaInput` in epoch ms with packed activities. */
export type SlaCoreInput = {
  cadence: number | null;
  activities: PackedActivities;
  closedMs: number | null;
  nowMs: number;
};

/** The arithmetic of `evaluateSla`; uncovered years it touches go to `sink`. */
export function evaluateSlaCore(input: SlaCoreInput, c: CompiledCalendar, sink: YearSink): SlaCore {
  const cadence = input.cadence;
  if (cadence !== null && (!Number.isInteger(cadence) || cadence < 1)) {
    throw new DomainError(
      'sla.bad_cadence',
      `Cadence must be a whole number of business days ≥ 1, got ${cadence}`,
    );
  }
  const now = input.nowMs;
  const closed = input.closedMs !== null && input.closedMs <= now ? input.closedMs : null;
  const horizon = closed ?? now;
  const timeline = inTimeOrder(input.activities);

  // One pass: opening, first response, and the distinct contact instants up to the horizon.
  let first: number | null = null;
  let opened: number | null = null;
  let responded: number | null = null;
  const contacts: number[] = [];
  for (let i = 0; i < timeline.length; i += 2) {
    const ms = timeline[i] as number;
    if (ms > now) break;
    const flags = timeline[i + 1] as number;
    const email = (flags & ACTIVITY_CALL) === 0;
    const fromEngineer = (flags & ACTIVITY_FROM_ENGINEER) !== 0;
    const hasContent = (flags & ACTIVITY_WITH_CONTENT) !== 0;
    first ??= ms;
    if (email) opened ??= ms;
    if (responded === null && email && fromEngineer && hasContent) responded = ms;
    const isContact = fromEngineer && (!email || hasContent);
    if (isContact && responded !== null && ms <= horizon && contacts[contacts.length - 1] !== ms)
      contacts.push(ms);
  }
  opened ??= first;
  const businessMs =
    opened !== null && responded !== null ? businessMsBetween(c, opened, responded, sink) : null;

  const windows: WindowCore[] = [];
  if (cadence !== null) {
    for (let i = 0; i < contacts.length; i++) {
      const promised = contacts[i] as number;
      if (closed !== null && promised >= closed) break;
      const dueDay = nthBusinessDayAfter(c, localDay(c, promised), cadence, sink);
      const due = dueDay.spans[dueDay.spans.length - 1] as number;
      const next = contacts[i + 1];
      let met: boolean | null;
      if (next !== undefined) met = next <= due;
      else if (closed !== null) met = closed <= due;
      else met = now > due ? false : null;
      windows.push({ promised, due, dueDay, contacted: next ?? null, met });
    }
  }
  return { cadence, opened, responded, businessMs, windows };
}
