import { enqueueNotificationMail } from '../mail/outbound/send-reply.js';
import type { PeriodicTask } from '../main.js';
import type { AppDeps } from '../platform/http/app-deps.js';
import { slaScanTask } from './sla-scan.js';

/** The SLA scheduler as a server's periodic task: reminders and breaches in-app and through the outbox. */
export function slaPeriodicTask(deps: AppDeps): PeriodicTask {
  return {
    name: 'sla.scan',
    everyMs: deps.config.slaScanSeconds * 1000,
    run: slaScanTask(
      {
        db: deps.db,
        clock: deps.clock,
        // On PostgreSQL (a pool) chunks are read beside the scan's transaction.
        ...(deps.config.databaseUrl ? { readDb: deps.db } : {}),
        sendMail: async (db, mail) => {
          await enqueueNotificationMail({ db, clock: deps.clock, config: deps.config }, mail);
        },
      },
      // Periodic tasks get no logger from main.ts; one JSON line per event on stderr, like the server log.
      (level, message, fields) =>
        process.stderr.write(`${JSON.stringify({ level, time: Date.now(), msg: message, ...fields })}\n`),
    ),
  };
}
