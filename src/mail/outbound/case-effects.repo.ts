import type { Kysely } from 'kysely';
import type { DB } from '../../platform/db/db.js';
import type { CaseStatus } from '../../platform/db/schema.js';

type Db = Kysely<DB>;

/** Sets the case's first response time unless it has one; true when this call set it (race-free). */
export async function stampFirstResponse(db: Db, caseId: string, at: Date): Promise<boolean> {
  const row = await db
    .updateTable('cases')
    .set({ first_response_at: at, updated_at: at })
    .where('id', '=', caseId)
    .where('first_response_at', 'is', null)
    .returning('id')
    .executeTakeFirst();
  return row !== undefined;
}

/** Moves the case from `from` to `to` only if it is still in `from`; true when it moved. */
export async function moveStatusIf(
  db: Db,
  caseId: string,
  from: CaseStatus,
  to: CaseStatus,
  at: Date,
): Promise<boolean> {
  const row = await db
    .updateTable('cases')
    .set({ status: to, updated_at: at })
    .where('id', '=', caseId)
    .where('status', '=', from)
    .returning('id')
    .executeTakeFirst();
  return row !== undefined;
}
