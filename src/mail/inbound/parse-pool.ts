import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { type ParsedRaw, parseRaw } from './parse-raw.js';
import type { ParseReply, ParseRequest, WorkerReady } from './parse-worker.js';

/** Parses a message for the ingest queue: in this thread (default) or in worker threads (ParsePool). */
export type Parse = (raw: Uint8Array, source: string) => Promise<ParsedRaw>;

/** Parsing on the event loop: for callers with few messages, where starting workers costs more. */
export function inThreadParse(trackingPrefix: string): Parse {
  return (raw, source) => parseRaw(raw, source, trackingPrefix);
}

export type ParsePool = {
  parse: Parse;
  /** Resolves once a worker has loaded its code (true) or all of them failed to start (false). */
  ready: () => Promise<boolean>;
  /** How many messages were parsed in a worker and how many in this thread (before a worker was up, or after one failed). */
  counts: () => { inWorker: number; inThisThread: number };
  close: () => Promise<void>;
};

/** Settled with the worker's result, or with null when the worker failed (then parsed in this thread). */
type Pending = (result: ParsedRaw | null) => void;
type Member = { worker: Worker; online: boolean; dead: boolean; pending: Map<number, Pending> };

/**
 * Parsing is most of an inbound message's CPU time; worker threads take it off the event loop, which
 * then only stores and records. Until a worker is up (it loads in a few hundred milliseconds), and
 * if one fails, messages are parsed in this thread instead — never lost, never waiting on a worker.
 */
export function createParsePool(
  trackingPrefix: string,
  size = Math.max(1, Math.min(3, availableParallelism() - 1)),
): ParsePool {
  const fromSource = import.meta.url.endsWith('.ts');
  // From the sources, the worker's entry registers tsx first (parse-worker-from-source.mjs says why).
  const script = new URL(
    fromSource ? './parse-worker-from-source.mjs' : './parse-worker.js',
    import.meta.url,
  );
  const counts = { inWorker: 0, inThisThread: 0 };
  const inThread: Parse = (raw, source) => {
    counts.inThisThread++;
    return parseRaw(raw, source, trackingPrefix);
  };
  let nextId = 1;
  let closed = false;
  let signalReady: (up: boolean) => void = () => undefined;
  const up = new Promise<boolean>((r) => {
    signalReady = r;
  });

  const members: Member[] = Array.from({ length: size }, () => {
    const worker = new Worker(script);
    const member: Member = { worker, online: false, dead: false, pending: new Map() };
    worker.unref(); // an idle pool never keeps the process alive
    worker.on('message', (reply: ParseReply | WorkerReady) => {
      if ('ready' in reply) {
        // Not 'online': that fires before the worker's module has loaded, and loading can still fail.
        member.online = true;
        signalReady(true);
        return;
      }
      const settle = member.pending.get(reply.id);
      if (!settle) return;
      member.pending.delete(reply.id);
      if (!reply.ok) return settle(null);
      const mail = reply.message.mail;
      if (mail)
        mail.attachments = mail.attachments.map((a, i) => ({
          ...a,
          content: reply.attachments[i] as Uint8Array,
        }));
      settle({ message: reply.message, contents: reply.attachments });
    });
    const fail = () => {
      member.online = false;
      member.dead = true;
      const orphans = [...member.pending.values()];
      member.pending.clear();
      for (const settle of orphans) settle(null);
      if (members.every((m) => m.dead)) signalReady(false);
    };
    worker.on('error', fail);
    worker.on('exit', fail);
    return member;
  });

  return {
    parse(raw, source) {
      const ready = members.filter((m) => m.online);
      if (closed || ready.length === 0) return inThread(raw, source);
      const member = ready.reduce((a, b) => (b.pending.size < a.pending.size ? b : a));
      return new Promise<ParsedRaw>((resolve, reject) => {
        const id = nextId++;
        member.pending.set(id, (result) => {
          if (!result) return inThread(raw, source).then(resolve, reject);
          counts.inWorker++;
          resolve({ message: result.message, contents: [raw, ...result.contents] });
        });
        const copy = new Uint8Array(raw); // its own buffer, moved to the worker (raw may view a whole mbox)
        const req: ParseRequest = { id, raw: copy, source, trackingPrefix };
        member.worker.postMessage(req, [copy.buffer]);
      });
    },
    ready: () => up,
    counts: () => ({ ...counts }),
    async close() {
      closed = true;
      await Promise.all(members.map((m) => m.worker.terminate()));
    },
  };
}
