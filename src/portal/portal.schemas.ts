import { z } from 'zod';
import { priorities, statuses } from '../platform/http/schemas.js';

export const portalContactSchema = z.object({
  id: z.string(),
  name: z.string(),
  email: z.string(),
  account: z.string(),
  hasPassword: z.boolean(),
});

export const portalCaseSchema = z.object({
  number: z.string(),
  title: z.string(),
  priority: z.enum(priorities),
  status: z.enum(statuses),
  stage: z.string(),
  owner: z.string().nullable(),
  openedAt: z.string(),
  updatedAt: z.string(),
  closedAt: z.string().nullable(),
});

const addressSchema = z.object({ name: z.string().nullable(), address: z.string().nullable() });
export const portalFileSchema = z.object({
  filename: z.string(),
  contentType: z.string(),
  size: z.number(),
  sha256: z.string(),
  url: z.string(),
});
export const uploadSchema = portalFileSchema.extend({ uploadedAt: z.string().nullable() });
const base = { id: z.string(), occurredAt: z.string() };

export const portalItemSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('email'),
    ...base,
    direction: z.enum(['inbound', 'outbound']),
    from: addressSchema,
    to: z.array(addressSchema),
    cc: z.array(addressSchema),
    subject: z.string(),
    text: z.string().describe('The new part of the mail'),
    quoted: z.string().nullable().describe('Quoted history below it, folded in the portal'),
    html: z.string().nullable().describe('Sanitized HTML (inbound mail that had HTML)'),
    attachments: z.array(portalFileSchema),
  }),
  z.object({ kind: z.literal('status'), ...base, from: z.string(), to: z.string() }),
  z.object({ kind: z.literal('upload'), ...base, file: portalFileSchema }),
  z.object({ kind: z.literal('opened'), ...base }),
  z.object({ kind: z.literal('closed'), ...base, reason: z.string() }),
]);

export const portalCaseDetailSchema = z.object({
  case: portalCaseSchema,
  closure: z.object({ reason: z.string(), summary: z.string(), closedAt: z.string() }).nullable(),
  timeline: z.array(portalItemSchema),
  uploads: z.array(uploadSchema),
});

export const portalCaseParam = z.object({
  number: z.string().regex(/^CAS-\d{5}-[0-9A-Z]{6}$/, 'a case number like CAS-04814-C9T9D0'),
});
