import type { Kysely } from 'kysely';
import { ensureAccount, findAccountByName } from '../accounts/accounts.repo.js';
import { type Engineer, getEngineer } from '../auth/engineers.repo.js';
import type { Clock } from '../platform/clock.js';
import type { DB } from '../platform/db/db.js';
import type { CaseStatus, Priority } from '../platform/db/schema.js';
import { invalid, notFound } from '../platform/errors.js';
import { type CaseScope, findScope } from '../workflow/scope.repo.js';
import {
  addParticipant,
  type CaseSummary,
  getCase,
  insertCase,
  listParticipants,
  type Participant,
  updateCase,
} from './cases.repo.js';
import { type Activity, type Actor, insertActivity, listTimeline } from './timeline.repo.js';

/** What every case use-case needs; passed in, never imported as a global. */
export type CaseDeps = { db: Kysely<DB>; clock: Clock; trackingPrefix: string };

export type CaseDetail = CaseSummary & {
  participants: Participant[];
  timeline: Activity[];
  /** The scope agreed with the customer, shown at the top of the case (src/workflow). */
  scope: CaseScope | null;
};

export const engineerActor = (e: Pick<Engineer, 'id' | 'name'>): Actor => ({
  type: 'engineer',
  id: e.id,
  name: e.name,
});

export async function getCaseDetail(deps: CaseDeps, number: string): Promise<CaseDetail> {
  const summary = await getCase(deps.db, number);
  const [participants, timeline, scope] = await Promise.all([
    listParticipants(deps.db, summary.id),
    listTimeline(deps.db, summary.id),
    findScope(deps.db, summary.id),
  ]);
  return { ...summary, participants, timeline, scope };
}

export type CreateCaseInput = {
  title: string;
  account?: string | null;
  priority?: Priority;
  stage?: string;
  /** Engineer name; defaults to nobody (unassigned). */
  owner?: string | null;
  /** Contact ids of the account's people on this case. */
  contactIds?: string[];
  description?: string;
};

export async function createCase(deps: CaseDeps, actor: Actor, input: CreateCaseInput): Promise<CaseDetail> {
  const now = deps.clock.now();
  const number = await deps.db.transaction().execute(async (trx) => {
    const account = input.account ? await ensureAccount(trx, input.account) : null;
    const owner = input.owner ? await getEngineer(trx, input.owner) : null;
    const created = await insertCase(trx, {
      trackingPrefix: deps.trackingPrefix,
      title: input.title,
      accountId: account?.id ?? null,
      priority: input.priority ?? 'P3',
      status: 'new',
      stage: input.stage ?? '',
      ownerId: owner?.id ?? null,
      openedAt: now,
      updatedAt: now,
    });
    for (const contactId of input.contactIds ?? []) await addParticipant(trx, created.id, contactId);
    await insertActivity(trx, {
      caseId: created.id,
      type: 'system',
      actor,
      occurredAt: now,
      payload: { event: 'created', description: input.description ?? null },
    });
    return created.number;
  });
  return getCaseDetail(deps, number);
}

export type UpdateCaseInput = {
  title?: string;
  account?: string | null;
  priority?: Priority;
  stage?: string;
};

export async function updateCaseFields(
  deps: CaseDeps,
  actor: Actor,
  number: string,
  input: UpdateCaseInput,
): Promise<CaseDetail> {
  const current = await getCase(deps.db, number);
  const now = deps.clock.now();
  await deps.db.transaction().execute(async (trx) => {
    let accountId: string | null | undefined;
    if (input.account === null) accountId = null;
    else if (input.account !== undefined) {
      const account = await findAccountByName(trx, input.account);
      if (!account) throw notFound('account.not_found', `No account named ${input.account}`);
      accountId = account.id;
    }
    const changes: Record<string, { from: unknown; to: unknown }> = {};
    if (input.title !== undefined && input.title !== current.title)
      changes.title = { from: current.title, to: input.title };
    if (input.priority !== undefined && input.priority !== current.priority)
      changes.priority = { from: current.priority, to: input.priority };
    if (input.stage !== undefined && input.stage !== current.stage)
      changes.stage = { from: current.stage, to: input.stage };
    if (input.account !== undefined && input.account !== current.account)
      changes.account = { from: current.account, to: input.account };
    if (Object.keys(changes).length === 0) return;
    await updateCase(trx, current.id, {
      ...(input.title !== undefined ? { title: input.title } : {}),
      ...(input.priority !== undefined ? { priority: input.priority } : {}),
      ...(input.stage !== undefined ? { stage: input.stage } : {}),
      ...(accountId !== undefined ? { accountId } : {}),
      updatedAt: now,
    });
    await insertActivity(trx, {
      caseId: current.id,
      type: 'system',
      actor,
      occurredAt: now,
      payload: { event: 'updated', changes },
    });
  });
  return getCaseDetail(deps, number);
}

