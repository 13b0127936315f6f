import { type Kysely, sql } from 'kysely';
import type { DB } from '../platform/db/db.js';
import { activityFlags, type PackedActivities } from './sla-evaluator.js';
import type { CaseStatusName, StatusChangeMs } from './sla-state.js';

type Db = Kysely<DB>;

export type CaseTimeline = {
  /** Mails and calls, in time order (see `PackedActivities`). */
  activities: PackedActivities;
  statusChanges: StatusChangeMs[];
  /** How many timeline entries of any type the case has, and the highest seq among them. */
  count: number;
  lastSeq: number;
  /** Engineer mail not yet read for a cadence, newest last: [seq, text]. */
  unscannedEngineerText: { seq: number; text: string }[];
  /** The stored digest this timeline was read from, if it was. */
  digest?: string;
};

export const emptyTimeline = (): CaseTimeline => ({
  activities: [],
  statusChanges: [],
  count: 0,
  lastSeq: 0,
  unscannedEngineerText: [],
});

/** Which cases to load: these ids, or every case with an id in [from, to] (one index range scan). */
export type TimelineTarget = { ids: string[] } | { from: string; to: string };

/**
 * The SLA-relevant timeline of many cases in one query: mails (with whether they have content),
 * calls and status changes. Bodies are fetched only for engineer mail newer than what the
 * cadence detection has read.
 */
export async function loadTimelines(db: Db, target: TimelineTarget): Promise<Map<string, CaseTimeline>> {
  const out = new Map<string, CaseTimeline>();
  if ('ids' in target && target.ids.length === 0) return out;
  const where =
    'ids' in target
      ? sql`a.case_id = any(${target.ids}::uuid[])`
      : sql`a.case_id >= ${target.from}::uuid and a.case_id <= ${target.to}::uuid`;
  // "With content": any non-blank character (Unicode spaces too), or an attachment.
  const rows = await sql<{
    case_id: string;
    seq: number;
    type: string;
    actor_type: string;
    at_ms: number;
    status_from: string | null;
    status_to: string | null;
    has_content: boolean | null;
    text: string | null;
  }>`select a.case_id, a.seq, a.type, a.actor_type,
      (extract(epoch from a.occurred_at) * 1000)::float8 as at_ms,
      case when a.type = 'status_change' then a.payload->>'from' end as status_from,
      case when a.type = 'status_change' then a.payload->>'to' end as status_to,
      (e.text_body ~ '[^[:space:]\u00a0\u3000\ufeff\u200b]' or jsonb_array_length(e.attachments) > 0) as has_content,
      case when a.type = 'email' and a.actor_type = 'engineer'
        and a.seq > coalesce(s.cadence_scanned_seq, 0) then e.text_body end as text
    from activities a
    left join emails e on e.activity_id = a.id and a.type = 'email'
    left join case_sla s on s.case_id = a.case_id
    where ${where}
    order by a.case_id, a.occurred_at, a.seq`.execute(db);
  let caseId = '';
  let t = emptyTimeline();
  for (const r of rows.rows) {
    if (r.case_id !== caseId) {
      caseId = r.case_id;
      t = emptyTimeline();
      out.set(caseId, t);
    }
    const seq = Number(r.seq);
    t.count++;
    if (seq > t.lastSeq) t.lastSeq = seq;
    if (r.type === 'email' || r.type === 'call') {
      t.activities.push(
        r.at_ms,
        activityFlags({
          kind: r.type,
          fromEngineer: r.actor_type === 'engineer',
          hasContent: r.type === 'call' || r.has_content === true,
        }),
      );
      if (r.text !== null) t.unscannedEngineerText.push({ seq, text: r.text });
    } else if (r.type === 'status_change' && r.status_to) {
      t.statusChanges.push({
        at: r.at_ms,
        from: (r.status_from as CaseStatusName | null) ?? null,
        to: r.status_to as CaseStatusName,
      });
    }
  }
  for (const tl of out.values()) tl.unscannedEngineerText.sort((a, b) => a.seq - b.seq);
  return out;
}

/**
 * A timeline as stored in `case_sla.timeline` (JSON text): entry count `n`, highest seq `m`,
 * activities `a` as [ms, flags] pairs (1 call, 2 from an engineer, 4 with content) and status
 * changes `s` as [ms, from, to] triples. It lets a full recompute skip re-reading the mail bodies;
 * it is used only while the case's entry count and highest seq still match it.
 */
export type TimelineDigest = string;

export function toDigest(t: CaseTimeline): TimelineDigest {
  if (t.digest !== undefined) return t.digest;
  const s: (number | string | null)[] = [];
  for (const x of t.statusChanges) s.push(x.at, x.from, x.to);
  return JSON.stringify({ n: t.count, m: t.lastSeq, a: t.activities, s });
}

/** The timeline a digest holds, or null when it is missing, unreadable or no longer matches the stamps. */
export function fromDigest(
  digest: TimelineDigest | null,
  stamps: { count: number; lastSeq: number },
): CaseTimeline | null {
  if (!digest) return null;
  let d: { n: number; m: number; a: number[]; s: (number | string | null)[] };
  try {
    d = JSON.parse(digest);
  } catch {
    return null;
  }
  if (d.n !== stamps.count || d.m !== stamps.lastSeq || !Array.isArray(d.a) || !Array.isArray(d.s))
    return null;
  const statusChanges: StatusChangeMs[] = [];
  for (let i = 0; i < d.s.length; i += 3) {
    statusChanges.push({
      at: d.s[i] as number,
      from: d.s[i + 1] as CaseStatusName | null,
      to: d.s[i + 2] as CaseStatusName,
    });
  }
  return { activities: d.a, statusChanges, count: d.n, lastSeq: d.m, unscannedEngineerText: [], digest };
}
