import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { getAccount } from '../accounts/accounts.repo.js';
import { currentEngineer } from '../auth/auth.plugin.js';
import type { AppDeps } from '../platform/http/app-deps.js';
import { problemSchema } from '../platform/http/schemas.js';
import { listAccessOfAccount } from './portal-auth.repo.js';
import {
  inviteContact,
  MIN_PASSWORD_LENGTH,
  setContactPassword,
  setPortalEnabled,
} from './portal-auth.service.js';

const contactParam = z.object({ id: z.string().uuid() });
const errors = { 400: problemSchema, 404: problemSchema };
const tags = ['accounts'];

/** Engineers manage contacts' portal access: invite by mail, set a first password, disable. */
export function portalAdminRoutes(deps: AppDeps): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/accounts/:name/portal-access',
      {
        schema: {
          tags,
          summary: "Portal access of each of the account's contacts",
          params: z.object({ name: z.string() }),
          response: {
            200: z.array(
              z.object({
                contactId: z.string(),
                canSignIn: z.boolean(),
                hasPassword: z.boolean(),
                disabled: z.boolean(),
              }),
            ),
            404: problemSchema,
          },
        },
      },
      async (request) => {
        const account = await getAccount(deps.db, request.params.name);
        return (await listAccessOfAccount(deps.db, account.id)).map((c) => ({
          contactId: c.id,
          canSignIn: Boolean(c.email) && !c.disabledAt,
          hasPassword: Boolean(c.passwordHash),
          disabled: Boolean(c.disabledAt),
        }));
      },
    );

    app.post(
      '/contacts/:id/portal-invite',
      {
        config: { rateLimit: { max: 30, timeWindow: '1 minute' } },
        schema: {
          tags,
          summary: 'Mail the contact a one-time portal sign-in link (valid 30 minutes)',
          params: contactParam,
          body: z.object({ locale: z.enum(['zh-CN', 'en']).optional() }).optional(),
          response: { 202: z.object({ email: z.string(), expiresAt: z.string() }), ...errors },
        },
      },
      async (request, reply) => {
        currentEngineer(request);
        return reply.code(202).send(await inviteContact(deps, request.params.id, request.body?.locale));
      },
    );

    app.put(
      '/contacts/:id/portal-password',
      {
        schema: {
          tags,
          summary: `Set the contact's portal password (at least ${MIN_PASSWORD_LENGTH} characters); tell it to them another way`,
          params: contactParam,
          body: z.object({ password: z.string().max(200) }),
          response: { 204: z.null(), ...errors },
        },
      },
      async (request, reply) => {
        currentEngineer(request);
        await setContactPassword(deps, request.params.id, request.body.password);
        return reply.code(204).send(null);
      },
    );

    app.put(
      '/contacts/:id/portal-access',
      {
        schema: {
          tags,
          summary:
            "Enable or disable the contact's portal access (disabling ends its sessions and links at once)",
          params: contactParam,
          body: z.object({ enabled: z.boolean() }),
          response: { 204: z.null(), ...errors },
        },
      },
      async (request, reply) => {
        const engineer = currentEngineer(request);
        await setPortalEnabled(deps, engineer.id, request.params.id, request.body.enabled);
        return reply.code(204).send(null);
      },
    );
  };
}
