import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requireAdmin } from '../../auth/auth.plugin.js';
import type { AppDeps } from '../../platform/http/app-deps.js';
import { problemSchema } from '../../platform/http/schemas.js';
import {
  mailSettingsInputSchema,
  mailSettingsViewSchema,
  testMailResultSchema,
} from './mail-settings.schemas.js';
import { mailSettingsView, sendTestMail, updateMailSettings } from './mail-settings.service.js';

const errors = { 400: problemSchema, 403: problemSchema };

/** Mail settings an admin edits (SMTP out, From, IMAP mailboxes) with the receivers' status. Admins only. */
export function mailSettingsRoutes(deps: AppDeps): FastifyPluginAsyncZod {
  const d = { db: deps.db, clock: deps.clock, config: deps.config };
  return async (app) => {
    app.get(
      '/mail/settings',
      {
        schema: {
          tags: ['mail'],
          summary: 'Mail settings in force (passwords never shown), their source, and mail status (admins)',
          response: { 200: mailSettingsViewSchema, ...errors },
        },
      },
      async (request) => {
        requireAdmin(request);
        return mailSettingsView(d);
      },
    );

    app.put(
      '/mail/settings',
      {
        schema: {
          tags: ['mail'],
          summary:
            'Change mail settings (admins): a section left out is kept, null goes back to the environment; takes effect at once',
          body: mailSettingsInputSchema,
          response: { 200: mailSettingsViewSchema, ...errors },
        },
      },
      async (request) => {
        const admin = requireAdmin(request);
        return updateMailSettings(d, admin.id, request.body);
      },
    );

    app.post(
      '/mail/settings/test',
      {
        schema: {
          tags: ['mail'],
          summary: 'Send a test mail through the SMTP server in force, now (admins)',
          body: z.object({ to: z.string().min(3).max(300) }),
          response: { 200: testMailResultSchema, ...errors },
        },
      },
      async (request) => {
        requireAdmin(request);
        return sendTestMail(d, request.body.to);
      },
    );
  };
}
