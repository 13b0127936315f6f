import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { currentEngineer, requireAdmin } from '../../auth/auth.plugin.js';
import { activitySchema } from '../../cases/cases.schemas.js';
import { engineerActor } from '../../cases/cases.service.js';
import type { AppDeps } from '../../platform/http/app-deps.js';
import { caseNumberParam, csvEnum, problemSchema } from '../../platform/http/schemas.js';
import { listOutboxEntries, retryOutboxEntry } from './outbox.service.js';
import { MAX_ATTACHMENT_BYTES, sendCaseReply } from './send-reply.js';

const outboxStates = ['pending', 'sending', 'retry', 'sent', 'failed', 'uncertain'] as const;
const address = z.string().min(3).max(500);
const base64 = z.string().regex(/^[A-Za-z0-9+/\r\n]*={0,2}\s*$/, 'base64');

const deliverySchema = z.object({
  outboxId: z.string(),
  state: z.enum(outboxStates),
  summary: z.string(),
  attempts: z.number(),
  nextAttemptAt: z.string().nullable(),
  smtpResponse: z.string().nullable(),
  error: z.string().nullable(),
  heldReason: z.string().nullable(),
  updatedAt: z.string(),
});

const outboxEntrySchema = z.object({
  id: z.string(),
  kind: z.enum(['case_reply', 'notification']),
  caseNumber: z.string().nullable(),
  messageId: z.string(),
  subject: z.string(),
  to: z.array(z.string()),
  cc: z.array(z.string()),
  bcc: z.array(z.string()),
  state: z.enum(outboxStates),
  attempts: z.number(),
  createdAt: z.string(),
  sentAt: z.string().nullable(),
  delivery: deliverySchema,
});

const errors = {
  400: problemSchema,
  403: problemSchema,
  404: problemSchema,
  409: problemSchema,
  413: problemSchema,
};

export function outboundRoutes(deps: AppDeps): FastifyPluginAsyncZod {
  return async (app) => {
    app.post(
      '/cases/:caseNumber/replies',
      {
        // Base64 makes attachments a third larger; leave room for the text around them.
        bodyLimit: Math.ceil(MAX_ATTACHMENT_BYTES * 1.37) + 2 * 1024 * 1024,
        schema: {
          tags: ['mail'],
          summary: 'Reply to the customer by email (queued in the outbox; delivery state on the timeline)',
          params: caseNumberParam,
          body: z.object({
            to: z.array(address).min(1).max(100).describe('"a@b" or "Name <a@b>"'),
            cc: z.array(address).max(100).optional(),
            bcc: z.array(address).max(100).optional(),
            text: z.string().max(1_000_000).default(''),
            html: z.string().max(5_000_000).nullable().optional(),
            attachments: z
              .array(
                z.object({
                  filename: z.string().min(1).max(255),
                  contentType: z.string().max(200).default('application/octet-stream'),
                  contentBase64: base64,
                }),
              )
              .max(50)
              .optional()
              .describe(`base64 content; at most ${MAX_ATTACHMENT_BYTES} bytes in all`),
            stage: z.string().max(100).optional().describe('Stage in the subject; becomes the case stage'),
            replyToActivityId: z
              .string()
              .uuid()
              .optional()
              .describe('Email answered; default the latest inbound'),
          }),
          response: { 201: activitySchema, ...errors },
        },
      },
      async (request, reply) => {
        const { attachments, ...rest } = request.body;
        const activity = await sendCaseReply(
          deps,
          engineerActor(currentEngineer(request)),
          request.params.caseNumber,
          {
            ...rest,
            attachments: (attachments ?? []).map((a) => ({
              filename: a.filename,
              contentType: a.contentType,
              content: Buffer.from(a.contentBase64, 'base64'),
            })),
          },
        );
        return reply.code(201).send(activity);
      },
    );

    app.get(
      '/outbox',
      {
        schema: {
          tags: ['mail'],
          summary: 'Outgoing mail and its delivery state, newest first (admins)',
          querystring: z.object({
            state: csvEnum(outboxStates),
            limit: z.coerce.number().int().min(1).max(1000).default(100),
          }),
          response: { 200: z.object({ items: z.array(outboxEntrySchema) }), ...errors },
        },
      },
      async (request) => {
        requireAdmin(request);
        const items = await listOutboxEntries(deps.db, {
          ...(request.query.state ? { states: request.query.state } : {}),
          limit: request.query.limit,
        });
        return { items };
      },
    );

    app.post(
      '/outbox/:id/retry',
      {
        schema: {
          tags: ['mail'],
          summary: 'Send a failed or uncertain message again, with the same Message-ID (admins)',
          params: z.object({ id: z.string().uuid() }),
          response: { 200: outboxEntrySchema, ...errors },
        },
      },
      async (request) => {
        requireAdmin(request);
        return retryOutboxEntry(deps.db, request.params.id, deps.clock.now());
      },
    );
  };
}
