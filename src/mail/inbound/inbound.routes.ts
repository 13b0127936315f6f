import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { currentEngineer } from '../../auth/auth.plugin.js';
import { notFound } from '../../platform/errors.js';
import type { AppDeps } from '../../platform/http/app-deps.js';
import { problemSchema } from '../../platform/http/schemas.js';
import { emailDocument, emailFrameCsp, plainTextBody } from '../reading/email-document.js';
import { sanitizeEmailHtml } from '../reading/sanitize-html.js';
import { findEmailView, findInbound, listInbound } from './inbound.repo.js';
import { inboundDeps } from './inbound-deps.js';
import { dismissInboundMessage, fileInboundMessage } from './review.service.js';

const itemSchema = z.object({
  id: z.string(),
  status: z.string(),
  receivedAt: z.string(),
  source: z.string(),
  subject: z.string(),
  from: z.string().nullable(),
  messageId: z.string().nullable(),
  rawSha256: z.string(),
  rawSize: z.number(),
  reason: z.string().nullable(),
  namedCase: z.string().nullable(),
  caseNumber: z.string().nullable(),
  resolution: z.string().nullable(),
});
const outcomeSchema = z.object({
  status: z.literal('threaded'),
  rawSha256: z.string(),
  messageId: z.string().nullable(),
  caseNumber: z.string(),
  via: z.string(),
  newCase: z.boolean(),
  activityId: z.string(),
});
const idParam = z.object({ id: z.string().uuid() });
const emailParam = z.object({ activityId: z.string().uuid() });
const pageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(100),
  offset: z.coerce.number().int().min(0).default(0),
});
const errors = { 400: problemSchema, 404: problemSchema };

// Raster images may be shown inline (cid: images); everything else downloads as a file.
const INLINE_TYPES = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp', 'image/bmp']);

/**
 * Who may read a case's mail through these routes: engineers only, and they see every case.
 * Customers never reach them (the engineer sign-in guards all of /api/v1 outside /api/v1/portal);
 * they read their own account's mail through the portal routes (src/portal).
 */
function assertMaySee(request: FastifyRequest, _caseId: string): void {
  currentEngineer(request);
}

