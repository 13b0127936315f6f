/**
 * Where an inbound message belongs — the threading DECISION, kept pure: the repository looks the
 * candidates up, this module decides. Order (issue 3): a reference to a known Message-ID, the
 * tracking token, the case tag in the subject, Outlook's Thread-Index, otherwise a new case.
 *
 * Cross-account protection: a case found by any of these is only written into when the sender may
 * write there (an engineer, a participant of the case, or someone of the case's own account).
 * Anyone else goes to the review queue, so a forged tag can never inject mail into another
 * customer's case.
 */
import type { CaseStatus } from '../../platform/db/schema.js';

export type ThreadVia = 'reference' | 'token' | 'tag' | 'thread_index';

/** A case as threading sees it (after following merges to the surviving case). */
export type CaseFacts = {
  id: string;
  number: string;
  accountId: string | null;
  status: CaseStatus;
  closedAt: Date | null;
  /** Lower-case mail addresses of the case's participants. */
  participantAddresses: readonly string[];
};

export type SenderFacts = {
  /** Lower-case address, null when the message had no usable From. */
  address: string | null;
  /** The sender's account: from an existing contact, else from the mail domain. */
  accountId: string | null;
  isEngineer: boolean;
};

/** The case each rule found, or null. */
export type ThreadCandidates = Record<ThreadVia, CaseFacts | null>;

export type ThreadingPolicy = {
  /** A reply within this long after closing reopens the case; later, it opens a linked new case. */
  reopenWindowMs: number;
};

export const DEFAULT_REOPEN_WINDOW_MS = 14 * 24 * 3600 * 1000;

export type ThreadDecision =
  | { kind: 'attach'; caseId: string; via: ThreadVia; reopen: boolean }
  | { kind: 'follow_up'; previousCaseId: string; previousNumber: string; via: ThreadVia }
  | { kind: 'review'; namedCaseId: string; namedNumber: string; via: ThreadVia; reason: string }
  | { kind: 'new_case' };

const ORDER: readonly ThreadVia[] = ['reference', 'token', 'tag', 'thread_index'];

const VIA_WORDS: Record<ThreadVia, string> = {
  reference: 'references a message of',
  token: 'carries the tracking token of',
  tag: 'names',
  thread_index: 'continues the Outlook conversation of',
};

/** Whether this sender may write into this case. */
export function mayWriteInto(sender: SenderFacts, target: CaseFacts): boolean {
  if (sender.isEngineer) return true;
  if (sender.address && target.participantAddresses.includes(sender.address)) return true;
  return target.accountId !== null && sender.accountId === target.accountId;
}

/**
 * @example
 * decideThread({ reference: null, token: null, tag: icbcCase, thread_index: null },
 *   { address: 'evil@stranger.example', accountId: null, isEngineer: false }, now, policy)
 * // { kind: 'review', via: 'tag', … }
 */
export function decideThread(
  candidates: ThreadCandidates,
  sender: SenderFacts,
  now: Date,
  policy: ThreadingPolicy,
): ThreadDecision {
  for (const via of ORDER) {
    const target = candidates[via];
    if (!target) continue;
    if (!mayWriteInto(sender, target)) {
      return {
        kind: 'review',
        namedCaseId: target.id,
        namedNumber: target.number,
        via,
        reason: `${sender.address ?? 'a sender without an address'} ${VIA_WORDS[via]} ${target.number} but is not a participant of that case nor of its account`,
      };
    }
    if (target.status !== 'closed') return { kind: 'attach', caseId: target.id, via, reopen: false };
    const closedFor = target.closedAt ? now.getTime() - target.closedAt.getTime() : 0;
    if (closedFor <= policy.reopenWindowMs) return { kind: 'attach', caseId: target.id, via, reopen: true };
    return { kind: 'follow_up', previousCaseId: target.id, previousNumber: target.number, via };
  }
  return { kind: 'new_case' };
}

/**
 * Follows `merged_into` from a case to the case that survived the merge. Stops at a cycle or after
 * 20 steps (both can only come from a broken database) and returns the last case reached.
 */
export function followMerges<T extends { id: string; mergedInto: string | null }>(
  start: T,
  byId: (id: string) => T | undefined,
): T {
  let current = start;
  const seen = new Set<string>([current.id]);
  for (let i = 0; i < 20 && current.mergedInto; i++) {
    const next = byId(current.mergedInto);
    if (!next || seen.has(next.id)) break;
    seen.add(next.id);
    current = next;
  }
  return current;
}

export type CaseEffects = {
  /** Status the case moves to, or null to leave it. */
  status: CaseStatus | null;
  notifyOwner: boolean;
};

/**
 * What a message attached to a case does to it: a customer's reply to a case waiting for the customer
 * (or resolved, or reopened) puts it back in progress, and the owner hears of every customer reply.
 * Engineers' own mail and automatic replies (out-of-office, bounces) change nothing.
 */
export function caseEffects(input: {
  status: CaseStatus;
  reopen: boolean;
  senderIsEngineer: boolean;
  isAutoReply: boolean;
}): CaseEffects {
  if (input.senderIsEngineer) return { status: input.reopen ? 'in_progress' : null, notifyOwner: false };
  if (input.isAutoReply) return { status: input.reopen ? 'in_progress' : null, notifyOwner: false };
  const back =
    input.reopen ||
    input.status === 'waiting_for_customer' ||
    input.status === 'resolved' ||
    input.status === 'closed';
  return { status: back ? 'in_progress' : null, notifyOwner: true };
}
