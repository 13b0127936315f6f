import { type Kysely, sql } from 'kysely';
import type { CaseLinkKind } from '../kb/workflow.tables.js';
import type { DB } from '../platform/db/db.js';

type Db = Kysely<DB>;

/** The case a number or token now lives in, following merges. */
export type SurvivingCase = {
  id: string;
  number: string;
  trackingToken: string;
  /** Case numbers passed on the way, oldest first (empty when the case was never merged). */
  mergedFrom: string[];
};

const MAX_HOPS = 32;

async function follow(
  db: Db,
  start: { id: string; number: string; tracking_token: string; merged_into: string | null },
): Promise<SurvivingCase> {
  let current = start;
  const path: string[] = [];
  for (let hop = 0; current.merged_into && hop < MAX_HOPS; hop++) {
    path.push(current.number);
    const next = await db
      .selectFrom('cases')
      .select(['id', 'number', 'tracking_token', 'merged_into'])
      .where('id', '=', current.merged_into)
      .executeTakeFirst();
    if (!next) break;
    current = next;
  }
  return { id: current.id, number: current.number, trackingToken: current.tracking_token, mergedFrom: path };
}

/**
 * The surviving case for a case number: the case itself, or the case it was merged into (followed
 * to the end). Null when no case has that number. Inbound threading uses it so mail quoting a merged
 * case's number lands on the survivor.
 *
 * @example
 * await resolveCaseNumber(db, 'CAS-00002-AAAAAA') // { number: 'CAS-00001-BBBBBB', mergedFrom: ['CAS-00002-AAAAAA'], … }
 */
export async function resolveCaseNumber(db: Db, number: string): Promise<SurvivingCase | null> {
  const row = await db
    .selectFrom('cases')
    .select(['id', 'number', 'tracking_token', 'merged_into'])
    .where('number', '=', number)
    .executeTakeFirst();
  return row ? follow(db, row) : null;
}

/** Like resolveCaseNumber, for a tracking token such as CMIT:0001334. */
export async function resolveTrackingToken(db: Db, token: string): Promise<SurvivingCase | null> {
  const row = await db
    .selectFrom('cases')
    .select(['id', 'number', 'tracking_token', 'merged_into'])
    .where('tracking_token', '=', token)
    .executeTakeFirst();
  return row ? follow(db, row) : null;
}

/** Records that `to` was split from, merged into, or follows up `from`. Idempotent. */
export async function linkCases(
  db: Db,
  input: { from: string; to: string; kind: CaseLinkKind; createdBy?: string | null },
): Promise<void> {
  await db
    .insertInto('case_relations')
    .values({
      from_case: input.from,
      to_case: input.to,
      kind: input.kind,
      created_by: input.createdBy ?? null,
    })
    .onConflict((oc) => oc.columns(['from_case', 'to_case', 'kind']).doNothing())
    .execute();
}

export type CaseLink = {
  kind: CaseLinkKind;
  /** `to`: this case is the link's source (parent of a split, case merged away, closed case followed up). */
  direction: 'to' | 'from';
  caseNumber: string;
  title: string;
  status: string;
  createdAt: string;
};

export async function listCaseLinks(db: Db, caseId: string): Promise<CaseLink[]> {
  const outgoing = db
    .selectFrom('case_relations as l')
    .innerJoin('cases as c', 'c.id', 'l.to_case')
    .select([
      'l.kind',
      sql<'to' | 'from'>`'to'`.as('direction'),
      'c.number',
      'c.title',
      'c.status',
      'l.created_at',
    ])
    .where('l.from_case', '=', caseId);
  const incoming = db
    .selectFrom('case_relations as l')
    .innerJoin('cases as c', 'c.id', 'l.from_case')
    .select([
      'l.kind',
      sql<'to' | 'from'>`'from'`.as('direction'),
      'c.number',
      'c.title',
      'c.status',
      'l.created_at',
    ])
    .where('l.to_case', '=', caseId);
  const rows = await outgoing.unionAll(incoming).orderBy('created_at').execute();
  return rows.map((r) => ({
    kind: r.kind,
    direction: r.direction,
    caseNumber: r.number,
    title: r.title,
    status: r.status,
    createdAt: r.created_at.toISOString(),
  }));
}

export async function mergedIntoNumber(db: Db, caseId: string): Promise<string | null> {
  const row = await db
    .selectFrom('cases as a')
    .innerJoin('cases as b', 'b.id', 'a.merged_into')
    .select('b.number')
    .where('a.id', '=', caseId)
    .executeTakeFirst();
  return row?.number ?? null;
}

/**
 * Moves every timeline entry of `from` to `to`, marking each with the case it came from, and points
 * `from` (and any case already merged into it) at `to`. Returns how many entries moved.
 */
export async function moveTimelineAndMerge(
  db: Db,
  input: { from: string; to: string; fromNumber: string },
): Promise<number> {
  const moved = await db
    .updateTable('activities')
    .set({
      case_id: input.to,
      payload: sql`payload || jsonb_build_object('mergedFrom', ${input.fromNumber}::text)`,
    })
    .where('case_id', '=', input.from)
    .executeTakeFirst();
  await db.updateTable('emails').set({ case_id: input.to }).where('case_id', '=', input.from).execute();
  await db
    .updateTable('cases')
    .set({ merged_into: input.to })
    .where('merged_into', '=', input.from)
    .execute();
  await db.updateTable('cases').set({ merged_into: input.to }).where('id', '=', input.from).execute();
  await copyParticipants(db, input.from, input.to);
  return Number(moved.numUpdatedRows);
}

export async function copyParticipants(db: Db, from: string, to: string): Promise<void> {
  await db
    .insertInto('case_participants')
    .columns(['case_id', 'contact_id', 'role'])
    .expression((eb) =>
      eb
        .selectFrom('case_participants')
        .select([sql<string>`${to}::uuid`.as('case_id'), 'contact_id', 'role'])
        .where('case_id', '=', from),
    )
    .onConflict((oc) => oc.columns(['case_id', 'contact_id']).doNothing())
    .execute();
}
