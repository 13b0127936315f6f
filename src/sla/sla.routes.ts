import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { currentEngineer, requireAdmin } from '../auth/auth.plugin.js';
import type { AppDeps } from '../platform/http/app-deps.js';
import { caseNumberParam, priorities, problemSchema } from '../platform/http/schemas.js';
import { breachingCases, getCaseSla, setCaseCadence, setCaseCalendar } from './case-sla.service.js';
import { listPolicies, removeAccountPolicy, setPolicy } from './policies.service.js';
import { breachingCaseSchema, caseSlaSchema, policyInputSchema, policyRowSchema } from './sla.schemas.js';

const errors = { 400: problemSchema, 403: problemSchema, 404: problemSchema };

/** SLA state of cases, "breaching soon", and the policies per priority. */
export function slaRoutes(deps: AppDeps): FastifyPluginAsyncZod {
  const slaDeps = { db: deps.db, clock: deps.clock };
  return async (app) => {
    app.get(
      '/cases/:caseNumber/sla',
      {
        schema: {
          tags: ['sla'],
          summary: 'Due times, time left, follow-up windows and breaches of a case, evaluated now',
          params: caseNumberParam,
          querystring: z.object({
            calendar: z.string().optional().describe('Evaluate on this calendar instead (nothing is stored)'),
          }),
          response: { 200: caseSlaSchema, ...errors },
        },
      },
      async (request) => {
        const view = await getCaseSla(slaDeps, request.params.caseNumber, request.query);
        for (const w of view.warnings) request.log.warn({ calendar: w.calendar, year: w.year }, w.message);
        return view;
      },
    );

    app.put(
      '/cases/:caseNumber/sla/cadence',
      {
        schema: {
          tags: ['sla'],
          summary: "Set the case's follow-up cadence (business days), or null to go back to detection/policy",
          params: caseNumberParam,
          body: z.object({ businessDays: z.number().int().min(1).max(60).nullable() }),
          response: { 200: caseSlaSchema, ...errors },
        },
      },
      async (request) =>
        setCaseCadence(
          slaDeps,
          currentEngineer(request),
          request.params.caseNumber,
          request.body.businessDays,
        ),
    );

    app.put(
      '/cases/:caseNumber/sla/calendar',
      {
        schema: {
          tags: ['sla'],
          summary: 'Give the case its own business calendar, or null for the default calendar',
          params: caseNumberParam,
          body: z.object({ calendar: z.string().min(1).nullable() }),
          response: { 200: caseSlaSchema, ...errors },
        },
      },
      async (request) => setCaseCalendar(slaDeps, request.params.caseNumber, request.body.calendar),
    );

    app.get(
      '/sla/breaching',
      {
        schema: {
          tags: ['sla'],
          summary:
            'Open cases with a due time within the next hours (overdue ones first), from the stored states',
          querystring: z.object({
            withinHours: z.coerce
              .number()
              .min(0)
              .max(24 * 90)
              .default(4),
            includeOverdue: z.enum(['true', 'false']).default('true'),
            owner: z.string().optional().describe('Engineer name, or "me"'),
            limit: z.coerce.number().int().min(1).max(500).default(100),
          }),
          response: { 200: z.object({ items: z.array(breachingCaseSchema) }), 400: problemSchema },
        },
      },
      async (request) => {
        const { owner, includeOverdue, ...rest } = request.query;
        const ownerName = owner === 'me' ? currentEngineer(request).name : owner;
        const items = await breachingCases(slaDeps, {
          ...rest,
          includeOverdue: includeOverdue === 'true',
          ...(ownerName ? { owner: ownerName } : {}),
        });
        return { items };
      },
    );

    app.get(
      '/sla/policies',
      {
        schema: {
          tags: ['sla'],
          summary: 'SLA policies: the default per priority and the accounts’ overrides',
          response: { 200: z.array(policyRowSchema) },
        },
      },
      async () => listPolicies(slaDeps),
    );

    app.put(
      '/sla/policies/:priority',
      {
        schema: {
          tags: ['sla'],
          summary: 'Set the policy of a priority, for everyone or (with ?account=) one account (admins)',
          params: z.object({ priority: z.enum(priorities) }),
          querystring: z.object({ account: z.string().min(1).optional() }),
          body: policyInputSchema,
          response: { 200: policyRowSchema, ...errors },
        },
      },
      async (request) => {
        requireAdmin(request);
        return setPolicy(slaDeps, request.params.priority, {
          ...request.body,
          account: request.query.account ?? null,
        });
      },
    );

    app.delete(
      '/sla/policies/:priority',
      {
        schema: {
          tags: ['sla'],
          summary: "Remove an account's override of a priority's policy (admins)",
          params: z.object({ priority: z.enum(priorities) }),
          querystring: z.object({ account: z.string().min(1) }),
          response: { 204: z.null(), ...errors },
        },
      },
      async (request, reply) => {
        requireAdmin(request);
        await removeAccountPolicy(slaDeps, request.query.account, request.params.priority);
        return reply.code(204).send(null);
      },
    );
  };
}
