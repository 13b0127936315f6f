import type { Kysely } from 'kysely';
import type { Engineer } from '../auth/engineers.repo.js';
import { splitQuoted } from '../mail/reading/split-quoted.js';
import type { Clock } from '../platform/clock.js';
import type { DB } from '../platform/db/db.js';
import { invalid, notFound } from '../platform/errors.js';
import { isoInstant } from '../platform/iso-instant.js';
import { detectCadence } from './cadence-detector.js';
import type { BusinessCalendar, CalendarWarning } from './calendar.types.js';
import { findCalendarRow } from './calendars.repo.js';
import { type CalendarSet, loadCalendarSet } from './calendars.service.js';
import {
  findSlaCase,
  listBreaching,
  type SlaCaseInputs,
  type SlaCaseRow,
  type StoredState,
  saveCaseSettings,
  saveDetectedCadence,
} from './case-sla.repo.js';
import { loadPolicySet, type PolicySet, policyFor } from './policies.service.js';
import type { SlaClockKind } from './sla.tables.js';
import type { SlaReport } from './sla-evaluator.js';
import { type BreachRecord, listBreaches } from './sla-records.repo.js';
import {
  type CaseSlaCore,
  type CaseSlaState,
  computeCaseSlaCore,
  presentCaseSla,
  type SlaPolicy,
} from './sla-state.js';
import { type CaseTimeline, emptyTimeline, loadTimelines, toDigest } from './sla-timelines.repo.js';

export type SlaDeps = { db: Kysely<DB>; clock: Clock };

export type CadenceSource = 'engineer' | 'detected' | 'policy' | null;

/**
 * One case evaluated: the state in epoch ms (what the scheduler reads), what is stored for it,
 * and the state with ISO strings for the API, built on first read.
 */
export class EvaluatedCase<R extends SlaCaseInputs = SlaCaseRow> {
  #state: CaseSlaState | undefined;
  constructor(
    readonly row: R,
    readonly calendar: BusinessCalendar,
    readonly policy: SlaPolicy,
    /** The cadence in force and where it comes from. */
    readonly cadence: number | null,
    readonly cadenceSource: CadenceSource,
    readonly core: CaseSlaCore,
    readonly stored: StoredState,
  ) {}

  get state(): CaseSlaState {
    // Rows of the scheduler's pass carry no number (it never reads the ISO view).
    this.#state ??= presentCaseSla(this.core, (this.row as Partial<SlaCaseRow>).number ?? '');
    return this.#state;
  }
}

/**
 * The cadence an engineer promised, read from the fresh part (quotes cut) of their mail, newest
 * first: a later promise replaces an earlier one.
 */
export function detectCaseCadence(texts: { seq: number; text: string }[]): number | null {
  for (let i = texts.length - 1; i >= 0; i--) {
    const found = detectCadence(splitQuoted((texts[i] as { text: string }).text).fresh);
    if (found !== null) return found;
  }
  return null;
}

/** Breaches by identity (kind and clock start), so a moved due time is not a new breach. */
function breachesKey(breaches: CaseSlaCore['breaches']): string {
  let key = '';
  for (const b of breaches) key += `${key === '' ? '' : ' '}${b.kind}@${isoInstant(b.started)}`;
  return key;
}

/** What evaluating a case reads besides the case: calendars, policies and the instant "now". */
export type EvaluationContext = {
  calendars: CalendarSet;
  policies: PolicySet;
  nowMs: number;
  calendarOverride?: BusinessCalendar;
};

