import { findAccountByName } from '../accounts/accounts.repo.js';
import { getCase, insertCase, updateCase } from '../cases/cases.repo.js';
import {
  type Actor,
  insertTimelineEntries,
  listTimeline,
  type NewTimelineEntry,
} from '../cases/timeline.repo.js';
import type { Priority } from '../platform/db/schema.js';
import { conflict, invalid } from '../platform/errors.js';
import { copyParticipants, linkCases, mergedIntoNumber } from './case-links.repo.js';
import { actorEngineer, type WorkflowDeps } from './workflow-deps.js';

export type SplitInput = {
  /** Email activities of the parent that belong to the new problem. */
  activityIds: string[];
  title: string;
  priority?: Priority;
};

export type SplitResult = { parent: string; child: string; copied: number };

/**
 * Splits a new case off a case for a separate problem: the chosen mails are COPIED to the child
 * (the parent's history stays whole), with the same account and customers, a new number and token.
 * Both timelines show the split and the cases are linked. The copies carry no Message-ID, so replies
 * to those old mails keep threading to the parent; new mail about the child uses the child's number.
 */
export async function splitCase(
  deps: Pick<WorkflowDeps, 'db' | 'clock' | 'trackingPrefix'>,
  actor: Actor,
  parentNumber: string,
  input: SplitInput,
): Promise<SplitResult> {
  const title = input.title.trim();
  if (!title) throw invalid('split.title_required', 'The new case needs a title');
  const ids = [...new Set(input.activityIds)];
  if (ids.length === 0) throw invalid('split.no_messages', 'Choose at least one mail to split off');
  const parent = await getCase(deps.db, parentNumber);
  const into = await mergedIntoNumber(deps.db, parent.id);
  if (into) throw conflict('split.merged', `${parentNumber} was merged into ${into}; split ${into} instead`);
  const timeline = await listTimeline(deps.db, parent.id);
  const chosen = timeline.filter((a) => ids.includes(a.id));
  const bad = ids.filter((id) => !chosen.some((a) => a.id === id && a.type === 'email' && a.email));
  if (bad.length > 0) {
    throw invalid('split.bad_activity', `Not mails of ${parentNumber}: ${bad.join(', ')}`, {
      activityIds: bad,
    });
  }
  const engineer = await actorEngineer(deps.db, actor);
  const now = deps.clock.now();
  const child = await deps.db.transaction().execute(async (trx) => {
    const account = parent.account ? await findAccountByName(trx, parent.account) : null;
    const created = await insertCase(trx, {
      trackingPrefix: deps.trackingPrefix,
      title,
      accountId: account?.id ?? null,
      priority: input.priority ?? parent.priority,
      status: 'in_progress',
      stage: '',
      ownerId: engineer?.id ?? parent.owner?.id ?? null,
      openedAt: now,
      updatedAt: now,
    });
    await copyParticipants(trx, parent.id, created.id);
    const copies: NewTimelineEntry[] = chosen.map((a) => {
      const m = a.email;
      if (!m) throw new Error('unreachable: chosen entries are mails');
      return {
        caseId: created.id,
        type: 'email',
        actor: a.actor,
        occurredAt: a.occurredAt,
        payload: { ...a.payload, copiedFrom: { caseNumber: parent.number, activityId: a.id } },
        email: { ...m, messageId: null },
      };
    });
    const event = { activityIds: chosen.map((a) => a.id) };
    await insertTimelineEntries(trx, [
      {
        caseId: created.id,
        type: 'system',
        actor,
        occurredAt: now,
        payload: { event: 'split_from', caseNumber: parent.number, ...event },
      },
      ...copies,
      {
        caseId: parent.id,
        type: 'system',
        actor,
        occurredAt: now,
        payload: { event: 'split', caseNumber: created.number, title, ...event },
      },
    ]);
    await updateCase(trx, parent.id, { updatedAt: now });
    await linkCases(trx, { from: parent.id, to: created.id, kind: 'split', createdBy: engineer?.id ?? null });
    return created.number;
  });
  return { parent: parent.number, child, copied: chosen.length };
}
