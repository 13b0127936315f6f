import { z } from 'zod';
import { priorities, statuses } from '../platform/http/schemas.js';
import { scopeSchema } from '../workflow/workflow.schemas.js';

const address = z.object({ name: z.string().nullable(), address: z.string().nullable() });

export const caseSummarySchema = z.object({
  id: z.string(),
  number: z.string().describe('Case number, e.g. CAS-04814-C9T9D0'),
  title: z.string(),
  account: z.string().nullable(),
  priority: z.enum(priorities),
  status: z.enum(statuses),
  stage: z.string(),
  owner: z.object({ id: z.string(), name: z.string() }).nullable(),
  trackingToken: z.string().describe('e.g. CMIT:0001334'),
  openedAt: z.string(),
  updatedAt: z.string(),
  closedAt: z.string().nullable(),
  firstResponseAt: z.string().nullable(),
});

export const activitySchema = z.object({
  id: z.string(),
  type: z.enum(['email', 'call', 'note', 'status_change', 'transfer', 'system']),
  occurredAt: z.string(),
  actor: z.object({
    type: z.enum(['engineer', 'contact', 'system']),
    id: z.string().nullable(),
    name: z.string(),
  }),
  payload: z.record(z.string(), z.unknown()),
  email: z
    .object({
      direction: z.enum(['inbound', 'outbound']),
      from: address,
      to: z.array(address),
      cc: z.array(address),
      subject: z.string(),
      text: z.string(),
      html: z.string().nullable(),
      sentAt: z.string().nullable(),
      messageId: z.string().nullable(),
      inReplyTo: z.string().nullable(),
      references: z.array(z.string()),
      attachments: z.array(
        z.object({ filename: z.string(), contentType: z.string(), size: z.number(), sha256: z.string() }),
      ),
    })
    .optional(),
});

export const caseDetailSchema = caseSummarySchema.extend({
  participants: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      email: z.string().nullable(),
      role: z.string(),
      account: z.string().nullable(),
    }),
  ),
  timeline: z.array(activitySchema),
  scope: scopeSchema.nullable(),
});
