import type { Kysely } from 'kysely';
import { type NewNotice, notifyMany } from '../notifications/notifications.repo.js';
import type { DB } from '../platform/db/db.js';
import type { SlaClockKind } from './sla.tables.js';
import { loadNoticeLabels } from './sla-chunks.repo.js';
import { type BreachKey, type DueKey, markBreachesNotified } from './sla-records.repo.js';

/** The SLA scheduler's notices to case owners: reminders before a due time and breaches, in-app and by mail. */

/** Sends a notification mail (through the outbox); absent, reminders and breaches are in-app only. */
export type SlaMailSender = (
  db: Kysely<DB>,
  mail: { to: string[]; subject: string; text: string },
) => Promise<void>;

/** Breaches that were due longer ago than this (old imported history, a long outage) are recorded silently. */
export const BREACH_NOTIFY_WINDOW_MS = 24 * 3_600_000;

const KIND_LABEL: Record<SlaClockKind, string> = {
  first_response: 'first response',
  follow_up: 'follow-up',
  resolution: 'resolution',
};

function localTime(iso: string, zone: string): string {
  const parts = new Intl.DateTimeFormat('sv-SE', {
    timeZone: zone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(new Date(iso));
  return `${parts} ${zone}`;
}

type CaseLabel = { number: string; title: string; ownerEmail: string | null };
/** What a notice about a case says of it besides its label. */
export type NoticeCase = { caseId: string; ownerId: string; priority: string; zone: string };

function describe(
  e: NoticeCase,
  c: CaseLabel,
  key: DueKey,
  what: 'reminder' | 'breach',
  now: Date,
): { subject: string; text: string } {
  const label = KIND_LABEL[key.kind];
  const due = localTime(key.dueAt, e.zone);
  const head = `${c.number} (${e.priority}) ${c.title}`;
  if (what === 'reminder') {
    const minutes = Math.max(0, Math.round((Date.parse(key.dueAt) - now.getTime()) / 60_000));
    return {
      subject: `[SLA] ${c.number}: ${label} due in ${minutes} min`,
      text: `${head}\nThe ${label} is due at ${due} (in ${minutes} minutes).`,
    };
  }
  return {
    subject: `[SLA] ${c.number}: ${label} missed`,
    text: `${head}\nThe ${label} was due at ${due} and was not met.`,
  };
}

type Notice = {
  ownerEmail: string | null;
  mail: { subject: string; text: string };
  record: NewNotice & { dedupeKey: string };
  breach: BreachKey | null;
};

function notice(
  e: NoticeCase | undefined,
  c: CaseLabel | undefined,
  key: DueKey,
  breach: BreachKey | null,
  now: Date,
): Notice | null {
  if (!e || !c) return null;
  const what = breach ? 'breach' : 'reminder';
  const mail = describe(e, c, key, what, now);
  // A breach is told once per clock, a reminder once per due time.
  const id = breach ? breach.startedAt : key.dueAt;
  return {
    ownerEmail: c.ownerEmail,
    mail,
    breach,
    record: {
      engineerId: e.ownerId,
      caseId: e.caseId,
      kind: `sla.${what}`,
      message: mail.text.replace('\n', ' — '),
      dedupeKey: `sla:${what}:${e.caseId}:${key.kind}:${id}`,
    },
  };
}

/**
 * Tells the owners of the cases named by new breaches and due reminders: in-app in one statement,
 * then by mail for the notices that are new. Returns how many breaches and reminders were told.
 */
export async function tellOwners(
  trx: Kysely<DB>,
  sendMail: SlaMailSender | undefined,
  named: { recorded: BreachKey[]; reminders: DueKey[]; cases: Map<string, NoticeCase> },
  now: Date,
): Promise<{ breachesNotified: number; remindersSent: number }> {
  const { recorded, reminders, cases } = named;
  // Old history (imported threads, a long outage) is recorded without telling anyone.
  const toTell = recorded.filter((key) => now.getTime() - Date.parse(key.dueAt) <= BREACH_NOTIFY_WINDOW_MS);
  const labels = await loadNoticeLabels(
    trx,
    [...new Set([...toTell, ...reminders].map((k) => k.caseId))].filter((id) => cases.has(id)),
  );
  const notices: Notice[] = [];
  for (const key of toTell) {
    const n = notice(cases.get(key.caseId), labels.get(key.caseId), key, key, now);
    if (n) notices.push(n);
  }
  for (const key of reminders) {
    const n = notice(cases.get(key.caseId), labels.get(key.caseId), key, null, now);
    if (n) notices.push(n);
  }
  const fresh = new Set(
    await notifyMany(
      trx,
      notices.map((n) => n.record),
    ),
  );
  const told = notices.filter((n) => fresh.has(n.record.dedupeKey));
  for (const n of told) {
    if (n.ownerEmail && sendMail) await sendMail(trx, { to: [n.ownerEmail], ...n.mail });
  }
  const notified = told.flatMap((n) => (n.breach ? [n.breach] : []));
  await markBreachesNotified(trx, notified);
  return { breachesNotified: notified.length, remindersSent: told.length - notified.length };
}