/** Evaluates one case on its timeline; pure apart from reading its inputs. */
export function evaluateOne<R extends SlaCaseInputs>(
  row: R,
  timeline: CaseTimeline,
  ctx: EvaluationContext,
): EvaluatedCase<R> {
  let caseCadence = row.cadence;
  let source: 'engineer' | 'detected' | null = row.cadenceSource;
  let scanned = row.cadenceScannedSeq;
  if (timeline.unscannedEngineerText.length > 0) {
    scanned = Math.max(scanned, ...timeline.unscannedEngineerText.map((t) => t.seq));
    if (source !== 'engineer') {
      const found = detectCaseCadence(timeline.unscannedEngineerText);
      if (found !== null) {
        caseCadence = found;
        source = 'detected';
      }
    }
  }
  const calendar =
    ctx.calendarOverride ??
    (row.calendarId ? ctx.calendars.byId.get(row.calendarId) : undefined) ??
    ctx.calendars.defaultCalendar;
  const policy = policyFor(ctx.policies, row.accountId, row.priority);
  const core = computeCaseSlaCore({
    calendar,
    policy,
    caseCadence,
    openedAtMs: row.openedAtMs,
    status: row.status,
    statusChanges: timeline.statusChanges,
    activities: timeline.activities,
    closedAtMs: row.closedAtMs,
    nowMs: ctx.nowMs,
  });
  const next = core.open[0] ?? null;
  const stored: StoredState = {
    caseId: row.id,
    calendarId: row.calendarId,
    cadence: caseCadence,
    cadenceSource: source,
    cadenceScannedSeq: scanned,
    // The columns carry what lists and the scheduler need; the full state is computed on demand.
    lastSeq: timeline.lastSeq,
    firstResponseDueMs: core.firstResponse.due,
    followUpDueMs: core.followUp?.due ?? null,
    resolutionDueMs: core.resolution.due,
    nextDueMs: next?.due ?? null,
    nextDueKind: next?.kind ?? null,
    nextCheckMs: core.nextCheck,
    breachesKey: breachesKey(core.breaches),
    timeline: toDigest(timeline),
  };
  const cadenceSource: CadenceSource =
    caseCadence !== null ? source : policy.followUpDays !== null ? 'policy' : null;
  // The cadence in force, as the report says it, without building the report.
  const cadence = caseCadence ?? policy.followUpDays;
  return new EvaluatedCase(row, calendar, policy, cadence, cadenceSource, core, stored);
}

/** Evaluates loaded cases against the calendars and policies given; pure apart from reading inputs. */
export function evaluateLoaded<R extends SlaCaseInputs>(
  cases: R[],
  timelines: Map<string, CaseTimeline>,
  ctx: { calendars: CalendarSet; policies: PolicySet; now: Date; calendarOverride?: BusinessCalendar },
): EvaluatedCase<R>[] {
  const context: EvaluationContext = { ...ctx, nowMs: ctx.now.getTime() };
  return cases.map((row) => evaluateOne(row, timelines.get(row.id) ?? emptyTimeline(), context));
}

async function mustFindCase(db: Kysely<DB>, number: string): Promise<SlaCaseRow> {
  const row = await findSlaCase(db, number);
  if (!row) throw notFound('case.not_found', `No case ${number}`, { caseNumber: number });
  return row;
}

/** Evaluates one case now (on another calendar for a what-if); stores a newly detected cadence. */
export async function evaluateCase(
  deps: SlaDeps,
  number: string,
  options: { calendar?: string } = {},
): Promise<EvaluatedCase> {
  const row = await mustFindCase(deps.db, number);
  const [calendars, policies, timelines] = await Promise.all([
    loadCalendarSet(deps.db),
    loadPolicySet(deps.db),
    loadTimelines(deps.db, { ids: [row.id] }),
  ]);
  let calendarOverride: BusinessCalendar | undefined;
  if (options.calendar !== undefined) {
    calendarOverride = calendars.byName.get(options.calendar);
    if (!calendarOverride)
      throw notFound('calendar.not_found', `No calendar named ${options.calendar}`, {
        calendar: options.calendar,
      });
  }
  const now = deps.clock.now();
  const [evaluated] = evaluateLoaded([row], timelines, {
    calendars,
    policies,
    now,
    ...(calendarOverride ? { calendarOverride } : {}),
  });
  if (!evaluated) throw notFound('case.not_found', `No case ${number}`);
  // Only what was read from the mail is stored here; the scheduler stores states and records
  // breaches, so a look at a case never swallows a breach notice.
  const s = evaluated.stored;
  if (s.cadenceScannedSeq !== row.cadenceScannedSeq) {
    await saveDetectedCadence(
      deps.db,
      row.id,
      {
        days: s.cadenceSource === 'detected' && s.cadence !== row.cadence ? s.cadence : null,
        scannedSeq: s.cadenceScannedSeq,
      },
      now,
    );
  }
  return evaluated;
}

/** `casedesk sla CASE --json`: the follow-up report, exactly these fields. */
export async function slaReport(
  deps: SlaDeps,
  number: string,
  options: { calendar?: string } = {},
): Promise<SlaReport> {
  const { state } = await evaluateCase(deps, number, options);
  const r = state.report;
  return {
    caseNumber: r.caseNumber,
    calendar: r.calendar,
    cadenceBusinessDays: r.cadenceBusinessDays,
    firstResponse: r.firstResponse,
    followUps: r.followUps,
    warnings: r.warnings,
  };
}

