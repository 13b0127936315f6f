import { getCase, updateCase } from '../cases/cases.repo.js';
import { changeStatus } from '../cases/cases.service.js';
import { type Actor, insertActivity } from '../cases/timeline.repo.js';
import { conflict, invalid, notFound } from '../platform/errors.js';
import { linkCases, mergedIntoNumber, moveTimelineAndMerge, resolveCaseNumber } from './case-links.repo.js';
import { insertClosure } from './closure.repo.js';
import { actorEngineer, type WorkflowDeps } from './workflow-deps.js';

export type MergeResult = { merged: string; into: string; moved: number };

/**
 * Merges case A into case B. A's timeline entries MOVE to B (each marked `mergedFrom: A`), so B
 * shows the whole story and threading by Message-ID finds B; A keeps one entry saying where it went,
 * is closed as a duplicate without consent and points at B (`cases.merged_into`), so A's number and
 * token resolve to B (`resolveCaseNumber`). Cases already merged into A follow it to B. Both cases
 * must belong to the same account (or both to none): merging never shows one customer another's mail.
 */
export async function mergeCase(
  deps: Pick<WorkflowDeps, 'db' | 'clock' | 'trackingPrefix'>,
  actor: Actor,
  sourceNumber: string,
  input: { into: string; note?: string },
): Promise<MergeResult> {
  const source = await getCase(deps.db, sourceNumber);
  const already = await mergedIntoNumber(deps.db, source.id);
  if (already) throw conflict('merge.already_merged', `${sourceNumber} was already merged into ${already}`);
  const survivor = await resolveCaseNumber(deps.db, input.into);
  if (!survivor) throw notFound('case.not_found', `No case ${input.into}`, { caseNumber: input.into });
  if (survivor.id === source.id)
    throw invalid('merge.same_case', `${sourceNumber} cannot be merged into itself`);
  const target = await getCase(deps.db, survivor.number);
  if (source.status === 'closed') {
    throw conflict('merge.closed', `${sourceNumber} is closed; reopen it first, or leave it closed`);
  }
  if (source.account !== target.account) {
    throw invalid(
      'merge.account_mismatch',
      `${sourceNumber} (${source.account ?? 'no account'}) and ${target.number} (${target.account ?? 'no account'}) belong to different accounts`,
    );
  }
  const engineer = await actorEngineer(deps.db, actor);
  const now = deps.clock.now();
  const note = input.note?.trim() || null;
  const moved = await deps.db.transaction().execute(async (trx) => {
    const count = await moveTimelineAndMerge(trx, {
      from: source.id,
      to: target.id,
      fromNumber: source.number,
    });
    await linkCases(trx, { from: source.id, to: target.id, kind: 'merged', createdBy: engineer?.id ?? null });
    await insertActivity(trx, {
      caseId: target.id,
      type: 'system',
      actor,
      occurredAt: now,
      payload: {
        event: 'merged_in',
        caseNumber: source.number,
        trackingToken: source.trackingToken,
        moved: count,
        note,
      },
    });
    await insertActivity(trx, {
      caseId: source.id,
      type: 'system',
      actor,
      occurredAt: now,
      payload: { event: 'merged_into', caseNumber: target.number, moved: count, note },
    });
    await updateCase(trx, target.id, { updatedAt: now });
    return count;
  });
  await changeStatus(deps, actor, sourceNumber, { status: 'closed', note: `duplicate of ${target.number}` });
  await insertClosure(deps.db, {
    caseId: source.id,
    reason: 'duplicate',
    consentActivityId: null,
    noConsent: true,
    summary: `Merged into ${target.number}.`,
    summaryActivityId: null,
    closedBy: engineer?.id ?? null,
    closedAt: deps.clock.now(),
  });
  return { merged: source.number, into: target.number, moved };
}
