import { sanitizeEmailHtml } from '../mail/reading/sanitize-html.js';
import { splitQuoted } from '../mail/reading/split-quoted.js';
import type { EmailAddress } from '../platform/db/schema.js';
import type { PortalUpload, StoredFile, TimelineRow } from './portal-cases.repo.js';

/** A file the customer may download, with its portal URL. */
export type PortalFile = { filename: string; contentType: string; size: number; sha256: string; url: string };

/**
 * What a customer sees of a case timeline. A whitelist: mail the customer's people took part in,
 * status changes (without the engineer's note), uploaded files, the case opening and closing.
 * Internal notes, calls, transfers, workspace credentials and triage internals never appear.
 */
export type PortalItem =
  | {
      kind: 'email';
      id: string;
      occurredAt: string;
      direction: 'inbound' | 'outbound';
      from: EmailAddress;
      to: EmailAddress[];
      cc: EmailAddress[];
      subject: string;
      text: string;
      quoted: string | null;
      html: string | null;
      attachments: PortalFile[];
    }
  | { kind: 'status'; id: string; occurredAt: string; from: string; to: string }
  | { kind: 'upload'; id: string; occurredAt: string; file: PortalFile }
  | { kind: 'opened'; id: string; occurredAt: string }
  | { kind: 'closed'; id: string; occurredAt: string; reason: string };

export type TimelineContext = {
  caseNumber: string;
  /** Lower-case addresses of the account's contacts. */
  customerAddresses: ReadonlySet<string>;
  files: ReadonlyMap<string, StoredFile[]>;
  uploads: readonly PortalUpload[];
};

export const emailFileUrl = (caseNumber: string, activityId: string, sha256: string) =>
  `/api/v1/portal/cases/${caseNumber}/emails/${activityId}/files/${sha256}`;
export const uploadUrl = (caseNumber: string, uploadId: string) =>
  `/api/v1/portal/cases/${caseNumber}/uploads/${encodeURIComponent(uploadId)}`;

/**
 * The customer took part: a portal message, or one of the account's contacts sent or received it.
 * Mail imported from a thread archive carries names but no addresses; an archive is the customer's
 * own thread, so such mail is theirs.
 */
export function isCustomerMail(row: TimelineRow, customerAddresses: ReadonlySet<string>): boolean {
  if (!row.email) return false;
  if (row.payload.source === 'portal') return true;
  const addresses = [row.email.from, ...row.email.to, ...row.email.cc].flatMap((p) =>
    p.address ? [p.address.toLowerCase()] : [],
  );
  return addresses.length === 0 || addresses.some((a) => customerAddresses.has(a));
}

/** Every file of a visible email the customer may fetch: attachments, and inline (cid:) images. */
export function filesOfVisibleEmail(row: TimelineRow, ctx: TimelineContext): StoredFile[] {
  if (!row.email || !isCustomerMail(row, ctx.customerAddresses)) return [];
  const stored = ctx.files.get(row.id) ?? [];
  const known = new Set(stored.map((f) => f.sha256));
  const listed = row.email.attachments
    .filter((a) => !known.has(a.sha256))
    .map((a) => ({ ...a, contentId: null, inline: false }));
  return [...stored, ...listed];
}

export function toPortalTimeline(rows: readonly TimelineRow[], ctx: TimelineContext): PortalItem[] {
  const items: PortalItem[] = [];
  const uploadsById = new Map(ctx.uploads.map((u) => [u.id, u]));
  for (const row of rows) {
    const base = { id: row.id, occurredAt: row.occurredAt.toISOString() };
    if (row.type === 'email' && row.email && isCustomerMail(row, ctx.customerAddresses)) {
      items.push(emailItem(row, ctx, base));
    } else if (row.type === 'status_change') {
      const { from, to } = row.payload;
      if (typeof from === 'string' && typeof to === 'string')
        items.push({ kind: 'status', ...base, from, to });
    } else if (row.type === 'system' && row.payload.kind === 'upload.completed') {
      const upload = uploadsById.get(String(row.payload.uploadId));
      if (upload) items.push({ kind: 'upload', ...base, file: uploadFile(ctx.caseNumber, upload) });
    } else if (row.type === 'system' && row.payload.event === 'created') {
      items.push({ kind: 'opened', ...base });
    } else if (row.type === 'system' && row.payload.event === 'closed') {
      items.push({ kind: 'closed', ...base, reason: String(row.payload.reason ?? '') });
    }
  }
  return items;
}

export function uploadFile(caseNumber: string, u: PortalUpload): PortalFile {
  return {
    filename: u.fileName,
    contentType: u.contentType,
    size: u.size,
    sha256: u.sha256,
    url: uploadUrl(caseNumber, u.id),
  };
}

function emailItem(
  row: TimelineRow,
  ctx: TimelineContext,
  base: { id: string; occurredAt: string },
): PortalItem {
  const email = row.email as NonNullable<TimelineRow['email']>;
  const split = email.fresh !== null ? { fresh: email.fresh, quoted: email.quoted } : splitQuoted(email.text);
  const files = filesOfVisibleEmail(row, ctx);
  const url = (sha256: string) => emailFileUrl(ctx.caseNumber, row.id, sha256);
  const byCid = new Map(files.flatMap((f) => (f.contentId ? [[f.contentId, f.sha256]] : [])));
  const html = email.html
    ? sanitizeEmailHtml(email.html, {
        allowRemoteImages: false,
        resolveCid: (cid) => {
          const sha = byCid.get(cid);
          return sha ? url(sha) : null;
        },
      })
    : null;
  return {
    kind: 'email',
    ...base,
    direction: email.direction,
    from: email.from,
    to: email.to,
    cc: email.cc,
    subject: email.subject,
    text: split.fresh,
    quoted: split.quoted,
    html,
    attachments: files
      .filter((f) => !f.inline)
      .map((f) => ({
        filename: f.filename,
        contentType: f.contentType,
        size: f.size,
        sha256: f.sha256,
        url: url(f.sha256),
      })),
  };
}
