import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { currentEngineer } from '../auth/auth.plugin.js';
import { getCase } from '../cases/cases.repo.js';
import { caseDetailSchema } from '../cases/cases.schemas.js';
import { engineerActor } from '../cases/cases.service.js';
import type { AppDeps } from '../platform/http/app-deps.js';
import { caseNumberParam, priorities, problemSchema } from '../platform/http/schemas.js';
import { listCaseLinks, mergedIntoNumber } from './case-links.repo.js';
import { closeCase, draftClosureSummary } from './close-case.js';
import { listClosures } from './closure.repo.js';
import { mergeCase } from './merge-case.js';
import { reopenCase } from './reopen-case.js';
import { getScope, sendScopeAgreement, setScope } from './scope.service.js';
import { splitCase } from './split-case.js';
import {
  addressSchema,
  caseLinkSchema,
  closureSchema,
  scopeInputSchema,
  scopeSchema,
  variablesSchema,
} from './workflow.schemas.js';
import { workflowDeps } from './workflow-deps.js';
import { closureReasons, locales } from './workflow-labels.js';

const errors = { 400: problemSchema, 404: problemSchema, 409: problemSchema };
const activityId = z.uuid();

const draftBody = z.object({
  reason: z.enum(closureReasons),
  locale: z.enum(locales).optional(),
  problemDescription: z.string().max(20_000).optional(),
  rootCause: z.string().max(20_000).optional(),
  fix: z.string().max(20_000).optional(),
  remediationActivityId: activityId.optional(),
  variables: variablesSchema.optional(),
});

const sentSchema = z.object({
  activityId: z.string(),
  text: z.string(),
  to: z.array(z.object({ name: z.string().nullable(), address: z.string().nullable() })),
});

