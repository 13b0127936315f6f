import type { Kysely } from 'kysely';
import { getAccount } from '../accounts/accounts.repo.js';
import type { Clock } from '../platform/clock.js';
import type { DB } from '../platform/db/db.js';
import type { Priority } from '../platform/db/schema.js';
import { notFound } from '../platform/errors.js';
import { markAllSlaStale } from './calendars.repo.js';
import { deletePolicyRow, listPolicyRows, type PolicyRow, upsertPolicyRow } from './policies.repo.js';
import type { ResolutionUnit } from './sla.tables.js';
import type { SlaPolicy } from './sla-state.js';

export type PolicyDeps = { db: Kysely<DB>; clock: Clock };

/** Policies by priority: the defaults, and each account's overrides. */
export type PolicySet = {
  defaults: Map<Priority, SlaPolicy>;
  byAccount: Map<string, Map<Priority, SlaPolicy>>;
};

export async function loadPolicySet(db: Kysely<DB>): Promise<PolicySet> {
  const set: PolicySet = { defaults: new Map(), byAccount: new Map() };
  for (const row of await listPolicyRows(db)) {
    const policy: SlaPolicy = {
      firstResponseHours: row.firstResponseHours,
      followUpDays: row.followUpDays,
      resolution: row.resolution,
      remindBeforeMinutes: row.remindBeforeMinutes,
    };
    if (row.accountId === null) set.defaults.set(row.priority, policy);
    else {
      const forAccount = set.byAccount.get(row.accountId) ?? new Map<Priority, SlaPolicy>();
      forAccount.set(row.priority, policy);
      set.byAccount.set(row.accountId, forAccount);
    }
  }
  return set;
}

/** The account's override for the priority, else the default. */
export function policyFor(set: PolicySet, accountId: string | null, priority: Priority): SlaPolicy {
  const own = accountId ? set.byAccount.get(accountId)?.get(priority) : undefined;
  const policy = own ?? set.defaults.get(priority);
  if (!policy) throw notFound('sla.no_policy', `No SLA policy for ${priority}`);
  return policy;
}

export async function listPolicies(deps: PolicyDeps): Promise<PolicyRow[]> {
  return listPolicyRows(deps.db);
}

export type PolicyInput = {
  firstResponseHours?: number;
  followUpDays?: number | null;
  resolution?: { value: number; unit: ResolutionUnit };
  remindBeforeMinutes?: number;
};

/**
 * Sets the policy of a priority, for an account (an override) or for everyone. Fields left out
 * keep their current value (an account's new override starts from the default).
 */
export async function setPolicy(
  deps: PolicyDeps,
  priority: Priority,
  input: PolicyInput & { account?: string | null },
): Promise<PolicyRow> {
  await deps.db.transaction().execute(async (trx) => {
    const accountId = input.account ? (await getAccount(trx, input.account)).id : null;
    const set = await loadPolicySet(trx);
    const current = policyFor(set, accountId, priority);
    const resolution = input.resolution ?? current.resolution;
    await upsertPolicyRow(
      trx,
      accountId,
      priority,
      {
        firstResponseHours: input.firstResponseHours ?? current.firstResponseHours,
        followUpDays: input.followUpDays === undefined ? current.followUpDays : input.followUpDays,
        resolutionValue: resolution.value,
        resolutionUnit: resolution.unit,
        remindBeforeMinutes: input.remindBeforeMinutes ?? current.remindBeforeMinutes,
      },
      deps.clock.now(),
    );
    await markAllSlaStale(trx, deps.clock.now());
  });
  const rows = await listPolicyRows(deps.db);
  const row = rows.find((r) => r.priority === priority && r.account === (input.account || null));
  if (!row) throw notFound('sla.no_policy', `No SLA policy for ${priority}`);
  return row;
}

/** Removes an account's override; the default applies again. */
export async function removeAccountPolicy(
  deps: PolicyDeps,
  account: string,
  priority: Priority,
): Promise<void> {
  const { id } = await getAccount(deps.db, account);
  const removed = await deps.db.transaction().execute(async (trx) => {
    const done = await deletePolicyRow(trx, id, priority);
    if (done) await markAllSlaStale(trx, deps.clock.now());
    return done;
  });
  if (!removed) throw notFound('sla.no_policy', `${account} has no ${priority} policy of its own`);
}
