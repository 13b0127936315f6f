import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { currentEngineer, requireAdmin } from '../auth/auth.plugin.js';
import { engineerActor } from '../cases/cases.service.js';
import type { AppDeps } from '../platform/http/app-deps.js';
import { caseNumberParam, problemSchema } from '../platform/http/schemas.js';
import { renderTemplateForCase } from '../workflow/render-for-case.js';
import { variablesSchema } from '../workflow/workflow.schemas.js';
import { templateVariableNames, templateVariables } from './template-variables.js';
import {
  createReplyTemplate,
  deleteReplyTemplate,
  getReplyTemplate,
  listReplyTemplates,
  templateLocales,
  updateReplyTemplate,
} from './templates.service.js';

const errors = { 400: problemSchema, 403: problemSchema, 404: problemSchema, 409: problemSchema };

const templateSchema = z.object({
  id: z.string(),
  key: z.string(),
  locale: z.enum(templateLocales),
  name: z.string(),
  stage: z.string().describe('Stage word for the subject of a mail sent from this template'),
  body: z.string().describe('Mustache text: {{variable}}, {{#variable}}shown when set{{/variable}}'),
  builtIn: z.boolean(),
  variables: z.array(z.enum(templateVariableNames)),
  updatedBy: z.string().nullable(),
  updatedAt: z.string(),
});

const keyParams = z.object({ key: z.string().min(1).max(64), locale: z.enum(templateLocales) });
const body = z.string().min(1).max(50_000);

/** Reply templates: every engineer reads and renders them; only admins change them. */
export function templatesRoutes(deps: AppDeps): FastifyPluginAsyncZod {
  const tdeps = { db: deps.db, clock: deps.clock };
  const caseDeps = { ...tdeps, trackingPrefix: deps.config.trackingPrefix };
  return async (app) => {
    app.get(
      '/templates',
      {
        schema: {
          tags: ['templates'],
          summary: 'List reply templates',
          querystring: z.object({ locale: z.enum(templateLocales).optional() }),
          response: { 200: z.object({ items: z.array(templateSchema) }) },
        },
      },
      async (request) => ({ items: await listReplyTemplates(tdeps, request.query) }),
    );

    app.get(
      '/templates/variables',
      {
        schema: {
          tags: ['templates'],
          summary: 'The variables a template may use, with what each holds',
          response: {
            200: z.object({ items: z.array(z.object({ name: z.string(), description: z.string() })) }),
          },
        },
      },
      async () => ({
        items: Object.entries(templateVariables).map(([name, description]) => ({ name, description })),
      }),
    );

    app.get(
      '/templates/:key/:locale',
      {
        schema: {
          tags: ['templates'],
          summary: 'One reply template in one language',
          params: keyParams,
          response: { 200: templateSchema, ...errors },
        },
      },
      async (request) => getReplyTemplate(tdeps, request.params.key, request.params.locale),
    );

    app.post(
      '/templates',
      {
        schema: {
          tags: ['templates'],
          summary: 'Add a reply template (admins)',
          body: z.object({
            key: z.string().regex(/^[a-z][a-z0-9_]{1,63}$/),
            locale: z.enum(templateLocales),
            name: z.string().min(1).max(200),
            stage: z.string().max(100).optional(),
            body,
          }),
          response: { 201: templateSchema, ...errors },
        },
      },
      async (request, reply) => {
        const admin = requireAdmin(request);
        return reply.code(201).send(await createReplyTemplate(tdeps, admin.id, request.body));
      },
    );

    app.patch(
      '/templates/:key/:locale',
      {
        schema: {
          tags: ['templates'],
          summary: 'Change a reply template (admins); built-in ones too',
          params: keyParams,
          body: z.object({
            name: z.string().min(1).max(200).optional(),
            stage: z.string().max(100).optional(),
            body: body.optional(),
          }),
          response: { 200: templateSchema, ...errors },
        },
      },
      async (request) => {
        const admin = requireAdmin(request);
        return updateReplyTemplate(tdeps, admin.id, request.params.key, request.params.locale, request.body);
      },
    );

    app.delete(
      '/templates/:key/:locale',
      {
        schema: {
          tags: ['templates'],
          summary: 'Remove a template an admin added (built-in ones cannot be removed)',
          params: keyParams,
          response: { 204: z.null(), ...errors },
        },
      },
      async (request, reply) => {
        requireAdmin(request);
        await deleteReplyTemplate(tdeps, request.params.key, request.params.locale);
        return reply.code(204).send(null);
      },
    );

    app.post(
      '/templates/:key/:locale/render',
      {
        schema: {
          tags: ['templates'],
          summary: 'Render a template, with a case and given values; lists missing variables',
          params: keyParams,
          body: z.object({
            caseNumber: caseNumberParam.shape.caseNumber.optional(),
            variables: variablesSchema.optional(),
            openUploadWorkspace: z
              .boolean()
              .default(false)
              .describe('Open an upload workspace for the case and fill in its link, user and password'),
          }),
          response: {
            200: z.object({
              key: z.string(),
              locale: z.enum(templateLocales),
              stage: z.string(),
              text: z.string(),
              missing: z
                .array(z.string())
                .describe('Variables without a value; left in the text as {{name}}'),
              values: z.record(z.string(), z.string()),
            }),
            ...errors,
          },
        },
      },
      async (request) =>
        renderTemplateForCase({ ...caseDeps, uploads: deps }, engineerActor(currentEngineer(request)), {
          key: request.params.key,
          openUploadWorkspace: request.body.openUploadWorkspace,
          locale: request.params.locale,
          ...(request.body.caseNumber ? { caseNumber: request.body.caseNumber } : {}),
          ...(request.body.variables ? { variables: request.body.variables } : {}),
        }),
    );
  };
}