export type CaseSlaView = {
  caseNumber: string;
  calendar: string;
  priority: string;
  policy: SlaPolicy;
  cadence: { businessDays: number | null; source: CadenceSource };
  evaluatedAt: string;
  firstResponse: CaseSlaState['firstResponse'] & {
    openedAt: string | null;
    elapsedSeconds: number | null;
    businessSeconds: number | null;
  };
  followUp: CaseSlaState['followUp'];
  followUps: SlaReport['followUps'];
  resolution: CaseSlaState['resolution'];
  breaches: (CaseSlaState['breaches'][number] & { recordedAt: string | null })[];
  warnings: CalendarWarning[];
};

export function toView(e: EvaluatedCase, recorded: BreachRecord[], now: Date): CaseSlaView {
  const at = new Map(recorded.map((b) => [`${b.kind} ${b.dueAt}`, b.recordedAt]));
  const fr = e.state.report.firstResponse;
  return {
    caseNumber: e.row.number,
    calendar: e.calendar.name,
    priority: e.row.priority,
    policy: e.policy,
    cadence: { businessDays: e.cadence, source: e.cadenceSource },
    evaluatedAt: now.toISOString(),
    firstResponse: {
      ...e.state.firstResponse,
      openedAt: fr.openedAt,
      elapsedSeconds: fr.elapsedSeconds,
      businessSeconds: fr.businessSeconds,
    },
    followUp: e.state.followUp,
    followUps: e.state.report.followUps,
    resolution: e.state.resolution,
    breaches: e.state.breaches.map((b) => ({ ...b, recordedAt: at.get(`${b.kind} ${b.dueAt}`) ?? null })),
    warnings: e.state.warnings,
  };
}

export async function getCaseSla(
  deps: SlaDeps,
  number: string,
  options: { calendar?: string } = {},
): Promise<CaseSlaView> {
  const evaluated = await evaluateCase(deps, number, options);
  return toView(evaluated, await listBreaches(deps.db, evaluated.row.id), deps.clock.now());
}

/** The engineer sets (or with null clears) the case's follow-up cadence; detection never overrides it. */
export async function setCaseCadence(
  deps: SlaDeps,
  engineer: Pick<Engineer, 'id'> | null,
  number: string,
  businessDays: number | null,
): Promise<CaseSlaView> {
  if (businessDays !== null && (!Number.isInteger(businessDays) || businessDays < 1 || businessDays > 60)) {
    throw invalid(
      'sla.bad_cadence',
      `A cadence is a whole number of business days from 1 to 60, got ${businessDays}`,
    );
  }
  const row = await mustFindCase(deps.db, number);
  const now = deps.clock.now();
  await saveCaseSettings(
    deps.db,
    row.id,
    {
      cadence: {
        days: businessDays,
        source: businessDays === null ? null : 'engineer',
        by: engineer?.id ?? null,
        at: now,
      },
    },
    now,
  );
  return getCaseSla(deps, number);
}

/** Gives the case its own calendar, or (null) puts it back on the default calendar. */
export async function setCaseCalendar(
  deps: SlaDeps,
  number: string,
  calendar: string | null,
): Promise<CaseSlaView> {
  const row = await mustFindCase(deps.db, number);
  let calendarId: string | null = null;
  if (calendar !== null) {
    const found = await findCalendarRow(deps.db, calendar);
    if (!found) throw notFound('calendar.not_found', `No calendar named ${calendar}`, { calendar });
    calendarId = found.id;
  }
  await saveCaseSettings(deps.db, row.id, { calendarId }, deps.clock.now());
  return getCaseSla(deps, number);
}

export type BreachingCase = {
  caseNumber: string;
  title: string;
  priority: string;
  status: string;
  owner: string | null;
  kind: SlaClockKind | null;
  dueAt: string;
  secondsLeft: number;
  overdue: boolean;
};

/** Open cases with a due time within `withinHours` (or already overdue), soonest first, from the stored states. */
export async function breachingCases(
  deps: SlaDeps,
  options: { withinHours: number; limit: number; owner?: string; includeOverdue: boolean },
): Promise<BreachingCase[]> {
  const now = deps.clock.now();
  const rows = await listBreaching(deps.db, {
    until: new Date(now.getTime() + options.withinHours * 3_600_000),
    limit: options.limit,
    ...(options.owner ? { owner: options.owner } : {}),
  });
  return rows
    .map((r) => ({
      caseNumber: r.number,
      title: r.title,
      priority: r.priority,
      status: r.status,
      owner: r.owner,
      kind: r.nextDueKind,
      dueAt: r.nextDueAt.toISOString(),
      secondsLeft: (r.nextDueAt.getTime() - now.getTime()) / 1000,
      overdue: r.nextDueAt.getTime() < now.getTime(),
    }))
    .filter((c) => options.includeOverdue || !c.overdue);
}
