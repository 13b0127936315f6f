import { getCase } from '../cases/cases.repo.js';
import { type CaseDetail, changeStatus } from '../cases/cases.service.js';
import type { Actor } from '../cases/timeline.repo.js';
import { conflict, invalid } from '../platform/errors.js';
import { mergedIntoNumber } from './case-links.repo.js';
import { REOPEN_WINDOW_DAYS } from './case-values.js';
import { markReopened } from './closure.repo.js';
import { actorEngineer, type WorkflowDeps } from './workflow-deps.js';

/**
 * Reopens a closed case (to in progress) with a reason, which the timeline shows. An engineer may
 * reopen at any time; inbound mail reopens with a system actor (see `replyAfterClosure`). A case
 * merged into another stays closed: work continues on the survivor.
 */
export async function reopenCase(
  deps: Pick<WorkflowDeps, 'db' | 'clock' | 'trackingPrefix'>,
  actor: Actor,
  caseNumber: string,
  input: { reason: string },
): Promise<CaseDetail> {
  const reason = input.reason.trim();
  if (!reason) throw invalid('reopen.reason_required', 'Say why the case is reopened');
  const c = await getCase(deps.db, caseNumber);
  if (c.status !== 'closed') throw conflict('reopen.not_closed', `${caseNumber} is not closed (${c.status})`);
  const into = await mergedIntoNumber(deps.db, c.id);
  if (into) {
    throw conflict('reopen.merged', `${caseNumber} was merged into ${into}; continue on ${into}`, {
      mergedInto: into,
    });
  }
  const engineer = await actorEngineer(deps.db, actor);
  const detail = await changeStatus(deps, actor, caseNumber, {
    status: 'in_progress',
    note: `reopened: ${reason}`,
  });
  await markReopened(deps.db, c.id, { at: deps.clock.now(), by: engineer?.id ?? null, reason });
  return detail;
}

/**
 * What to do with a customer's mail that arrives on a closed case (implemented by inbound mail):
 * within REOPEN_WINDOW_DAYS (14 × 24 h) of the closure the case is reopened; later, a new case is
 * opened and linked to the old one as `follow_up`. Mail to a merged case goes to its survivor first.
 *
 * @example
 * replyAfterClosure(new Date('2021-11-02T16:40Z'), new Date('2021-11-10T09:00Z')) // 'reopen'
 */
export function replyAfterClosure(
  closedAt: Date,
  receivedAt: Date,
  windowDays = REOPEN_WINDOW_DAYS,
): 'reopen' | 'new_linked_case' {
  return receivedAt.getTime() - closedAt.getTime() <= windowDays * 86_400_000 ? 'reopen' : 'new_linked_case';
}
