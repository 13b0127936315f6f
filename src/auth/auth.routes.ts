import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppDeps } from '../platform/http/app-deps.js';
import { problemSchema } from '../platform/http/schemas.js';
import { currentEngineer, requireAdmin, SESSION_COOKIE } from './auth.plugin.js';
import {
  checkLogin,
  createApiToken,
  createEngineer,
  createSession,
  deleteSession,
  listEngineers,
} from './engineers.repo.js';

export const engineerSchema = z.object({
  id: z.string(),
  name: z.string(),
  email: z.string().nullable(),
  role: z.enum(['admin', 'engineer']),
  active: z.boolean(),
});

export function authRoutes(deps: AppDeps): FastifyPluginAsyncZod {
  return async (app) => {
    app.post(
      '/auth/login',
      {
        config: { rateLimit: { max: 10, timeWindow: '1 minute' } },
        schema: {
          tags: ['auth'],
          summary: 'Sign in with name or email and password; sets the session cookie',
          body: z.object({ login: z.string().min(1), password: z.string().min(1) }),
          response: { 200: engineerSchema, 401: problemSchema },
        },
      },
      async (request, reply) => {
        const engineer = await checkLogin(deps.db, request.body.login, request.body.password);
        const secret = await createSession(deps.db, engineer.id, deps.config.sessionDays, deps.clock.now());
        reply.setCookie(SESSION_COOKIE, secret, {
          path: '/',
          httpOnly: true,
          sameSite: 'lax',
          secure: deps.config.publicUrl?.startsWith('https:') ?? false,
          maxAge: deps.config.sessionDays * 86_400,
        });
        return engineer;
      },
    );

    app.post(
      '/auth/logout',
      { schema: { tags: ['auth'], summary: 'Sign out (ends this session)', response: { 204: z.null() } } },
      async (request, reply) => {
        const cookie = request.cookies[SESSION_COOKIE];
        if (cookie) await deleteSession(deps.db, cookie);
        reply.clearCookie(SESSION_COOKIE, { path: '/' });
        return reply.code(204).send(null);
      },
    );

    app.get(
      '/auth/me',
      { schema: { tags: ['auth'], summary: 'Who is signed in', response: { 200: engineerSchema } } },
      async (request) => currentEngineer(request),
    );

    app.post(
      '/tokens',
      {
        schema: {
          tags: ['auth'],
          summary: 'Create an API token for the signed-in engineer (shown once)',
          body: z.object({ name: z.string().max(100).default('') }),
          response: { 201: z.object({ id: z.string(), token: z.string() }) },
        },
      },
      async (request, reply) => {
        const created = await createApiToken(deps.db, currentEngineer(request).id, request.body.name);
        return reply.code(201).send(created);
      },
    );

    app.get(
      '/engineers',
      {
        schema: {
          tags: ['engineers'],
          summary: 'List engineers',
          response: { 200: z.array(engineerSchema) },
        },
      },
      async () => listEngineers(deps.db),
    );

    app.post(
      '/engineers',
      {
        schema: {
          tags: ['engineers'],
          summary: 'Add an engineer (admin only)',
          body: z.object({
            name: z.string().min(1).max(200),
            email: z.email().optional(),
            role: z.enum(['admin', 'engineer']).default('engineer'),
            password: z.string().min(8).optional(),
          }),
          response: { 201: engineerSchema, 403: problemSchema, 409: problemSchema },
        },
      },
      async (request, reply) => {
        requireAdmin(request);
        return reply.code(201).send(await createEngineer(deps.db, request.body));
      },
    );
  };
}
