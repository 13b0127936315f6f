/**
 * The IMAP sync cursor, as pure functions: a mailbox is identified by its UIDVALIDITY, and within
 * one UIDVALIDITY, UIDs only grow — so "everything after the last UID seen" is exactly the new mail.
 * When UIDVALIDITY changes (mailbox recreated, server migrated), old UIDs mean nothing: start over
 * from UID 1 and let dedupe (Message-ID, raw SHA-256) keep already-stored mail from doubling.
 */
export type ImapCursor = { uidValidity: number; lastUid: number };

export type FetchPlan = { fromUid: number; resync: boolean; cursor: ImapCursor };

export function planFetch(saved: ImapCursor | null, uidValidity: number): FetchPlan {
  if (!saved) return { fromUid: 1, resync: false, cursor: { uidValidity, lastUid: 0 } };
  if (saved.uidValidity !== uidValidity)
    return { fromUid: 1, resync: true, cursor: { uidValidity, lastUid: 0 } };
  return { fromUid: saved.lastUid + 1, resync: false, cursor: saved };
}

/** The cursor after these UIDs were stored and acknowledged (UIDs at or below the cursor change nothing). */
export function advanceCursor(cursor: ImapCursor, uids: readonly number[]): ImapCursor {
  const highest = uids.reduce((max, uid) => Math.max(max, uid), cursor.lastUid);
  return { uidValidity: cursor.uidValidity, lastUid: highest };
}

/** Only UIDs after the cursor: `N:*` also returns the highest message when N is past the end. */
export function newUids(cursor: ImapCursor, uids: readonly number[]): number[] {
  return [...new Set(uids)].filter((u) => u > cursor.lastUid).sort((a, b) => a - b);
}
