import type { AppDeps } from '../../platform/http/app-deps.js';
import { outboundSettings } from './mail-settings.js';
import { OutboxSender } from './outbox-sender.js';
import { createSmtpTransport } from './smtp-transport.js';

/**
 * The outbox sender of a serving process, as a periodic task (every second): SMTP transport from
 * the configuration, or none — then waiting mail is shown as "not sent: no SMTP server configured"
 * and is sent after a restart with one configured.
 */
export function outboxTask(deps: AppDeps): { name: string; everyMs: number; run: () => Promise<void> } {
  const settings = outboundSettings(deps.config);
  const sender = new OutboxSender({
    db: deps.db,
    clock: deps.clock,
    files: deps.files,
    settings,
    transport: settings.smtp ? createSmtpTransport(settings.smtp) : null,
  });
  return {
    name: 'mail.outbox',
    everyMs: 1000,
    run: async () => {
      await sender.runDue();
    },
  };
}
