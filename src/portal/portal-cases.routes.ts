import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { notFound } from '../platform/errors.js';
import type { AppDeps } from '../platform/http/app-deps.js';
import { problemSchema } from '../platform/http/schemas.js';
import { UPLOAD_COOKIE } from '../uploads/upload-page.routes.js';
import { portalCaseDetailSchema, portalCaseParam, portalCaseSchema, uploadSchema } from './portal.schemas.js';
import type { PortalContact } from './portal-auth.service.js';
import {
  accountAddresses,
  currentClosure,
  filesOfEmails,
  findAccountCase,
  listAccountCases,
  listCaseUploads,
  listTimelineCandidates,
  type PortalCaseRow,
  type PortalUpload,
} from './portal-cases.repo.js';
import { sendPortalFile } from './portal-download.js';
import { MAX_PORTAL_MESSAGE_CHARS, recordPortalMessage } from './portal-reply.js';
import { currentContact } from './portal-request.js';
import {
  filesOfVisibleEmail,
  type TimelineContext,
  toPortalTimeline,
  uploadFile,
} from './portal-timeline.js';
import { uploadAccess } from './portal-upload-access.js';

const tags = ['portal'];
const errors = { 400: problemSchema, 401: problemSchema, 404: problemSchema };

const uploadView = (caseNumber: string, u: PortalUpload) => ({
  ...uploadFile(caseNumber, u),
  uploadedAt: u.uploadedAt ? u.uploadedAt.toISOString() : null,
});

const caseView = (c: PortalCaseRow) => ({
  number: c.number,
  title: c.title,
  priority: c.priority,
  status: c.status,
  stage: c.stage,
  owner: c.ownerName,
  openedAt: c.openedAt.toISOString(),
  updatedAt: c.updatedAt.toISOString(),
  closedAt: c.closedAt ? c.closedAt.toISOString() : null,
});

