import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppDeps } from '../platform/http/app-deps.js';
import { problemSchema } from '../platform/http/schemas.js';
import { portalContactSchema } from './portal.schemas.js';
import { findContactById } from './portal-auth.repo.js';
import {
  contactForSession,
  MIN_PASSWORD_LENGTH,
  type PortalContact,
  type PortalSignIn,
  redeemSignInLink,
  requestSignInLink,
  setContactPassword,
  signInWithPassword,
  signOut,
} from './portal-auth.service.js';
import { portalCasesRoutes } from './portal-cases.routes.js';
import { currentContact, portalSignedOut } from './portal-request.js';

export const PORTAL_COOKIE = 'casedesk_portal';
/** The portal cookie is sent to the portal API only. */
const COOKIE_PATH = '/api/v1/portal';
const PUBLIC_PATHS = new Set(['/auth/link', '/auth/link/redeem', '/auth/login', '/auth/logout']);

/**
 * The customer portal API at /api/v1/portal: its own principal (a contact), its own cookie and
 * sessions. It never accepts an engineer's session or token, and the engineer sign-in never
 * accepts a portal session.
 */
export function portalRoutes(deps: AppDeps): FastifyPluginAsyncZod {
  return async (app) => {
    app.decorateRequest('portalContact', null);
    app.addHook('onRequest', async (request) => {
      const path = (request.url.split('?')[0] ?? '').slice(COOKIE_PATH.length);
      if (PUBLIC_PATHS.has(path)) return;
      request.portalContact = await contactForSession(deps, request.cookies[PORTAL_COOKIE]);
      if (!request.portalContact) throw portalSignedOut();
    });

    const meView = async (contact: PortalContact) => ({
      id: contact.id,
      name: contact.name,
      email: contact.email,
      account: contact.accountName,
      hasPassword: Boolean((await findContactById(deps.db, contact.id))?.passwordHash),
    });
    const startSession = async (
      reply: { setCookie: (n: string, v: string, o: object) => unknown },
      signIn: PortalSignIn,
    ) => {
      reply.setCookie(PORTAL_COOKIE, signIn.secret, {
        path: COOKIE_PATH,
        httpOnly: true,
        sameSite: 'lax',
        secure: deps.config.publicUrl?.startsWith('https:') ?? false,
        expires: signIn.expiresAt,
      });
      return meView(signIn.contact);
    };
    const tags = ['portal'];

    app.post(
      '/auth/link',
      {
        config: { rateLimit: { max: 5, timeWindow: '1 minute' } },
        schema: {
          tags,
          summary: 'Mail a one-time sign-in link (always 202: nothing tells whether the address is known)',
          body: z.object({
            email: z.string().trim().min(3).max(320),
            locale: z.enum(['zh-CN', 'en']).optional(),
          }),
          response: { 202: z.object({ accepted: z.literal(true) }), 429: problemSchema },
        },
      },
      async (request, reply) => {
        await requestSignInLink(deps, request.body.email, request.body.locale);
        return reply.code(202).send({ accepted: true });
      },
    );

    app.post(
      '/auth/link/redeem',
      {
        config: { rateLimit: { max: 20, timeWindow: '1 minute' } },
        schema: {
          tags,
          summary:
            'Sign in with the token of a sign-in link (once, within 30 minutes); sets the portal cookie',
          body: z.object({ token: z.string().min(10).max(200) }),
          response: { 200: portalContactSchema, 401: problemSchema },
        },
      },
      async (request, reply) => startSession(reply, await redeemSignInLink(deps, request.body.token)),
    );

    app.post(
      '/auth/login',
      {
        config: { rateLimit: { max: 10, timeWindow: '1 minute' } },
        schema: {
          tags,
          summary: 'Sign in with email and portal password; sets the portal cookie',
          body: z.object({ email: z.string().trim().min(3).max(320), password: z.string().min(1).max(200) }),
          response: { 200: portalContactSchema, 401: problemSchema, 429: problemSchema },
        },
      },
      async (request, reply) =>
        startSession(reply, await signInWithPassword(deps, request.body.email, request.body.password)),
    );

    app.post(
      '/auth/logout',
      { schema: { tags, summary: 'Sign out of the portal', response: { 204: z.null() } } },
      async (request, reply) => {
        await signOut(deps, request.cookies[PORTAL_COOKIE]);
        reply.clearCookie(PORTAL_COOKIE, { path: COOKIE_PATH });
        return reply.code(204).send(null);
      },
    );

    app.get(
      '/me',
      {
        schema: {
          tags,
          summary: 'The signed-in contact and account',
          response: { 200: portalContactSchema },
        },
      },
      async (request) => meView(currentContact(request)),
    );

    app.put(
      '/password',
      {
        config: { rateLimit: { max: 10, timeWindow: '1 minute' } },
        schema: {
          tags,
          summary: `Set or change the signed-in contact's password (at least ${MIN_PASSWORD_LENGTH} characters)`,
          body: z.object({ password: z.string().max(200) }),
          response: { 204: z.null(), 400: problemSchema },
        },
      },
      async (request, reply) => {
        await setContactPassword(deps, currentContact(request).id, request.body.password);
        return reply.code(204).send(null);
      },
    );

    await app.register(portalCasesRoutes(deps));
  };
}
