import { sha256Hex } from '../parse/attachments.js';
import { type ParseResult, parseMessage } from '../parse/parse-message.js';
import { type EmailFileRef, type PreparedMessage, prepareMessage } from './prepared-message.js';

/** A parsed message and the bytes it still has to store: the raw message first, then its attachments. */
export type ParsedRaw = { message: PreparedMessage; contents: Uint8Array[] };

/**
 * Parses a message and derives everything the database step needs; stores nothing (no I/O, so it
 * can run in a worker thread: see parse-pool.ts). Parsing never throws; if it still did, the
 * message is kept as unreadable (stored raw, listed as needing attention), never dropped.
 */
export async function parseRaw(raw: Uint8Array, source: string, trackingPrefix: string): Promise<ParsedRaw> {
  const parsed: ParseResult = await parseMessage(raw).catch((err: unknown) => ({
    ok: false as const,
    error: `the parser failed: ${err instanceof Error ? err.message : String(err)}`,
    partial: {},
  }));
  // parseMessage hashed the bytes already (a failure's partial says so too).
  const sha256 = (parsed.ok ? parsed.message.rawSha256 : parsed.partial.rawSha256) ?? sha256Hex(raw);
  const attachments = parsed.ok ? parsed.message.attachments : [];
  const files: EmailFileRef[] = attachments.map((a) => ({
    filename: a.filename,
    contentType: a.contentType,
    size: a.content.length,
    sha256: a.sha256,
    contentId: a.contentId,
    inline: a.inline,
  }));
  const rawRef = { sha256, size: raw.length, source };
  try {
    const message = prepareMessage(parsed, rawRef, files, trackingPrefix);
    return { message, contents: [raw, ...attachments.map((a) => a.content)] };
  } catch (err) {
    const error = `could not be prepared: ${err instanceof Error ? err.message : String(err)}`;
    const partial = parsed.ok ? {} : parsed.partial;
    return {
      message: prepareMessage({ ok: false, error, partial }, rawRef, [], trackingPrefix),
      contents: [raw],
    };
  }
}
