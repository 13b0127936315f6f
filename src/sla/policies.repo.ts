import type { Kysely } from 'kysely';
import type { DB } from '../platform/db/db.js';
import type { Priority } from '../platform/db/schema.js';
import type { ResolutionUnit } from './sla.tables.js';
import type { SlaPolicy } from './sla-state.js';

type Db = Kysely<DB>;

export type PolicyRow = SlaPolicy & {
  priority: Priority;
  account: string | null;
  accountId: string | null;
  updatedAt: string;
};

export async function listPolicyRows(db: Db): Promise<PolicyRow[]> {
  const rows = await db
    .selectFrom('sla_policies')
    .leftJoin('accounts', 'accounts.id', 'sla_policies.account_id')
    .select([
      'sla_policies.priority',
      'sla_policies.account_id',
      'accounts.name as account',
      'sla_policies.first_response_hours',
      'sla_policies.follow_up_days',
      'sla_policies.resolution_value',
      'sla_policies.resolution_unit',
      'sla_policies.remind_before_minutes',
      'sla_policies.updated_at',
    ])
    .orderBy('accounts.name', (ob) => ob.nullsFirst())
    .orderBy('sla_policies.priority')
    .execute();
  return rows.map((r) => ({
    priority: r.priority,
    accountId: r.account_id,
    account: r.account,
    firstResponseHours: Number(r.first_response_hours),
    followUpDays: r.follow_up_days,
    resolution: { value: Number(r.resolution_value), unit: r.resolution_unit },
    remindBeforeMinutes: r.remind_before_minutes,
    updatedAt: r.updated_at.toISOString(),
  }));
}

export type PolicyValues = {
  firstResponseHours: number;
  followUpDays: number | null;
  resolutionValue: number;
  resolutionUnit: ResolutionUnit;
  remindBeforeMinutes: number;
};

/** Inserts or replaces the policy of a priority (for an account, or the default when accountId is null). */
export async function upsertPolicyRow(
  db: Db,
  accountId: string | null,
  priority: Priority,
  v: PolicyValues,
  now: Date,
): Promise<void> {
  const values = {
    first_response_hours: v.firstResponseHours,
    follow_up_days: v.followUpDays,
    resolution_value: v.resolutionValue,
    resolution_unit: v.resolutionUnit,
    remind_before_minutes: v.remindBeforeMinutes,
    updated_at: now,
  };
  let update = db.updateTable('sla_policies').set(values).where('priority', '=', priority);
  update =
    accountId === null ? update.where('account_id', 'is', null) : update.where('account_id', '=', accountId);
  const result = await update.executeTakeFirst();
  if (Number(result.numUpdatedRows) > 0) return;
  await db
    .insertInto('sla_policies')
    .values({ account_id: accountId, priority, ...values })
    .execute();
}

export async function deletePolicyRow(db: Db, accountId: string, priority: Priority): Promise<boolean> {
  const result = await db
    .deleteFrom('sla_policies')
    .where('account_id', '=', accountId)
    .where('priority', '=', priority)
    .executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}
