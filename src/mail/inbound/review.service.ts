import { getCase } from '../../cases/cases.repo.js';
import { invalid, notFound } from '../../platform/errors.js';
import { parseMessage } from '../parse/parse-message.js';
import { DEFAULT_REOPEN_WINDOW_MS } from '../threading/thread-decision.js';
import { findInbound, type InboundItem, markResolved } from './inbound.repo.js';
import { type IngestOutcome, writeBatch } from './ingest-batch.js';
import type { IngestDeps } from './ingest-pipeline.js';
import { type EmailFileRef, normalAddress, prepareMessage } from './prepared-message.js';

/** Who acts on the queue: an engineer (API) or the command line (null). */
export type QueueActor = { id: string; name: string } | null;

async function openItem(deps: IngestDeps, id: string): Promise<InboundItem> {
  const item = await findInbound(deps.db, id);
  if (!item) throw notFound('mail.inbound_not_found', `No inbound message ${id}`, { id });
  if (item.status !== 'review' && item.status !== 'needs_attention') {
    throw invalid('mail.inbound_resolved', `Message ${id} was already handled (${item.status})`, {
      id,
      status: item.status,
    });
  }
  return item;
}

/**
 * Files a message from the review queue (or the needs-attention list) by hand: onto the given case,
 * or as a new case. The sender becomes a participant of that case, so their next mail threads by itself.
 */
export async function fileInboundMessage(
  deps: IngestDeps,
  actor: QueueActor,
  id: string,
  target: { caseNumber: string } | 'new_case',
): Promise<Extract<IngestOutcome, { status: 'threaded' }>> {
  const item = await openItem(deps, id);
  const caseId = target === 'new_case' ? null : (await getCase(deps.db, target.caseNumber)).id;
  const raw = await readAll(deps.files.open(item.rawSha256));
  const parsed = await parseMessage(raw);
  if (!parsed.ok)
    throw invalid('mail.unreadable', `Message ${id} cannot be read, so it cannot be filed: ${parsed.error}`);
  const files: EmailFileRef[] = [];
  for (const a of parsed.message.attachments) {
    const f = await deps.files.putBytes(a.content);
    files.push({
      filename: a.filename,
      contentType: a.contentType,
      size: f.size,
      sha256: f.sha256,
      contentId: a.contentId,
      inline: a.inline,
    });
  }
  const prepared = prepareMessage(
    parsed,
    { sha256: item.rawSha256, size: item.rawSize, source: item.source },
    files,
    deps.trackingPrefix,
  );
  prepared.refile = { inboundId: item.id, target: caseId ? { caseId } : 'new_case' };
  const now = deps.clock.now();
  return deps.db.transaction().execute(async (trx) => {
    const [outcome] = await writeBatch(trx, [prepared], {
      now,
      trackingPrefix: deps.trackingPrefix,
      policy: { reopenWindowMs: deps.reopenWindowMs ?? DEFAULT_REOPEN_WINDOW_MS },
      ownAddresses: new Set((deps.ownAddresses ?? []).flatMap((a) => normalAddress(a) ?? [])),
    });
    if (outcome?.status !== 'threaded') throw invalid('mail.not_filed', `Message ${id} could not be filed`);
    await markResolved(trx, item.id, {
      by: actor?.id ?? null,
      at: now,
      resolution: `${target === 'new_case' ? 'opened' : 'attached to'} ${outcome.caseNumber} by ${actor?.name ?? 'the command line'}`,
    });
    return outcome;
  });
}

/** Takes a message off the lists without filing it (spam, a forged tag). Its raw bytes stay stored. */
export async function dismissInboundMessage(
  deps: IngestDeps,
  actor: QueueActor,
  id: string,
  note?: string,
): Promise<void> {
  const item = await openItem(deps, id);
  await markResolved(deps.db, item.id, {
    status: 'dismissed',
    by: actor?.id ?? null,
    at: deps.clock.now(),
    resolution: `dismissed by ${actor?.name ?? 'the command line'}${note ? `: ${note}` : ''}`,
  });
}

export async function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream)
    chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string));
  return Buffer.concat(chunks);
}
