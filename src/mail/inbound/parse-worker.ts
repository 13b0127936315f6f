import { parentPort } from 'node:worker_threads';
import { parseRaw } from './parse-raw.js';

/** Worker thread of parse-pool.ts: parses messages and sends back the prepared message and attachments. */
export type ParseRequest = { id: number; raw: Uint8Array; source: string; trackingPrefix: string };
export type ParseReply =
  | { id: number; ok: true; message: ParsedRawMessage; attachments: Uint8Array[] }
  | { id: number; ok: false; error: string };
/** Sent once when this module has loaded: from then on the pool hands this worker messages. */
export type WorkerReady = { ready: true };
type ParsedRawMessage = Awaited<ReturnType<typeof parseRaw>>['message'];

parentPort?.on('message', (req: ParseRequest) => {
  parseRaw(req.raw, req.source, req.trackingPrefix).then(
    ({ message, contents }) => {
      // Attachment bytes travel once, as their own buffers (copied out of any larger buffer), moved
      // rather than copied again; the message keeps the attachments' descriptions only.
      const attachments = contents.slice(1).map((c) => new Uint8Array(c));
      if (message.mail)
        message.mail = {
          ...message.mail,
          attachments: message.mail.attachments.map((a) => ({ ...a, content: new Uint8Array(0) })),
        };
      const reply: ParseReply = { id: req.id, ok: true, message, attachments };
      parentPort?.postMessage(
        reply,
        attachments.map((a) => a.buffer as ArrayBuffer),
      );
    },
    (err: unknown) => {
      const reply: ParseReply = {
        id: req.id,
        ok: false,
        error: err instanceof Error ? err.message : String(err),
      };
      parentPort?.postMessage(reply);
    },
  );
});

parentPort?.postMessage({ ready: true } satisfies WorkerReady);
