import type { AppDeps } from '../../platform/http/app-deps.js';
import { loadOutboundSettings } from '../settings/effective-settings.js';
import { OutboxSender } from './outbox-sender.js';
import { createSmtpTransport } from './smtp-transport.js';

/**
 * The outbox sender of a serving process, as a periodic task (every second). Each round reads the
 * mail settings in force (stored by an admin, else the environment); when they changed, the sender
 * and its SMTP transport are replaced, so mail waiting as "not sent: no SMTP server configured" goes
 * out as soon as one is configured, without a restart.
 */
export function outboxTask(deps: AppDeps): { name: string; everyMs: number; run: () => Promise<void> } {
  let current: { fingerprint: string; sender: OutboxSender } | null = null;
  return {
    name: 'mail.outbox',
    everyMs: 1000,
    run: async () => {
      const settings = await loadOutboundSettings(deps);
      const fingerprint = JSON.stringify(settings);
      if (current?.fingerprint !== fingerprint) {
        // Rounds of one sender never overlap, and stop() waits for its round: no message is cut off.
        await current?.sender.stop();
        const sender = new OutboxSender({
          db: deps.db,
          clock: deps.clock,
          files: deps.files,
          settings,
          transport: settings.smtp ? createSmtpTransport(settings.smtp) : null,
        });
        current = { fingerprint, sender };
      }
      await current.sender.runDue();
    },
  };
}
