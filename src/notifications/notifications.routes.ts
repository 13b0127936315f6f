import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { currentEngineer } from '../auth/auth.plugin.js';
import type { AppDeps } from '../platform/http/app-deps.js';
import { listNotifications, markRead } from './notifications.repo.js';

const notificationSchema = z.object({
  id: z.string(),
  kind: z.string(),
  message: z.string(),
  caseNumber: z.string().nullable(),
  createdAt: z.string(),
  readAt: z.string().nullable(),
});

export function notificationsRoutes(deps: AppDeps): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/notifications',
      {
        schema: {
          tags: ['notifications'],
          summary: "The signed-in engineer's in-app notifications, newest first",
          querystring: z.object({
            unread: z.enum(['true', 'false']).default('false'),
            limit: z.coerce.number().int().min(1).max(200).default(50),
          }),
          response: { 200: z.array(notificationSchema) },
        },
      },
      async (request) =>
        listNotifications(deps.db, currentEngineer(request).id, {
          unreadOnly: request.query.unread === 'true',
          limit: request.query.limit,
        }),
    );
    app.post(
      '/notifications/:id/read',
      {
        schema: {
          tags: ['notifications'],
          summary: 'Mark a notification read',
          params: z.object({ id: z.string().uuid() }),
          response: { 204: z.null() },
        },
      },
      async (request, reply) => {
        await markRead(deps.db, currentEngineer(request).id, request.params.id, deps.clock.now());
        return reply.code(204).send(null);
      },
    );
  };
}
