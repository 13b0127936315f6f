import type { Kysely } from 'kysely';
import type { DB } from '../platform/db/db.js';
import { isoInstant } from '../platform/iso-instant.js';
import type { StoredState } from './case-sla.repo.js';
import type { EvaluatedCase } from './case-sla.service.js';
import type { ScanCase } from './sla-chunks.repo.js';
import { type NoticeCase, type SlaMailSender, tellOwners } from './sla-notices.js';
import { type BreachKey, type DueKey, recordBreaches, recordReminders } from './sla-records.repo.js';
import {
  DueTimesBatch,
  type StateUpdate,
  sameInputs,
  saveStates,
  unchangedSince,
  updateDueTimes,
  updateStates,
} from './sla-states.repo.js';

type Scanned = EvaluatedCase<ScanCase>;

/**
 * What one evaluated chunk has to write, gathered case by case as they are evaluated: a pass keeps
 * no evaluated case (its timeline, clocks and state objects) beyond its own evaluation.
 */
export class ChunkWrites {
  /** States whose inputs did not change: new due times only (a policy or calendar change). */
  readonly dueTimes = new DueTimesBatch();
  readonly updates: StateUpdate[] = [];
  readonly inserts: StoredState[] = [];
  /** Breaches of cases whose breaches changed since their last stored evaluation. */
  readonly breaches: BreachKey[] = [];
  readonly reminders: DueKey[] = [];
  /** Owned cases with a breach or reminder above, for their notices. */
  readonly noticeCases = new Map<string, NoticeCase>();
  written = 0;

  constructor(private readonly nowMs: number) {}

  add(e: Scanned): void {
    const { row, stored, core } = e;
    let noticeable = false;
    if (!unchangedSince(row, stored)) {
      this.written++;
      const before = row.prior;
      if (!before) this.inserts.push(stored);
      else if (sameInputs(row, stored)) this.dueTimes.add(stored);
      // Most timelines did not change: the digest is not sent again.
      else this.updates.push(before.timeline === stored.timeline ? { ...stored, timeline: null } : stored);
      if (stored.breachesKey !== row.breachesKey) {
        for (const b of core.breaches) {
          this.breaches.push({
            caseId: row.id,
            kind: b.kind,
            startedAt: isoInstant(b.started),
            dueAt: isoInstant(b.due),
          });
          noticeable = true;
        }
      }
    }
    // Reminders due now: open clocks whose reminder time has come but whose due time has not passed.
    const lead = e.policy.remindBeforeMinutes * 60_000;
    for (const o of core.open) {
      if (!o.overdue && this.nowMs >= o.due - lead && this.nowMs < o.due) {
        this.reminders.push({ caseId: row.id, kind: o.kind, dueAt: isoInstant(o.due) });
        noticeable = true;
      }
    }
    if (noticeable && row.ownerId)
      this.noticeCases.set(row.id, {
        caseId: row.id,
        ownerId: row.ownerId,
        priority: row.priority,
        zone: e.calendar.zone,
      });
  }
}

/** What storing a chunk wrote and told. */
export type StoredCounts = {
  statesWritten: number;
  breachesRecorded: number;
  breachesNotified: number;
  remindersSent: number;
};

/**
 * Stores one evaluated chunk: the changed states, new breaches, due reminders and the owners'
 * notices (in-app in one statement, then mail for the new ones).
 */
export async function storeChunk(
  trx: Kysely<DB>,
  sendMail: SlaMailSender | undefined,
  writes: ChunkWrites,
  now: Date,
): Promise<StoredCounts> {
  await updateDueTimes(trx, writes.dueTimes, now);
  await updateStates(trx, writes.updates, now);
  await saveStates(trx, writes.inserts, now);
  const recorded = await recordBreaches(trx, writes.breaches, now);
  const reminders = await recordReminders(trx, writes.reminders, now);
  const counts = { statesWritten: writes.written, breachesRecorded: recorded.length };
  if (recorded.length === 0 && reminders.length === 0)
    return { ...counts, breachesNotified: 0, remindersSent: 0 };
  const told = await tellOwners(trx, sendMail, { recorded, reminders, cases: writes.noticeCases }, now);
  return { ...counts, ...told };
}
