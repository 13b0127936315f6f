import type { IncomingMessage } from 'node:http';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { getCase } from '../cases/cases.repo.js';
import { notFound } from '../platform/errors.js';
import type { AppDeps } from '../platform/http/app-deps.js';
import { problemSchema } from '../platform/http/schemas.js';
import { receiptOf } from './complete-upload.js';
import { HashingFileStore, tusDirectory } from './hashing-file-store.js';
import { createTusServer, TUS_PATH } from './tus-server.js';
import {
  completedSizeOf,
  findUploadFile,
  listUploadFilesOfWorkspace,
  touchUploadFile,
} from './upload-files.repo.js';
import type { WorkspaceRow } from './workspaces.repo.js';
import { signInToWorkspace, signOutOfWorkspace, workspaceForSession } from './workspaces.service.js';

export const UPLOAD_COOKIE = 'casedesk_upload';
const COOKIE_PATH = '/upload';
const pageDir = join(import.meta.dirname, 'page');
const uppyDist = join(dirname(createRequire(import.meta.url).resolve('uppy/package.json')), 'dist');
const PAGE_FILES = new Set([
  '/index.html',
  '/upload-page.js',
  '/upload-page.css',
  '/uppy.min.mjs',
  '/uppy.min.css',
]);

const receiptSchema = z.object({
  id: z.string(),
  fileName: z.string(),
  size: z.number(),
  sha256: z.string().nullable(),
  status: z.enum(['partial', 'complete', 'swept', 'purged']),
  uploadedAt: z.string().nullable(),
});

const sessionSchema = z.object({
  user: z.string(),
  caseNumber: z.string(),
  caseTitle: z.string(),
  expiresAt: z.string(),
  maxFileBytes: z.number(),
  files: z.array(receiptSchema),
});

/**
 * The customer's upload page at /upload/ (no engineer sign-in): sign in with the workspace
 * credentials, then drop files; uploads go through tus at /upload/tus and resume after a cut
 * connection or a reload. Sign-in is rate-limited per address; every answer names only the
 * signed-in workspace's own case and files.
 */
export function uploadPageRoutes(deps: AppDeps): FastifyPluginAsyncZod {
  return async (app) => {
    const store = new HashingFileStore(tusDirectory(deps.files), (id) => completedSizeOf(deps.db, id));
    const storeDeps = { ...deps, store };
    const sessions = new WeakMap<IncomingMessage, WorkspaceRow>();
    const tus = createTusServer(storeDeps, sessions);
    const workspaceOf = (request: FastifyRequest) =>
      workspaceForSession(deps, request.cookies[UPLOAD_COOKIE]);

    await app.register(fastifyStatic, {
      root: [pageDir, uppyDist],
      prefix: '/upload/',
      wildcard: false,
      index: ['index.html'],
      allowedPath: (path) => PAGE_FILES.has(path) || path === '/',
    });
    app.get('/upload', { schema: { hide: true } }, async (request, reply) =>
      reply.redirect(`/upload/${request.url.slice('/upload'.length)}`),
    );

    app.post(
      '/upload/api/login',
      {
        // Per address: a customer site behind one NAT signs in from one address.
        config: { rateLimit: { max: 30, timeWindow: '1 minute' } },
        schema: {
          tags: ['upload page'],
          summary: 'Sign in to an upload workspace (sets a cookie for /upload only)',
          body: z.object({ user: z.string().min(1).max(64), password: z.string().min(1).max(200) }),
          response: { 200: sessionSchema, 401: problemSchema, 403: problemSchema, 429: problemSchema },
        },
      },
      async (request, reply) => {
        const { secret, workspace, expiresAt } = await signInToWorkspace(
          deps,
          request.body.user,
          request.body.password,
        );
        reply.setCookie(UPLOAD_COOKIE, secret, {
          path: COOKIE_PATH,
          httpOnly: true,
          sameSite: 'strict',
          secure: deps.config.publicUrl?.startsWith('https:') ?? false,
          expires: expiresAt,
        });
        return sessionView(workspace);
      },
    );

    app.post(
      '/upload/api/logout',
      {
        schema: {
          tags: ['upload page'],
          summary: 'Sign out of the upload page',
          response: { 204: z.null() },
        },
      },
      async (request, reply) => {
        await signOutOfWorkspace(deps, request.cookies[UPLOAD_COOKIE]);
        reply.clearCookie(UPLOAD_COOKIE, { path: COOKIE_PATH });
        return reply.code(204).send(null);
      },
    );

    app.get(
      '/upload/api/session',
      {
        config: { rateLimit: { max: 120, timeWindow: '1 minute' } },
        schema: {
          tags: ['upload page'],
          summary: 'The signed-in workspace, its limits and the receipts of its files',
          response: { 200: sessionSchema, 401: problemSchema, 403: problemSchema },
        },
      },
      async (request) => sessionView(await workspaceOf(request)),
    );

    const tusRoute = async (request: FastifyRequest, reply: FastifyReply) => {
      if (request.method !== 'OPTIONS') {
        const workspace = await workspaceOf(request);
        const id = (request.params as { '*'?: string })['*'];
        if (id) {
          const row = await findUploadFile(deps.db, id);
          // Another workspace's upload id is answered exactly like one that never existed.
          if (!row || row.workspaceId !== workspace.id) throw notFound('upload.not_found', 'No such upload');
          if (request.method === 'PATCH') await touchUploadFile(deps.db, id, deps.clock.now());
        }
        sessions.set(request.raw, workspace);
      }
      reply.hijack();
      await tus.handle(request.raw, reply.raw);
    };
    // tus reads the raw request body itself; Fastify must leave it unread.
    app.addContentTypeParser('application/offset+octet-stream', (_request, _payload, done) => done(null));
    const tusConfig = { rateLimit: { max: 600, timeWindow: '1 minute' } };
    for (const url of [TUS_PATH, `${TUS_PATH}/*`]) {
      app.route({
        method: ['POST', 'HEAD', 'PATCH', 'DELETE', 'OPTIONS'],
        url,
        config: tusConfig,
        schema: { hide: true },
        handler: tusRoute,
      });
    }

    async function sessionView(workspace: WorkspaceRow) {
      const kase = await getCase(deps.db, workspace.caseNumber);
      const files = await listUploadFilesOfWorkspace(deps.db, workspace.id);
      return {
        user: workspace.userName,
        caseNumber: kase.number,
        caseTitle: kase.title,
        expiresAt: workspace.expiresAt.toISOString(),
        maxFileBytes: deps.config.uploadMaxBytes,
        files: files.filter((f) => f.status === 'complete').map(receiptOf),
      };
    }
  };
}
