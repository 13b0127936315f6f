import { type Kysely, type RawBuilder, sql } from 'kysely';
import type { DB } from '../platform/db/db.js';
import type { SlaCaseInputs } from './case-sla.repo.js';
import type { SlaClockKind } from './sla.tables.js';
import { type CaseTimeline, loadTimelines } from './sla-timelines.repo.js';

type Db = Kysely<DB>;

/** What the last stored evaluation of a case wrote, to skip rewriting a state that did not change. */
export type PriorState = {
  /** The case row has not changed since that evaluation (so its timeline digest may be reused). */
  rowUnchanged: boolean;
  lastSeq: number;
  timeline: string | null;
  firstResponseDueMs: number | null;
  followUpDueMs: number | null;
  resolutionDueMs: number | null;
  nextDueMs: number | null;
  nextDueKind: SlaClockKind | null;
  nextCheckMs: number | null;
};

/** A case as a pass loads it: what evaluating it reads, and its stored state (null: none yet). */
export type ScanCase = SlaCaseInputs & { prior: PriorState | null };

/**
 * A chunk as loaded: one text line per case (parsed by `parseLine` when the case is evaluated, so
 * that what a pass holds between chunks is a few large strings, not 2,000 cases' objects), and the
 * timelines read from activities and mail for cases whose stored digest cannot be used.
 */
export type ScanChunk = {
  lines: string[];
  /** Timelines read from activities and mail, by case id (a case with no entries has none). */
  timelines: Map<string, CaseTimeline>;
  /** Cases whose timeline was read from activities and mail (no usable digest). */
  reloaded: Set<string>;
  /** The highest case id of the chunk: the next chunk starts after it. */
  lastId: string | null;
};

/** Epoch ms of a timestamp, exactly and truncated to the millisecond (as a JavaScript Date holds it). */
const wholeMs = (column: string) => `floor(extract(epoch from ${column}) * 1000)::int8`;
/**
 * Epoch ms of a stored due time. These are written from whole milliseconds (`instant` below), so
 * rounding the float epoch is exact, and much cheaper for the server than numeric `extract`.
 */
const dueMs = (column: string) => `round(date_part('epoch', ${column}) * 1000)::int8`;

/**
 * The fields of one line of a chunk, in order (see `parseLine`). Only the digest and the breaches
 * key are free text, and CaseDesk writes neither with a tab or line break (JSON.stringify escapes
 * them); a chunk whose lines do not split as expected is read again with them replaced.
 */
const lineFields = (text: (column: string) => string) => [
  'ch.id',
  "case when ch.evaluated_at is not null and ch.updated_at <= ch.evaluated_at then '1' else '' end",
  'coalesce(st.n, 0)',
  'coalesce(st.m, 0)',
  'ch.priority',
  'ch.status',
  'ch.account_id',
  'ch.owner_id',
  'ch.calendar_id',
  'ch.cadence_business_days',
  'ch.cadence_source',
  'ch.cadence_scanned_seq',
  "case when ch.sla_id is null then '' else '1' end",
  'ch.last_seq',
  'ch.next_due_kind',
  wholeMs('ch.opened_at'),
  wholeMs('ch.closed_at'),
  dueMs('ch.first_response_due_at'),
  dueMs('ch.follow_up_due_at'),
  dueMs('ch.resolution_due_at'),
  dueMs('ch.next_due_at'),
  dueMs('ch.next_check_at'),
  text('ch.breaches_key'),
  text('ch.timeline'),
];
const line = (text: (column: string) => string) => sql.raw(`concat(${lineFields(text).join(", E'\\t', ")})`);
const LINE_FIELD_COUNT = lineFields((c) => c).length;
const AS_IS = line((column) => column);
// translate() costs the server more than the rest of the line: only for a chunk that needs it.
const SANITIZED = line((column) => `translate(${column}, E'\\t\\n\\r', '   ')`);