/** Scope agreement, closure and reopening, split and merge of cases. */
export function workflowRoutes(deps: AppDeps): FastifyPluginAsyncZod {
  const wdeps = workflowDeps(deps);
  const actorOf = (request: Parameters<typeof currentEngineer>[0]) => engineerActor(currentEngineer(request));

  return async (app) => {
    app.get(
      '/cases/:caseNumber/scope',
      {
        schema: {
          tags: ['workflow'],
          summary: 'The scope agreed with the customer',
          params: caseNumberParam,
          response: { 200: scopeSchema, ...errors },
        },
      },
      async (request) => getScope(wdeps, request.params.caseNumber),
    );

    app.put(
      '/cases/:caseNumber/scope',
      {
        schema: {
          tags: ['workflow'],
          summary: "Record or replace the scope agreement; its cadence becomes the case's follow-up cadence",
          params: caseNumberParam,
          body: scopeInputSchema,
          response: { 200: scopeSchema, ...errors },
        },
      },
      async (request) => setScope(wdeps, actorOf(request), request.params.caseNumber, request.body),
    );

    app.post(
      '/cases/:caseNumber/scope/send',
      {
        schema: {
          tags: ['workflow'],
          summary: 'Mail the scope agreement to the customer from the scope_agreement template',
          params: caseNumberParam,
          body: z.object({
            to: z.array(addressSchema).optional().describe("Default: the case's customers"),
            cc: z.array(addressSchema).optional(),
            locale: z.enum(locales).optional(),
            variables: variablesSchema.optional(),
            text: z
              .string()
              .min(1)
              .max(100_000)
              .optional()
              .describe('The edited text; default the rendered template'),
          }),
          response: { 201: sentSchema, ...errors },
        },
      },
      async (request, reply) =>
        reply
          .code(201)
          .send(await sendScopeAgreement(wdeps, actorOf(request), request.params.caseNumber, request.body)),
    );

    app.post(
      '/cases/:caseNumber/closure/draft',
      {
        schema: {
          tags: ['workflow'],
          summary: 'Draft the closure summary from the case (nothing is stored)',
          params: caseNumberParam,
          body: draftBody,
          response: {
            200: z.object({
              locale: z.enum(locales),
              stage: z.string(),
              text: z.string(),
              missing: z.array(z.string()),
              facts: z.object({
                problemDescription: z.string().optional(),
                rootCause: z.string().optional(),
                fix: z.string().optional(),
                sources: z.record(z.string(), z.string().nullable()),
              }),
            }),
            ...errors,
          },
        },
      },
      async (request) =>
        draftClosureSummary(wdeps, actorOf(request), request.params.caseNumber, request.body),
    );

    app.post(
      '/cases/:caseNumber/close',
      {
        schema: {
          tags: ['workflow'],
          summary: "Close with a reason, the customer's consent and a summary (optionally mailed)",
          params: caseNumberParam,
          body: draftBody.extend({
            consentActivityId: activityId.optional().describe("The customer's inbound mail that agreed"),
            noConsent: z.boolean().optional().describe('Only for no_response and duplicate'),
            summary: z.string().max(100_000).optional().describe('The edited summary; default the draft'),
            send: z
              .union([
                z.literal(false),
                z.object({ to: z.array(addressSchema).optional(), cc: z.array(addressSchema).optional() }),
              ])
              .optional(),
          }),
          response: {
            200: z.object({ closure: closureSchema, summaryActivityId: z.string().nullable() }),
            ...errors,
          },
        },
      },
      async (request) => closeCase(wdeps, actorOf(request), request.params.caseNumber, request.body),
    );

    app.post(
      '/cases/:caseNumber/reopen',
      {
        schema: {
          tags: ['workflow'],
          summary: 'Reopen a closed case (reason required)',
          params: caseNumberParam,
          body: z.object({ reason: z.string().trim().min(1).max(10_000) }),
          response: { 200: caseDetailSchema, ...errors },
        },
      },
      async (request) => reopenCase(wdeps, actorOf(request), request.params.caseNumber, request.body),
    );

    app.get(
      '/cases/:caseNumber/closures',
      {
        schema: {
          tags: ['workflow'],
          summary: 'Every closure of the case, latest first',
          params: caseNumberParam,
          response: { 200: z.object({ items: z.array(closureSchema) }), ...errors },
        },
      },
      async (request) => {
        const c = await getCase(deps.db, request.params.caseNumber);
        return { items: await listClosures(deps.db, c.id) };
      },
    );

    app.post(
      '/cases/:caseNumber/split',
      {
        schema: {
          tags: ['workflow'],
          summary: 'Split a new case off this one from chosen mails (copied; both cases linked)',
          params: caseNumberParam,
          body: z.object({
            activityIds: z.array(activityId).min(1).max(500),
            title: z.string().trim().min(1).max(500),
            priority: z.enum(priorities).optional(),
          }),
          response: {
            201: z.object({ parent: z.string(), child: z.string(), copied: z.number() }),
            ...errors,
          },
        },
      },
      async (request, reply) =>
        reply
          .code(201)
          .send(await splitCase(wdeps, actorOf(request), request.params.caseNumber, request.body)),
    );

    app.post(
      '/cases/:caseNumber/merge',
      {
        schema: {
          tags: ['workflow'],
          summary: 'Merge this case into another; its number and token then lead to the survivor',
          params: caseNumberParam,
          body: z.object({
            into: caseNumberParam.shape.caseNumber,
            note: z.string().max(10_000).optional(),
          }),
          response: {
            200: z.object({ merged: z.string(), into: z.string(), moved: z.number() }),
            ...errors,
          },
        },
      },
      async (request) => mergeCase(wdeps, actorOf(request), request.params.caseNumber, request.body),
    );

    app.get(
      '/cases/:caseNumber/links',
      {
        schema: {
          tags: ['workflow'],
          summary: 'Cases split from, merged into or following up this one',
          params: caseNumberParam,
          response: {
            200: z.object({ mergedInto: z.string().nullable(), items: z.array(caseLinkSchema) }),
            ...errors,
          },
        },
      },
      async (request) => {
        const c = await getCase(deps.db, request.params.caseNumber);
        return {
          mergedInto: await mergedIntoNumber(deps.db, c.id),
          items: await listCaseLinks(deps.db, c.id),
        };
      },
    );
  };
}
