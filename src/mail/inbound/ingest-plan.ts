import { randomUUID } from 'node:crypto';
import type { CaseStatus, ParticipantRole } from '../../platform/db/schema.js';
import {
  type CaseFacts,
  caseEffects,
  decideThread,
  followMerges,
  type SenderFacts,
  type ThreadCandidates,
  type ThreadDecision,
  type ThreadingPolicy,
  type ThreadVia,
} from '../threading/thread-decision.js';
import type { BatchFacts, CaseRow } from './ingest.repo.js';
import type { NewCase } from './ingest-writes.repo.js';
import { domainCandidates, domainOf, normalAddress, type PreparedMessage } from './prepared-message.js';

/** What the database already knows, looked up once for the whole batch (one statement: lookUpBatch). */
export type Lookups = BatchFacts;

export type PlanContext = {
  now: Date;
  policy: ThreadingPolicy;
  /** CaseDesk's own mailbox addresses: never made participants. */
  ownAddresses: ReadonlySet<string>;
};

export type PlannedActor =
  | { kind: 'engineer'; id: string; name: string }
  | { kind: 'contact'; address: string; name: string };

export type PlannedEmail = {
  index: number;
  caseId: string;
  via: ThreadVia | 'new_case' | 'follow_up' | 'manual';
  newCase: boolean;
  actor: PlannedActor;
  occurredAt: Date;
  statusChange: { from: CaseStatus; to: CaseStatus; reopen: boolean } | null;
  notifyOwnerId: string | null;
};

export type Plan = {
  newCases: NewCase[];
  contacts: Map<string, { name: string; accountId: string | null }>;
  participants: { caseId: string; address: string; role: ParticipantRole }[];
  emails: PlannedEmail[];
  reviews: { index: number; namedCaseId: string; via: ThreadVia; reason: string }[];
  attention: { index: number; reason: string }[];
  links: { newCaseId: string; oldCaseId: string; oldNumber: string }[];
  touched: Map<string, { updatedAt: Date; status: CaseStatus | null }>;
};

const FUTURE_SLACK_MS = 5 * 60_000;

/**
 * Decides, message by message and in arrival order, where each message of a batch goes and what it
 * changes. Later messages see the effects of earlier ones (a reply in the same batch as the message
 * it answers lands on the same case). No I/O: `lookups` is updated in memory.
 */