function sendStored(
  deps: AppDeps,
  reply: FastifyReply,
  file: { sha256: string; filename: string; contentType: string; size: number },
  disposition: 'inline' | 'attachment',
) {
  const ascii = file.filename.replace(/[^\x20-\x7e]|["\\]/g, '_');
  return reply
    .header('content-type', disposition === 'inline' ? file.contentType : 'application/octet-stream')
    .header('content-length', String(file.size))
    .header(
      'content-disposition',
      `${disposition}; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(file.filename)}`,
    )
    .header('content-security-policy', "default-src 'none'; sandbox")
    .header('x-checksum-sha256', file.sha256)
    .send(deps.files.open(file.sha256));
}

/** Inbound mail: the needs-attention list, the review queue, and reading mail safely. */
export function inboundRoutes(deps: AppDeps): FastifyPluginAsyncZod {
  const ingest = inboundDeps(deps);
  return async (app) => {
    /** An email the caller may read, with its HTML sanitized (cid: images point at its files). */
    const readableEmail = async (request: FastifyRequest, activityId: string, remote: boolean) => {
      const view = await findEmailView(deps.db, activityId);
      if (!view) throw notFound('mail.email_not_found', 'No such email');
      assertMaySee(request, view.caseId);
      const fileUrl = (sha256: string) => `/api/v1/emails/${view.activityId}/files/${sha256}`;
      const byCid = new Map(view.files.flatMap((f) => (f.contentId ? [[f.contentId, f.sha256]] : [])));
      const html = view.html
        ? sanitizeEmailHtml(view.html, {
            allowRemoteImages: remote,
            resolveCid: (cid) => {
              const sha = byCid.get(cid);
              return sha ? fileUrl(sha) : null;
            },
          })
        : null;
      return { view, html, fileUrl };
    };

    for (const [path, status, summary] of [
      [
        '/mail/attention',
        'needs_attention',
        'Messages stored raw that could not be filed (unreadable, no sender, …)',
      ],
      ['/mail/review', 'review', "Messages that named another account's case, held for review"],
    ] as const) {
      app.get(
        path,
        {
          schema: {
            tags: ['mail'],
            summary,
            querystring: pageQuery,
            response: { 200: z.object({ items: z.array(itemSchema) }) },
          },
        },
        async (request) => {
          currentEngineer(request);
          return { items: await listInbound(deps.db, status, request.query) };
        },
      );
    }

    app.get(
      '/mail/inbound/:id',
      {
        schema: {
          tags: ['mail'],
          summary: 'One received message and what became of it',
          params: idParam,
          response: { 200: itemSchema, ...errors },
        },
      },
      async (request) => {
        currentEngineer(request);
        const item = await findInbound(deps.db, request.params.id);
        if (!item) throw notFound('mail.inbound_not_found', 'No such inbound message');
        return item;
      },
    );

    app.get(
      '/mail/inbound/:id/raw',
      { schema: { tags: ['mail'], summary: 'The message exactly as received (.eml)', params: idParam } },
      async (request, reply) => {
        currentEngineer(request);
        const item = await findInbound(deps.db, request.params.id);
        if (!item) throw notFound('mail.inbound_not_found', 'No such inbound message');
        const name = `${item.rawSha256.slice(0, 16)}.eml`;
        return sendStored(
          deps,
          reply,
          { sha256: item.rawSha256, filename: name, contentType: 'message/rfc822', size: item.rawSize },
          'attachment',
        );
      },
    );

    app.post(
      '/mail/inbound/:id/attach',
      {
        schema: {
          tags: ['mail'],
          summary: 'File a held message onto a case; its sender becomes a participant',
          params: idParam,
          body: z.object({ caseNumber: z.string().regex(/^CAS-\d{5}-[0-9A-Z]{6}$/) }),
          response: { 200: outcomeSchema, ...errors },
        },
      },
      async (request) => {
        const e = currentEngineer(request);
        return fileInboundMessage(ingest, { id: e.id, name: e.name }, request.params.id, {
          caseNumber: request.body.caseNumber,
        });
      },
    );

    app.post(
      '/mail/inbound/:id/open-case',
      {
        schema: {
          tags: ['mail'],
          summary: 'Open a new case from a held message',
          params: idParam,
          response: { 200: outcomeSchema, ...errors },
        },
      },
      async (request) => {
        const e = currentEngineer(request);
        return fileInboundMessage(ingest, { id: e.id, name: e.name }, request.params.id, 'new_case');
      },
    );

    app.post(
      '/mail/inbound/:id/dismiss',
      {
        schema: {
          tags: ['mail'],
          summary: 'Take a held message off the lists without filing it',
          params: idParam,
          body: z.object({ note: z.string().max(2000).optional() }).optional(),
          response: { 204: z.null(), ...errors },
        },
      },
      async (request, reply) => {
        const e = currentEngineer(request);
        await dismissInboundMessage(
          ingest,
          { id: e.id, name: e.name },
          request.params.id,
          request.body?.note,
        );
        return reply.code(204).send(null);
      },
    );

    app.get(
      '/emails/:activityId/html',
      {
        schema: {
          tags: ['mail'],
          summary:
            'An email for reading: sanitized HTML (cid: images from the case, remote images blocked unless asked), the new part and the quoted history',
          params: emailParam,
          querystring: z.object({ remoteImages: z.enum(['true', 'false']).default('false') }),
          response: {
            200: z.object({
              activityId: z.string(),
              caseNumber: z.string(),
              subject: z.string(),
              html: z.string().nullable(),
              fresh: z.string(),
              quoted: z.string().nullable(),
              attachments: z.array(
                z.object({
                  sha256: z.string(),
                  filename: z.string(),
                  contentType: z.string(),
                  size: z.number(),
                  inline: z.boolean(),
                  url: z.string(),
                }),
              ),
            }),
            ...errors,
          },
        },
      },
      async (request) => {
        const { view, html, fileUrl } = await readableEmail(
          request,
          request.params.activityId,
          request.query.remoteImages === 'true',
        );
        return {
          activityId: view.activityId,
          caseNumber: view.caseNumber,
          subject: view.subject,
          html,
          fresh: view.fresh ?? view.text,
          quoted: view.quoted,
          attachments: view.files.map((f) => ({
            sha256: f.sha256,
            filename: f.filename,
            contentType: f.contentType,
            size: f.size,
            inline: f.inline,
            url: fileUrl(f.sha256),
          })),
        };
      },
    );

    app.get(
      '/emails/:activityId/html/page',
      {
        schema: {
          tags: ['mail'],
          summary:
            'The sanitized HTML as a page for a sandboxed frame (its own CSP: no scripts, remote images only when asked)',
          params: emailParam,
          querystring: z.object({ remoteImages: z.enum(['true', 'false']).default('false') }),
        },
      },
      async (request, reply) => {
        const allowRemoteImages = request.query.remoteImages === 'true';
        const { view, html } = await readableEmail(request, request.params.activityId, allowRemoteImages);
        return reply
          .header('content-security-policy', emailFrameCsp({ allowRemoteImages }))
          .header('cache-control', 'private, no-store')
          .type('text/html; charset=utf-8')
          .send(emailDocument(html ?? plainTextBody(view.text)));
      },
    );

    app.get(
      '/emails/:activityId/files/:sha256',
      {
        schema: {
          tags: ['mail'],
          summary: "Download an email's attachment or inline image (only files of that email)",
          params: emailParam.extend({ sha256: z.string().regex(/^[0-9a-f]{64}$/) }),
        },
      },
      async (request, reply) => {
        const view = await findEmailView(deps.db, request.params.activityId);
        if (!view) throw notFound('mail.email_not_found', 'No such email');
        assertMaySee(request, view.caseId);
        const file = view.files.find((f) => f.sha256 === request.params.sha256);
        if (!file) throw notFound('mail.file_not_found', 'This email has no such file');
        return sendStored(deps, reply, file, INLINE_TYPES.has(file.contentType) ? 'inline' : 'attachment');
      },
    );

    app.get(
      '/emails/:activityId/raw',
      {
        schema: {
          tags: ['mail'],
          summary: 'An inbound email exactly as received (.eml)',
          params: emailParam,
        },
      },
      async (request, reply) => {
        const view = await findEmailView(deps.db, request.params.activityId);
        if (!view?.rawSha256) throw notFound('mail.email_not_found', 'No received copy of this email');
        assertMaySee(request, view.caseId);
        const size = (await deps.files.size(view.rawSha256)) ?? 0;
        return sendStored(
          deps,
          reply,
          {
            sha256: view.rawSha256,
            filename: `${view.caseNumber}-${view.rawSha256.slice(0, 12)}.eml`,
            contentType: 'message/rfc822',
            size,
          },
          'attachment',
        );
      },
    );
  };
}
