import MailComposer from 'nodemailer/lib/mail-composer';
import type { AttachmentRef, EmailAddress } from '../../platform/db/schema.js';
import type { OutboxMessage } from './outbox.repo.js';

const asHeader = (a: EmailAddress) => ({ name: a.name ?? '', address: a.address ?? '' });

/**
 * Builds the bytes of an outbox message. The Message-ID and Date come from the row, so every attempt
 * sends the same message (a re-send is recognisable as the same mail). Bcc is kept out of the headers;
 * it only goes into the SMTP envelope.
 */
export async function composeMessage(
  message: OutboxMessage,
  from: EmailAddress & { address: string },
  loadAttachment: (ref: AttachmentRef) => Promise<Buffer>,
): Promise<Buffer> {
  const attachments = [];
  for (const ref of message.attachments) {
    attachments.push({
      filename: ref.filename,
      contentType: ref.contentType,
      content: await loadAttachment(ref),
    });
  }
  const composer = new MailComposer({
    from: { name: message.fromName ?? from.name ?? '', address: from.address },
    to: message.to.map(asHeader),
    ...(message.cc.length ? { cc: message.cc.map(asHeader) } : {}),
    subject: message.subject,
    text: message.text,
    ...(message.html ? { html: message.html } : {}),
    messageId: message.messageId,
    date: message.createdAt,
    ...(message.inReplyTo ? { inReplyTo: message.inReplyTo } : {}),
    ...(message.references.length ? { references: message.references } : {}),
    headers: message.headers,
    attachments,
  });
  return composer.compile().build();
}

/** Every envelope recipient: to, cc and bcc. */
export function envelopeRecipients(message: OutboxMessage): string[] {
  return [...message.to, ...message.cc, ...message.bcc].flatMap((a) => (a.address ? [a.address] : []));
}