/**
 * Which cases a pass looks at: with `all` every case not closed (and any whose row changed since
 * its last evaluation); otherwise those whose stored state is missing or stale (a newer activity,
 * a change to the case row, a due time or reminder come). Closed cases are only looked at again
 * when their row changes.
 */
function staleFilter(all: boolean, now: Date): RawBuilder<boolean> {
  if (all) return sql`(c.status <> 'closed' or s.case_id is null or c.updated_at > s.evaluated_at)`;
  return sql`(s.case_id is null or s.evaluated_at is null or c.updated_at > s.evaluated_at
    or (c.status <> 'closed' and (s.next_check_at <= ${now}
      or exists (select 1 from activities a where a.case_id = c.id and a.seq > s.last_seq))))`;
}

const orNull = (v: string | undefined) => (v === undefined || v === '' ? null : v);
const numOrNull = (v: string | undefined) => (v === undefined || v === '' ? null : Number(v));

/**
 * One line of a chunk: the case, its stored state, its timeline stamps (entry count, highest seq)
 * and stored digest; null when the line does not split into its fields.
 */
export function parseLine(
  line: string,
): { c: ScanCase; count: number; maxSeq: number; timeline: string | null } | null {
  const f = line.split('\t');
  if (f.length !== LINE_FIELD_COUNT) return null;
  const timeline = orNull(f[23]);
  const c: ScanCase = {
    id: f[0] as string,
    priority: f[4] as ScanCase['priority'],
    status: f[5] as ScanCase['status'],
    accountId: orNull(f[6]),
    ownerId: orNull(f[7]),
    calendarId: orNull(f[8]),
    cadence: numOrNull(f[9]),
    cadenceSource: orNull(f[10]) as ScanCase['cadenceSource'],
    cadenceScannedSeq: Number(f[11] || 0),
    openedAtMs: Number(f[15]),
    closedAtMs: numOrNull(f[16]),
    breachesKey: f[22] ?? '',
    prior:
      f[12] === '1'
        ? {
            rowUnchanged: f[1] === '1',
            lastSeq: Number(f[13] || 0),
            nextDueKind: orNull(f[14]) as SlaClockKind | null,
            firstResponseDueMs: numOrNull(f[17]),
            followUpDueMs: numOrNull(f[18]),
            resolutionDueMs: numOrNull(f[19]),
            nextDueMs: numOrNull(f[20]),
            nextCheckMs: numOrNull(f[21]),
            timeline,
          }
        : null,
  };
  return { c, count: Number(f[2]), maxSeq: Number(f[3]), timeline };
}

/**
 * What loading a chunk needs of a line before the case is evaluated, found without splitting it:
 * the case id, and whether its stored digest can stand for its timeline (the row unchanged since,
 * and the digest's entry count and highest seq those of the activities). Null when the line does
 * not have its fields.
 */
function preScanLine(line: string): { id: string; digestUsable: boolean } | null {
  const tabs: number[] = [];
  for (let i = line.indexOf('\t'); i !== -1; i = line.indexOf('\t', i + 1)) tabs.push(i);
  if (tabs.length !== LINE_FIELD_COUNT - 1) return null;
  const [t1, t2, t3, t4] = tabs as [number, number, number, number];
  const id = line.slice(0, t1);
  const rowUnchanged = t2 === t1 + 2 && line.charCodeAt(t1 + 1) === 49; // '1'
  if (!rowUnchanged) return { id, digestUsable: false };
  // A digest is `{"n":COUNT,"m":LASTSEQ,...}` (toDigest); fromDigest checks it again when evaluating.
  const prefix = `{"n":${line.slice(t2 + 1, t3)},"m":${line.slice(t3 + 1, t4)},`;
  return { id, digestUsable: line.startsWith(prefix, (tabs[tabs.length - 1] as number) + 1) };
}

/**
 * The next chunk (by case id, after `afterId`) of cases to evaluate, with their stored state and
 * each case's timeline stamps (entry count, highest seq, from the activities index alone), in one
 * statement that answers with one text value: a full recompute reads 100k cases, and both the
 * server's per-row output and the driver's per-field parsing cost more than the data. Timelines
 * come from the stored digest when it still matches the stamps and the case row has not changed
 * since; the rest are read from activities and mail in one more query.
 */
