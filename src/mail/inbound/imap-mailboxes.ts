import { existsSync, readFileSync } from 'node:fs';
import { z } from 'zod';
import { invalid } from '../../platform/errors.js';

/** One mailbox CaseDesk polls. */
export const imapMailboxSchema = z
  .object({
    /** A short name for logs and the `imap:<name>` source; default user@host/mailbox. */
    name: z.string().min(1).optional(),
    host: z.string().min(1),
    /** Default 993 with TLS, else 143. */
    port: z.number().int().min(1).max(65535).optional(),
    /** Implicit TLS (IMAPS). Without it, STARTTLS is used when the server offers it. */
    tls: z.boolean().default(true),
    user: z.string().min(1),
    password: z.string().min(1),
    mailbox: z.string().min(1).default('INBOX'),
    /** What acknowledges a stored message: a flag (`\Seen` and `$CaseDesk`), or a move to `moveTo`. */
    afterProcessing: z.enum(['flag', 'move']).default('flag'),
    moveTo: z.string().min(1).optional(),
  })
  .refine((m) => m.afterProcessing !== 'move' || m.moveTo, {
    message: 'afterProcessing "move" needs moveTo',
  });

export type ImapMailboxConfig = z.infer<typeof imapMailboxSchema> & {
  port: number;
  key: string;
  label: string;
};

/** Reads CASEDESK_IMAP_MAILBOXES: a JSON array, or the path of a JSON file holding one. */
export function parseImapMailboxes(value: string | undefined): ImapMailboxConfig[] {
  if (!value?.trim()) return [];
  const text = value.trim().startsWith('[') ? value : existsSync(value) ? readFileSync(value, 'utf8') : null;
  if (text === null)
    throw invalid('config.invalid', `CASEDESK_IMAP_MAILBOXES: no such file ${value} (and not a JSON array)`);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw invalid(
      'config.invalid',
      `CASEDESK_IMAP_MAILBOXES: not JSON (${err instanceof Error ? err.message : String(err)})`,
    );
  }
  const parsed = z.array(imapMailboxSchema).safeParse(json);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `[${i.path.join('.')}] ${i.message}`);
    throw invalid('config.invalid', `CASEDESK_IMAP_MAILBOXES: ${problems.join('; ')}`);
  }
  return parsed.data.map(toMailboxConfig);
}

/** Fills in the default port, the cursor key and the label; also used for mailboxes stored by admins. */
export function toMailboxConfig(m: z.infer<typeof imapMailboxSchema>): ImapMailboxConfig {
  const port = m.port ?? (m.tls ? 993 : 143);
  const key = `${m.user}@${m.host}:${port}/${m.mailbox}`;
  return { ...m, port, key, label: m.name ?? key };
}