export function planBatch(messages: PreparedMessage[], lookups: Lookups, ctx: PlanContext): Plan {
  const plan: Plan = {
    newCases: [],
    contacts: new Map(),
    participants: [],
    emails: [],
    reviews: [],
    attention: [],
    links: [],
    touched: new Map(),
  };

  const accountOfDomain = (address: string): string | null => {
    for (const d of domainCandidates(domainOf(address))) {
      const id = lookups.accountByDomain.get(d);
      if (id) return id;
    }
    return null;
  };
  const accountOf = (address: string): string | null =>
    lookups.contacts.get(address)?.accountId ??
    plan.contacts.get(address)?.accountId ??
    accountOfDomain(address);

  const facts = (caseId: string): CaseFacts | null => {
    const row = lookups.cases.get(caseId);
    if (!row) return null;
    const survivor = followMerges(row, (id) => lookups.cases.get(id));
    return {
      id: survivor.id,
      number: survivor.number,
      accountId: survivor.accountId,
      status: survivor.status,
      closedAt: survivor.closedAt,
      participantAddresses: lookups.participants.get(survivor.id) ?? [],
    };
  };
  const byKey = (map: Map<string, string>, key: string | null) => {
    const id = key ? map.get(key) : undefined;
    return id ? facts(id) : null;
  };
  const addParticipant = (caseId: string, address: string, name: string, role: ParticipantRole) => {
    const list = lookups.participants.get(caseId) ?? [];
    if (list.includes(address)) return;
    list.push(address);
    lookups.participants.set(caseId, list);
    if (!lookups.contacts.has(address) && !plan.contacts.has(address))
      plan.contacts.set(address, { name: name || address, accountId: accountOfDomain(address) });
    plan.participants.push({ caseId, address, role });
  };
  const touch = (caseId: string, at: Date, status: CaseStatus | null) => {
    const prev = plan.touched.get(caseId);
    const updatedAt = prev && prev.updatedAt > at ? prev.updatedAt : at;
    plan.touched.set(caseId, { updatedAt, status: status ?? prev?.status ?? null });
  };

  messages.forEach((m, index) => {
    if (m.unreadable || !m.mail) {
      plan.attention.push({ index, reason: `could not be read: ${m.unreadable ?? 'unknown error'}` });
      return;
    }
    const from = normalAddress(m.from?.address);
    if (!from) {
      plan.attention.push({ index, reason: 'no usable sender address (From)' });
      return;
    }
    const engineer = lookups.engineers.get(from) ?? null;
    const sender: SenderFacts = { address: from, accountId: accountOf(from), isEngineer: engineer !== null };
    const referenced = m.referenceIds.map((id) => lookups.caseIdByMessageId.get(id)).find(Boolean) ?? null;
    const candidates: ThreadCandidates = {
      reference: referenced ? facts(referenced) : null,
      token: byKey(lookups.caseIdByToken, m.trackingToken),
      tag: byKey(lookups.caseIdByNumber, m.caseTag),
      thread_index: byKey(lookups.caseIdByThreadRoot, m.threadRoot),
    };
    const target = m.refile?.target;
    const decision: ThreadDecision = target
      ? target === 'new_case'
        ? { kind: 'new_case' }
        : {
            kind: 'attach',
            caseId: target.caseId,
            via: 'reference',
            reopen: lookups.cases.get(target.caseId)?.status === 'closed',
          }
      : decideThread(candidates, sender, ctx.now, ctx.policy);
    if (decision.kind === 'review') {
      plan.reviews.push({
        index,
        namedCaseId: decision.namedCaseId,
        via: decision.via,
        reason: decision.reason,
      });
      return;
    }
    if (decision.kind === 'new_case' && m.mail.isAutoReply && !m.refile) {
      plan.attention.push({
        index,
        reason: 'automatic reply (out-of-office or delivery report) that matches no case',
      });
      return;
    }
    const date = m.mail.date;
    const occurredAt =
      date && !Number.isNaN(date.getTime()) && date.getTime() <= ctx.now.getTime() + FUTURE_SLACK_MS
        ? date
        : ctx.now;
    const senderName = engineer?.name ?? (m.from?.name?.trim() || from);
    const actor: PlannedActor = engineer
      ? { kind: 'engineer', ...engineer }
      : { kind: 'contact', address: from, name: senderName };

    let caseId: string;
    let via: PlannedEmail['via'];
    let statusChange: PlannedEmail['statusChange'] = null;
    let notifyOwnerId: string | null = null;
    const isNew = decision.kind === 'new_case' || decision.kind === 'follow_up';
    if (isNew) {
      const previous = decision.kind === 'follow_up' ? lookups.cases.get(decision.previousCaseId) : undefined;
      const row: CaseRow = {
        id: randomUUID(),
        number: '',
        title: previous?.title ?? m.title,
        accountId: previous?.accountId ?? sender.accountId,
        status: 'new',
        closedAt: null,
        mergedInto: null,
        ownerId: previous?.ownerId ?? null,
        priority: previous?.priority ?? 'P3',
      };
      lookups.cases.set(row.id, row);
      plan.newCases.push({
        id: row.id,
        title: row.title,
        accountId: row.accountId,
        priority: row.priority,
        ownerId: row.ownerId,
        openedAt: occurredAt,
      });
      if (decision.kind === 'follow_up') {
        plan.links.push({
          newCaseId: row.id,
          oldCaseId: decision.previousCaseId,
          oldNumber: decision.previousNumber,
        });
        notifyOwnerId = row.ownerId;
      }
      caseId = row.id;
      via = decision.kind === 'follow_up' ? 'follow_up' : 'new_case';
    } else {
      caseId = decision.caseId;
      via = m.refile ? 'manual' : decision.via;
      const row = lookups.cases.get(caseId);
      if (row) {
        const effects = caseEffects({
          status: row.status,
          reopen: decision.reopen,
          senderIsEngineer: sender.isEngineer,
          isAutoReply: m.mail.isAutoReply,
        });
        if (effects.status && effects.status !== row.status) {
          statusChange = { from: row.status, to: effects.status, reopen: decision.reopen };
          row.status = effects.status;
          row.closedAt = null;
        }
        if (effects.notifyOwner) notifyOwnerId = row.ownerId;
      }
    }
    touch(caseId, occurredAt, statusChange?.to ?? null);

    if (!engineer) {
      const theirAccount = lookups.cases.get(caseId)?.accountId ?? null;
      addParticipant(
        caseId,
        from,
        senderName,
        theirAccount && sender.accountId === theirAccount ? 'customer' : 'third_party',
      );
      // People the customer copied are part of the conversation from now on.
      for (const person of [...m.mail.to, ...m.mail.cc]) {
        const address = normalAddress(person.address);
        if (!address || address === from || ctx.ownAddresses.has(address) || lookups.engineers.has(address))
          continue;
        addParticipant(caseId, address, person.name, 'cc');
      }
    }
    if (m.messageId) lookups.caseIdByMessageId.set(m.messageId, caseId);
    if (m.threadRoot && !lookups.caseIdByThreadRoot.has(m.threadRoot))
      lookups.caseIdByThreadRoot.set(m.threadRoot, caseId);
    plan.emails.push({ index, caseId, via, newCase: isNew, actor, occurredAt, statusChange, notifyOwnerId });
  });
  return plan;
}