/** Which status may follow which. A closed case can only be reopened (to in progress). */
const allowedNext: Record<CaseStatus, CaseStatus[]> = {
  new: ['in_progress', 'waiting_for_customer', 'resolved', 'closed'],
  in_progress: ['waiting_for_customer', 'resolved', 'closed'],
  waiting_for_customer: ['in_progress', 'resolved', 'closed'],
  resolved: ['in_progress', 'waiting_for_customer', 'closed'],
  closed: ['in_progress'],
};

export async function changeStatus(
  deps: CaseDeps,
  actor: Actor,
  number: string,
  input: { status: CaseStatus; note?: string },
): Promise<CaseDetail> {
  const current = await getCase(deps.db, number);
  if (current.status === input.status) return getCaseDetail(deps, number);
  if (!allowedNext[current.status].includes(input.status)) {
    throw invalid('case.bad_transition', `A ${current.status} case cannot become ${input.status}`, {
      from: current.status,
      to: input.status,
    });
  }
  const now = deps.clock.now();
  await deps.db.transaction().execute(async (trx) => {
    await updateCase(trx, current.id, {
      status: input.status,
      closedAt: input.status === 'closed' ? now : null,
      updatedAt: now,
    });
    await insertActivity(trx, {
      caseId: current.id,
      type: 'status_change',
      actor,
      occurredAt: now,
      payload: { from: current.status, to: input.status, note: input.note ?? null },
    });
  });
  return getCaseDetail(deps, number);
}

export async function transferOwner(
  deps: CaseDeps,
  actor: Actor,
  number: string,
  input: { to: string; note: string },
): Promise<CaseDetail> {
  const current = await getCase(deps.db, number);
  const target = await getEngineer(deps.db, input.to);
  if (!target.active) throw invalid('case.inactive_owner', `${target.name} is not an active engineer`);
  if (current.owner?.id === target.id) {
    throw invalid('case.same_owner', `${target.name} already owns ${number}`);
  }
  const now = deps.clock.now();
  await deps.db.transaction().execute(async (trx) => {
    await updateCase(trx, current.id, { ownerId: target.id, updatedAt: now });
    await insertActivity(trx, {
      caseId: current.id,
      type: 'transfer',
      actor,
      occurredAt: now,
      payload: { from: current.owner, to: { id: target.id, name: target.name }, note: input.note },
    });
  });
  return getCaseDetail(deps, number);
}

export async function addNote(
  deps: CaseDeps,
  actor: Actor,
  number: string,
  input: { text: string },
): Promise<Activity> {
  const current = await getCase(deps.db, number);
  const now = deps.clock.now();
  const id = await deps.db.transaction().execute(async (trx) => {
    await updateCase(trx, current.id, { updatedAt: now });
    return insertActivity(trx, {
      caseId: current.id,
      type: 'note',
      actor,
      occurredAt: now,
      payload: { text: input.text },
    });
  });
  return findActivity(deps, current.id, id);
}

export type CallInput = {
  outcome: 'reached' | 'no_answer';
  note: string;
  /** Who was called: a contact's name or phone number, free text. */
  callee?: string;
  durationSeconds?: number;
  /** When the call happened; defaults to now. */
  at?: Date;
};

export async function logCall(
  deps: CaseDeps,
  actor: Actor,
  number: string,
  input: CallInput,
): Promise<Activity> {
  const current = await getCase(deps.db, number);
  const now = deps.clock.now();
  const at = input.at ?? now;
  if (at.getTime() > now.getTime() + 60_000)
    throw invalid('call.in_future', 'A call cannot be logged in the future');
  const id = await deps.db.transaction().execute(async (trx) => {
    await updateCase(trx, current.id, { updatedAt: now });
    return insertActivity(trx, {
      caseId: current.id,
      type: 'call',
      actor,
      occurredAt: at,
      payload: {
        outcome: input.outcome,
        note: input.note,
        callee: input.callee ?? null,
        durationSeconds: input.durationSeconds ?? null,
      },
    });
  });
  return findActivity(deps, current.id, id);
}

async function findActivity(deps: CaseDeps, caseId: string, id: string): Promise<Activity> {
  const timeline = await listTimeline(deps.db, caseId);
  const found = timeline.find((a) => a.id === id);
  if (!found) throw notFound('activity.not_found', 'Activity vanished');
  return found;
}
