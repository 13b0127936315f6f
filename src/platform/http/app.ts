import cookie from '@fastify/cookie';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyInstance } from 'fastify';
import {
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import { accountsRoutes } from '../../accounts/accounts.routes.js';
import { installAuth } from '../../auth/auth.plugin.js';
import { authRoutes } from '../../auth/auth.routes.js';
import { casesRoutes } from '../../cases/cases.routes.js';
import { factsRoutes } from '../../facts/facts.routes.js';
import { templatesRoutes } from '../../kb/templates.routes.js';
import { inboundRoutes } from '../../mail/inbound/inbound.routes.js';
import { outboundRoutes } from '../../mail/outbound/outbound.routes.js';
import { mailSettingsRoutes } from '../../mail/settings/mail-settings.routes.js';
import { notificationsRoutes } from '../../notifications/notifications.routes.js';
import { portalRoutes } from '../../portal/portal.routes.js';
import { portalAdminRoutes } from '../../portal/portal-admin.routes.js';
import { calendarsRoutes } from '../../sla/calendars.routes.js';
import { slaRoutes } from '../../sla/sla.routes.js';
import { uploadPageRoutes } from '../../uploads/upload-page.routes.js';
import { uploadsRoutes } from '../../uploads/uploads.routes.js';
import { workflowRoutes } from '../../workflow/workflow.routes.js';
import type { AppDeps } from './app-deps.js';
import { installProblemHandler } from './problem.js';
import { webStatic } from './web-static.js';

export type BuildAppOptions = { logger?: boolean | { level: string } };

/** The HTTP API: routes of every domain under /api/v1, OpenAPI at /api/openapi.json, docs at /api/docs. */
export async function buildApp(deps: AppDeps, options: BuildAppOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({
    logger: options.logger ?? false,
    bodyLimit: 25 * 1024 * 1024,
    trustProxy: false,
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  installProblemHandler(app);

  await app.register(helmet, {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        imgSrc: ["'self'", 'data:', 'blob:'],
        styleSrc: ["'self'", "'unsafe-inline'"],
        scriptSrc: ["'self'"],
      },
    },
  });
  await app.register(cookie);
  await app.register(rateLimit, { global: false });
  await app.register(swagger, {
    openapi: {
      info: {
        title: 'CaseDesk API',
        version: '1',
        description:
          'Case management for enterprise technical support. Sign in with POST /api/v1/auth/login (session cookie) ' +
          'or send an API token as `Authorization: Bearer …`. Errors are application/problem+json.',
      },
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer' },
          session: { type: 'apiKey', in: 'cookie', name: 'casedesk_session' },
        },
      },
      security: [{ bearer: [] }, { session: [] }],
    },
    transform: jsonSchemaTransform,
  });
  await app.register(swaggerUi, { routePrefix: '/api/docs', staticCSP: true });
  app.get('/api/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  installAuth(app, deps);
  await app.register(authRoutes(deps), { prefix: '/api/v1' });
  await app.register(casesRoutes(deps), { prefix: '/api/v1' });
  await app.register(accountsRoutes(deps), { prefix: '/api/v1' });
  await app.register(notificationsRoutes(deps), { prefix: '/api/v1' });
  await app.register(webStatic());
  await app.register(slaRoutes(deps), { prefix: '/api/v1' });
  await app.register(calendarsRoutes(deps), { prefix: '/api/v1' });
  await app.register(outboundRoutes(deps), { prefix: '/api/v1' });
  await app.register(uploadsRoutes(deps), { prefix: '/api/v1' });
  await app.register(factsRoutes(deps), { prefix: '/api/v1' });
  await app.register(uploadPageRoutes(deps));
  await app.register(inboundRoutes(deps), { prefix: '/api/v1' });
  await app.register(templatesRoutes(deps), { prefix: '/api/v1' });
  await app.register(workflowRoutes(deps), { prefix: '/api/v1' });
  await app.register(mailSettingsRoutes(deps), { prefix: '/api/v1' });
  await app.register(portalRoutes(deps), { prefix: '/api/v1/portal' });
  await app.register(portalAdminRoutes(deps), { prefix: '/api/v1' });
  // Each domain registers its routes above this line.
  app.get('/healthz', { schema: { hide: true } }, async () => ({ ok: true }));
  return app;
}
