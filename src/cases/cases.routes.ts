import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { currentEngineer } from '../auth/auth.plugin.js';
import type { AppDeps } from '../platform/http/app-deps.js';
import { caseNumberParam, csvEnum, priorities, problemSchema, statuses } from '../platform/http/schemas.js';
import { listCases } from './cases.repo.js';
import { activitySchema, caseDetailSchema, caseSummarySchema } from './cases.schemas.js';
import {
  addNote,
  type CaseDeps,
  changeStatus,
  createCase,
  engineerActor,
  getCaseDetail,
  logCall,
  transferOwner,
  updateCaseFields,
} from './cases.service.js';

const errors = { 400: problemSchema, 404: problemSchema };

export function casesRoutes(deps: AppDeps): FastifyPluginAsyncZod {
  const caseDeps: CaseDeps = { db: deps.db, clock: deps.clock, trackingPrefix: deps.config.trackingPrefix };
  const actorOf = (request: Parameters<typeof currentEngineer>[0]) => engineerActor(currentEngineer(request));

  return async (app) => {
    app.get(
      '/cases',
      {
        schema: {
          tags: ['cases'],
          summary: 'List cases, most recently updated first',
          querystring: z.object({
            status: csvEnum(statuses),
            priority: csvEnum(priorities),
            account: z.string().optional(),
            owner: z.string().optional().describe('Engineer name, or "none" for unassigned, or "me"'),
            q: z.string().max(200).optional().describe('Text in the case number or title'),
            page: z.coerce.number().int().min(1).default(1),
            pageSize: z.coerce.number().int().min(1).max(200).default(50),
          }),
          response: {
            200: z.object({
              items: z.array(caseSummarySchema),
              page: z.number(),
              pageSize: z.number(),
              hasMore: z.boolean(),
            }),
            400: problemSchema,
          },
        },
      },
      async (request) => {
        const { owner, ...rest } = request.query;
        const ownerName = owner === 'me' ? currentEngineer(request).name : owner;
        const result = await listCases(deps.db, { ...rest, ...(ownerName ? { owner: ownerName } : {}) });
        return { ...result, page: request.query.page, pageSize: request.query.pageSize };
      },
    );

    app.post(
      '/cases',
      {
        schema: {
          tags: ['cases'],
          summary: 'Open a case',
          body: z.object({
            title: z.string().min(1).max(500),
            account: z.string().min(1).optional(),
            priority: z.enum(priorities).default('P3'),
            stage: z.string().max(100).optional(),
            owner: z.string().optional().describe('Engineer name; omit for unassigned'),
            contactIds: z.array(z.string().uuid()).optional(),
            description: z.string().max(100_000).optional(),
          }),
          response: { 201: caseDetailSchema, ...errors },
        },
      },
      async (request, reply) =>
        reply.code(201).send(await createCase(caseDeps, actorOf(request), request.body)),
    );

    app.get(
      '/cases/:caseNumber',
      {
        schema: {
          tags: ['cases'],
          summary: 'A case with its participants and timeline',
          params: caseNumberParam,
          response: { 200: caseDetailSchema, ...errors },
        },
      },
      async (request) => getCaseDetail(caseDeps, request.params.caseNumber),
    );

    app.patch(
      '/cases/:caseNumber',
      {
        schema: {
          tags: ['cases'],
          summary: 'Change title, account, priority or stage',
          params: caseNumberParam,
          body: z.object({
            title: z.string().min(1).max(500).optional(),
            account: z.string().min(1).nullable().optional(),
            priority: z.enum(priorities).optional(),
            stage: z.string().max(100).optional(),
          }),
          response: { 200: caseDetailSchema, ...errors },
        },
      },
      async (request) =>
        updateCaseFields(caseDeps, actorOf(request), request.params.caseNumber, request.body),
    );

    app.post(
      '/cases/:caseNumber/status',
      {
        schema: {
          tags: ['cases'],
          summary: 'Change the status (a closed case can only be reopened to in_progress)',
          params: caseNumberParam,
          body: z.object({ status: z.enum(statuses), note: z.string().max(10_000).optional() }),
          response: { 200: caseDetailSchema, ...errors },
        },
      },
      async (request) => changeStatus(caseDeps, actorOf(request), request.params.caseNumber, request.body),
    );

    app.post(
      '/cases/:caseNumber/transfer',
      {
        schema: {
          tags: ['cases'],
          summary: 'Hand the case to another engineer, with a note',
          params: caseNumberParam,
          body: z.object({
            to: z.string().min(1).describe('Engineer name or email'),
            note: z.string().min(1).max(10_000),
          }),
          response: { 200: caseDetailSchema, ...errors },
        },
      },
      async (request) => transferOwner(caseDeps, actorOf(request), request.params.caseNumber, request.body),
    );

    app.post(
      '/cases/:caseNumber/notes',
      {
        schema: {
          tags: ['cases'],
          summary: 'Add an internal note',
          params: caseNumberParam,
          body: z.object({ text: z.string().min(1).max(100_000) }),
          response: { 201: activitySchema, ...errors },
        },
      },
      async (request, reply) =>
        reply
          .code(201)
          .send(await addNote(caseDeps, actorOf(request), request.params.caseNumber, request.body)),
    );

    app.post(
      '/cases/:caseNumber/calls',
      {
        schema: {
          tags: ['cases'],
          summary: 'Log a phone call (reached or no answer)',
          params: caseNumberParam,
          body: z.object({
            outcome: z.enum(['reached', 'no_answer']),
            note: z.string().max(10_000).default(''),
            callee: z.string().max(200).optional(),
            durationSeconds: z.number().int().min(0).optional(),
            at: z.iso.datetime({ offset: true }).optional().describe('When the call was made; default now'),
          }),
          response: { 201: activitySchema, ...errors },
        },
      },
      async (request, reply) => {
        const { at, ...rest } = request.body;
        const activity = await logCall(caseDeps, actorOf(request), request.params.caseNumber, {
          ...rest,
          ...(at ? { at: new Date(at) } : {}),
        });
        return reply.code(201).send(activity);
      },
    );
  };
}
