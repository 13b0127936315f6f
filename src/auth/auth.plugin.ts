import type { FastifyInstance, FastifyRequest } from 'fastify';
import { DomainError } from '../platform/errors.js';
import type { AppDeps } from '../platform/http/app-deps.js';
import { type Engineer, engineerForApiToken, engineerForSession } from './engineers.repo.js';

export const SESSION_COOKIE = 'casedesk_session';

declare module 'fastify' {
  interface FastifyRequest {
    engineer: Engineer | null;
  }
}

/** Paths that work without signing in. Everything else under /api/v1 needs a session or an API token. */
const publicPaths = new Set(['/api/v1/auth/login']);

/** The customer portal has its own principal and sign-in (src/portal); engineers' credentials never apply there. */
const isPortalPath = (path: string) => path === '/api/v1/portal' || path.startsWith('/api/v1/portal/');

export function installAuth(app: FastifyInstance, deps: AppDeps): void {
  app.decorateRequest('engineer', null);
  app.addHook('onRequest', async (request) => {
    const path = request.url.split('?')[0] ?? '';
    if (!path.startsWith('/api/v1/') || publicPaths.has(path) || isPortalPath(path)) return;
    request.engineer = await authenticate(request, deps);
    if (!request.engineer) {
      throw new DomainError(
        'auth.required',
        'Sign in first, or send an API token as "Authorization: Bearer …"',
        401,
      );
    }
  });
}

async function authenticate(request: FastifyRequest, deps: AppDeps): Promise<Engineer | null> {
  const header = request.headers.authorization;
  if (header?.startsWith('Bearer '))
    return engineerForApiToken(deps.db, header.slice(7).trim(), deps.clock.now());
  const cookie = request.cookies[SESSION_COOKIE];
  if (cookie) return engineerForSession(deps.db, cookie, deps.clock.now());
  return null;
}

export function currentEngineer(request: FastifyRequest): Engineer {
  if (!request.engineer) throw new DomainError('auth.required', 'Sign in first', 401);
  return request.engineer;
}

export function requireAdmin(request: FastifyRequest): Engineer {
  const engineer = currentEngineer(request);
  if (engineer.role !== 'admin') throw new DomainError('auth.forbidden', 'Only an admin may do this', 403);
  return engineer;
}