export async function loadScanChunk(
  db: Db,
  options: { afterId: string | null; limit: number; now: Date; all: boolean },
  sanitize = false,
): Promise<ScanChunk> {
  // The bound goes on case_sla too, so the merge join does not walk its index from the start.
  const after = (column: string) =>
    options.afterId === null ? sql`true` : sql`${sql.ref(column)} > ${options.afterId}::uuid`;
  const result = await sql<{ lines: string | null }>`
    with ch as materialized (
      select c.id, c.priority, c.status, c.account_id, c.owner_id, c.opened_at, c.closed_at, c.updated_at,
        s.case_id as sla_id, s.calendar_id, s.cadence_business_days, s.cadence_source, s.cadence_scanned_seq,
        s.last_seq, s.evaluated_at, s.first_response_due_at, s.follow_up_due_at, s.resolution_due_at,
        s.next_due_at, s.next_due_kind, s.next_check_at, s.breaches_key, s.timeline
      from cases c
      left join case_sla s on s.case_id = c.id and ${after('s.case_id')}
      where c.merged_into is null and ${after('c.id')} and ${staleFilter(options.all, options.now)}
      order by c.id
      limit ${options.limit}
    ), st as (
      -- Entry count and highest seq of every case in the chunk's id range: one range scan of the
      -- activities index, no table rows read.
      select a.case_id, count(*) as n, max(a.seq) as m from activities a
      where a.case_id >= (select id from ch order by id limit 1)
        and a.case_id <= (select id from ch order by id desc limit 1)
      group by a.case_id
    )
    select string_agg(${sanitize ? SANITIZED : AS_IS}, E'\n') as lines
    from ch left join st on st.case_id = ch.id`.execute(db);
  const text = result.rows[0]?.lines;
  const timelines = new Map<string, CaseTimeline>();
  const reloaded = new Set<string>();
  if (!text) return { lines: [], timelines, reloaded, lastId: null };
  const lines = text.split('\n');
  // Lines come in no particular order; ids are lowercase hex, so text order is uuid order.
  let first = '';
  let last = '';
  for (const line of lines) {
    const scanned = preScanLine(line);
    if (!scanned) {
      if (sanitize) throw new Error(`SLA scan: a chunk line does not split into ${LINE_FIELD_COUNT} fields`);
      return loadScanChunk(db, options, true);
    }
    const id = scanned.id;
    if (first === '' || id < first) first = id;
    if (id > last) last = id;
    if (!scanned.digestUsable) reloaded.add(id);
  }
  if (reloaded.size > 0) {
    // Most of the chunk (a first pass): one range scan of the index beats a list of ids.
    const loaded = await loadTimelines(
      db,
      reloaded.size * 2 > lines.length ? { from: first, to: last } : { ids: [...reloaded] },
    );
    for (const id of reloaded) {
      const t = loaded.get(id);
      if (t) timelines.set(id, t);
    }
  }
  return { lines, timelines, reloaded, lastId: last };
}

/** Number, title and owner of cases that get a notice (the pass itself loads none of them). */
export async function loadNoticeLabels(
  db: Db,
  caseIds: string[],
): Promise<Map<string, { number: string; title: string; ownerEmail: string | null }>> {
  const out = new Map<string, { number: string; title: string; ownerEmail: string | null }>();
  if (caseIds.length === 0) return out;
  const { rows } = await sql<{ id: string; number: string; title: string; owner_email: string | null }>`
    select c.id, c.number, c.title, o.email as owner_email
    from cases c left join engineers o on o.id = c.owner_id
    where c.id = any(${caseIds}::uuid[])`.execute(db);
  for (const r of rows) out.set(r.id, { number: r.number, title: r.title, ownerEmail: r.owner_email });
  return out;
}