/** The signed-in customer's cases: list, read, write, upload. Scoped to the contact's account in SQL. */
export function portalCasesRoutes(deps: AppDeps): FastifyPluginAsyncZod {
  // Another account's case is answered exactly like one that does not exist.
  const caseOf = async (request: FastifyRequest, number: string) => {
    const contact = currentContact(request);
    const kase = await findAccountCase(deps.db, contact.accountId, number);
    if (!kase) throw notFound('portal.case_not_found', `No case ${number}`);
    return { contact, kase };
  };
  const timelineContext = async (contact: PortalContact, kase: PortalCaseRow) => {
    const rows = await listTimelineCandidates(deps.db, kase.id);
    const ctx: TimelineContext = {
      caseNumber: kase.number,
      customerAddresses: await accountAddresses(deps.db, contact.accountId),
      files: await filesOfEmails(
        deps.db,
        rows.filter((r) => r.type === 'email').map((r) => r.id),
      ),
      uploads: await listCaseUploads(deps.db, kase.id),
    };
    return { rows, ctx };
  };

  return async (app) => {
    app.get(
      '/cases',
      {
        schema: {
          tags,
          summary: "The signed-in contact's account's cases, most recently updated first",
          querystring: z.object({
            state: z.enum(['open', 'closed', 'all']).default('open'),
            page: z.coerce.number().int().min(1).default(1),
            pageSize: z.coerce.number().int().min(1).max(100).default(50),
          }),
          response: { 200: z.object({ items: z.array(portalCaseSchema), hasMore: z.boolean() }) },
        },
      },
      async (request) => {
        const contact = currentContact(request);
        const { items, hasMore } = await listAccountCases(deps.db, contact.accountId, request.query);
        return { items: items.map(caseView), hasMore };
      },
    );

    app.get(
      '/cases/:number',
      {
        schema: {
          tags,
          summary: 'A case as the customer sees it: header, closure and the customer-visible timeline',
          params: portalCaseParam,
          response: { 200: portalCaseDetailSchema, ...errors },
        },
      },
      async (request) => {
        const { contact, kase } = await caseOf(request, request.params.number);
        const { rows, ctx } = await timelineContext(contact, kase);
        const closure = kase.status === 'closed' ? await currentClosure(deps.db, kase.id) : null;
        return {
          case: caseView(kase),
          closure: closure
            ? { reason: closure.reason, summary: closure.summary, closedAt: closure.closedAt.toISOString() }
            : null,
          timeline: toPortalTimeline(rows, ctx),
          uploads: ctx.uploads.map((u) => uploadView(kase.number, u)),
        };
      },
    );

    app.post(
      '/cases/:number/replies',
      {
        config: { rateLimit: { max: 30, timeWindow: '1 minute' } },
        schema: {
          tags,
          summary: 'Write to support on the case (same effect as a reply by mail)',
          params: portalCaseParam,
          body: z.object({ text: z.string().max(MAX_PORTAL_MESSAGE_CHARS + 1000) }),
          response: {
            201: z.object({ activityId: z.string(), status: z.string() }),
            409: problemSchema,
            ...errors,
          },
        },
      },
      async (request, reply) => {
        const { contact, kase } = await caseOf(request, request.params.number);
        return reply.code(201).send(await recordPortalMessage(deps, contact, kase, request.body.text));
      },
    );

    app.post(
      '/cases/:number/upload-access',
      {
        config: { rateLimit: { max: 20, timeWindow: '1 minute' } },
        schema: {
          tags,
          summary:
            "The case's upload page and credentials (opens a workspace if none is active); also signs this browser in to the upload page",
          params: portalCaseParam,
          response: {
            200: z.object({
              uploadUrl: z.string(),
              user: z.string(),
              password: z.string().nullable(),
              expiresAt: z.string(),
            }),
            ...errors,
          },
        },
      },
      async (request, reply) => {
        const { contact, kase } = await caseOf(request, request.params.number);
        const access = await uploadAccess(deps, contact, kase);
        reply.setCookie(UPLOAD_COOKIE, access.sessionSecret, {
          path: '/upload',
          httpOnly: true,
          sameSite: 'strict',
          secure: deps.config.publicUrl?.startsWith('https:') ?? false,
          expires: access.sessionExpiresAt,
        });
        reply.header('cache-control', 'no-store');
        return {
          uploadUrl: access.uploadUrl,
          user: access.user,
          password: access.password,
          expiresAt: access.expiresAt,
        };
      },
    );

    app.get(
      '/cases/:number/uploads',
      {
        schema: {
          tags,
          summary: 'Files uploaded to the case through its upload page',
          params: portalCaseParam,
          response: { 200: z.array(uploadSchema), ...errors },
        },
      },
      async (request) => {
        const { kase } = await caseOf(request, request.params.number);
        return (await listCaseUploads(deps.db, kase.id)).map((u) => uploadView(kase.number, u));
      },
    );

    app.get(
      '/cases/:number/uploads/:uploadId',
      {
        schema: {
          tags,
          summary: 'Download a file uploaded to the case',
          params: portalCaseParam.extend({ uploadId: z.string().min(1).max(200) }),
        },
      },
      async (request, reply) => {
        const { kase } = await caseOf(request, request.params.number);
        const upload = (await listCaseUploads(deps.db, kase.id)).find(
          (u) => u.id === request.params.uploadId,
        );
        if (!upload || !(await deps.files.has(upload.sha256)))
          throw notFound('portal.file_not_found', 'No such file');
        const file = {
          sha256: upload.sha256,
          filename: upload.fileName,
          contentType: upload.contentType,
          size: upload.size,
        };
        return sendPortalFile(deps.files, reply, file);
      },
    );

    app.get(
      '/cases/:number/emails/:activityId/files/:sha256',
      {
        schema: {
          tags,
          summary: "Download an attachment or inline image of a mail on the customer's timeline",
          params: portalCaseParam.extend({
            activityId: z.string().uuid(),
            sha256: z.string().regex(/^[0-9a-f]{64}$/),
          }),
        },
      },
      async (request, reply) => {
        const { contact, kase } = await caseOf(request, request.params.number);
        const { rows, ctx } = await timelineContext(contact, kase);
        const row = rows.find((r) => r.id === request.params.activityId);
        const file = row
          ? filesOfVisibleEmail(row, ctx).find((f) => f.sha256 === request.params.sha256)
          : undefined;
        if (!file || !(await deps.files.has(file.sha256)))
          throw notFound('portal.file_not_found', 'No such file');
        return sendPortalFile(deps.files, reply, file);
      },
    );
  };
}
