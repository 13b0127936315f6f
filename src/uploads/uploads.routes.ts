import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { currentEngineer } from '../auth/auth.plugin.js';
import { getCase } from '../cases/cases.repo.js';
import { engineerActor } from '../cases/cases.service.js';
import { notFound } from '../platform/errors.js';
import type { AppDeps } from '../platform/http/app-deps.js';
import { caseNumberParam, problemSchema } from '../platform/http/schemas.js';
import { findUploadFile, listUploadFilesOfCase } from './upload-files.repo.js';
import { listWorkspaces, openWorkspace, revokeWorkspace } from './workspaces.service.js';

const workspaceSchema = z.object({
  id: z.string(),
  caseNumber: z.string(),
  user: z.string().describe('Upload user name, e.g. ICBC001'),
  state: z.enum(['active', 'expired', 'revoked']),
  createdAt: z.string(),
  expiresAt: z.string(),
  revokedAt: z.string().nullable(),
  uploadUrl: z.string(),
});

const uploadSchema = z.object({
  id: z.string(),
  user: z.string(),
  fileName: z.string(),
  contentType: z.string(),
  size: z.number(),
  status: z.enum(['partial', 'complete', 'swept', 'purged']),
  sha256: z.string().nullable(),
  createdAt: z.string(),
  completedAt: z.string().nullable(),
});

const errors = { 400: problemSchema, 404: problemSchema };

/** Engineers' side of upload workspaces: open, list, revoke; list and download uploaded files. */
export function uploadsRoutes(deps: AppDeps): FastifyPluginAsyncZod {
  return async (app) => {
    app.post(
      '/cases/:caseNumber/upload-workspaces',
      {
        schema: {
          tags: ['uploads'],
          summary: 'Open an upload workspace; the password is in this answer only',
          params: caseNumberParam,
          body: z.object({ days: z.number().int().min(1).max(3650).optional() }).default({}),
          response: { 201: workspaceSchema.extend({ password: z.string() }), ...errors },
        },
      },
      async (request, reply) => {
        const actor = engineerActor(currentEngineer(request));
        const opened = await openWorkspace(deps, actor, request.params.caseNumber, request.body);
        return reply.code(201).send(opened);
      },
    );

    app.get(
      '/cases/:caseNumber/upload-workspaces',
      {
        schema: {
          tags: ['uploads'],
          summary: "A case's upload workspaces",
          params: caseNumberParam,
          response: { 200: z.array(workspaceSchema), ...errors },
        },
      },
      async (request) => listWorkspaces(deps, request.params.caseNumber),
    );

    app.post(
      '/upload-workspaces/:user/revoke',
      {
        schema: {
          tags: ['uploads'],
          summary: 'Revoke an upload workspace: its sign-ins end at once',
          params: z.object({ user: z.string().min(1).max(64) }),
          response: { 200: workspaceSchema, ...errors },
        },
      },
      async (request) => revokeWorkspace(deps, engineerActor(currentEngineer(request)), request.params.user),
    );

    app.get(
      '/cases/:caseNumber/uploads',
      {
        schema: {
          tags: ['uploads'],
          summary: 'Files uploaded to a case (complete, partial, swept and purged)',
          params: caseNumberParam,
          response: { 200: z.array(uploadSchema), ...errors },
        },
      },
      async (request) => {
        const kase = await getCase(deps.db, request.params.caseNumber);
        return (await listUploadFilesOfCase(deps.db, kase.id)).map((f) => ({
          id: f.id,
          user: f.user,
          fileName: f.fileName,
          contentType: f.contentType,
          size: f.size,
          status: f.status,
          sha256: f.sha256,
          createdAt: f.createdAt.toISOString(),
          completedAt: f.completedAt ? f.completedAt.toISOString() : null,
        }));
      },
    );

    app.get(
      '/cases/:caseNumber/uploads/:uploadId/content',
      {
        schema: {
          tags: ['uploads'],
          summary: 'Download an uploaded file (as an attachment, never rendered inline)',
          params: caseNumberParam.extend({ uploadId: z.string().regex(/^[0-9a-f]{32}$/) }),
        },
      },
      async (request, reply) => {
        const kase = await getCase(deps.db, request.params.caseNumber);
        const file = await findUploadFile(deps.db, request.params.uploadId);
        if (!file || file.caseId !== kase.id || file.status !== 'complete' || !file.sha256) {
          throw notFound('upload.not_found', 'No such uploaded file on this case');
        }
        const size = await deps.files.size(file.sha256);
        if (size === null) throw notFound('upload.not_found', 'The file is no longer stored');
        const ascii = file.fileName.replace(/[^\x20-\x7e]|["\\]/g, '_');
        return reply
          .header('content-type', 'application/octet-stream')
          .header('content-length', String(size))
          .header(
            'content-disposition',
            `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(file.fileName)}`,
          )
          .header('x-checksum-sha256', file.sha256)
          .send(deps.files.open(file.sha256));
      },
    );
  };
}
