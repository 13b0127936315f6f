import { z } from 'zod';

/** API schemas of the mail settings: one definition for validation and the OpenAPI document. */
const source = z.enum(['stored', 'environment']);
const tlsMode = z.enum(['tls', 'starttls', 'opportunistic', 'none']);
const password = z
  .string()
  .min(1)
  .max(1000)
  .nullable()
  .optional()
  .describe('Write-only: a string sets it, null clears it, leaving it out keeps the current one');

export const smtpInputSchema = z.object({
  host: z.string().trim().min(1).max(255),
  port: z.number().int().min(1).max(65535).optional().describe('Default 465 with tls, else 587'),
  tls: tlsMode.default('starttls'),
  user: z.string().trim().max(255).nullable().optional(),
  password,
});

export const mailboxInputSchema = z
  .object({
    id: z.string().min(1).max(300).optional().describe('Of an existing mailbox; keeps its password'),
    enabled: z.boolean().default(true),
    name: z.string().trim().max(100).nullable().optional(),
    host: z.string().trim().min(1).max(255),
    port: z.number().int().min(1).max(65535).optional().describe('Default 993 with TLS, else 143'),
    tls: z.boolean().default(true),
    user: z.string().trim().min(1).max(255),
    password: z.string().min(1).max(1000).optional().describe('Write-only; required for a new mailbox'),
    mailbox: z.string().trim().min(1).max(255).default('INBOX'),
    afterProcessing: z.enum(['flag', 'move']).default('flag'),
    moveTo: z.string().trim().min(1).max(255).nullable().optional(),
  })
  .refine((m) => m.afterProcessing !== 'move' || m.moveTo, {
    message: 'afterProcessing "move" needs moveTo',
    path: ['moveTo'],
  });

export const mailSettingsInputSchema = z.object({
  outbound: smtpInputSchema.nullable().optional().describe('null: back to the environment'),
  from: z.string().trim().min(3).max(300).nullable().optional().describe('null: back to the environment'),
  imapMailboxes: z
    .array(mailboxInputSchema)
    .max(50)
    .nullable()
    .optional()
    .describe('null: back to the environment'),
});

const mailboxView = z.object({
  id: z.string(),
  enabled: z.boolean(),
  name: z.string().nullable(),
  label: z.string(),
  host: z.string(),
  port: z.number(),
  tls: z.boolean(),
  user: z.string(),
  passwordSet: z.boolean(),
  mailbox: z.string(),
  afterProcessing: z.enum(['flag', 'move']),
  moveTo: z.string().nullable(),
  status: z.object({
    running: z.boolean().describe('A poller runs for it in this server process'),
    uidValidity: z.number().nullable(),
    lastUid: z.number().nullable(),
    cursorUpdatedAt: z.string().nullable(),
    lastPollAt: z.string().nullable(),
    lastError: z.string().nullable(),
    lastErrorAt: z.string().nullable(),
  }),
});

export const mailSettingsViewSchema = z.object({
  outbound: z.object({
    source,
    configured: z.boolean(),
    host: z.string().nullable(),
    port: z.number().nullable(),
    tls: tlsMode.nullable(),
    user: z.string().nullable(),
    passwordSet: z.boolean(),
  }),
  from: z.object({
    source,
    value: z.string().nullable().describe('As stored or in CASEDESK_MAIL_FROM; null: the default'),
    address: z.string().describe('The address mail is sent from'),
    messageIdDomain: z.string(),
  }),
  imap: z.object({ source, pollSeconds: z.number(), mailboxes: z.array(mailboxView) }),
  listener: z.object({
    enabled: z.boolean(),
    host: z.string().nullable(),
    port: z.number().nullable(),
    recipients: z.array(z.string()).describe('Accepted recipients; empty: any'),
    tls: z.boolean(),
    maxBytes: z.number(),
  }),
  outbox: z.record(z.string(), z.number()).describe('Outgoing mail per delivery state'),
  updatedBy: z.string().nullable(),
  updatedAt: z.string().nullable(),
});

export const testMailResultSchema = z.object({
  sent: z.boolean(),
  server: z.string(),
  response: z.string().nullable(),
  error: z.string().nullable(),
});

export type MailSettingsInput = z.infer<typeof mailSettingsInputSchema>;
export type MailSettingsView = z.infer<typeof mailSettingsViewSchema>;
