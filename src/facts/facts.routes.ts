import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { getCase } from '../cases/cases.repo.js';
import type { AppDeps } from '../platform/http/app-deps.js';
import { caseNumberParam, problemSchema } from '../platform/http/schemas.js';
import { describeFact, factQuery } from './fact-query.js';
import type { CaseFactRow } from './facts.repo.js';
import { listCaseFacts, searchFacts } from './facts.repo.js';
import { listFindings, listTriagedFiles } from './findings.repo.js';

const factKinds = ['kb', 'error_code', 'hash', 'path', 'case_number'] as const;

const factSchema = z.object({
  kind: z.enum(factKinds),
  value: z.string().describe('As first written'),
  normalized: z.string(),
  name: z
    .string()
    .optional()
    .describe('Error codes: the symbolic name, e.g. ERROR_SXS_COMPONENT_STORE_CORRUPT'),
  message: z.string().optional().describe('Error codes: what the code means'),
  algorithm: z.enum(['md5', 'sha1', 'sha256']).optional(),
  fromEmails: z.number().describe('How many emails mention it'),
  fromFindings: z.number().describe('How many triage findings mention it'),
  firstSeen: z.string(),
  lastSeen: z.string(),
});

const findingSchema = z.object({
  id: z.string(),
  triagedFileId: z.string(),
  rule: z.string(),
  severity: z.enum(['error', 'warning', 'info']),
  code: z.string().nullable(),
  codeName: z.string().nullable(),
  message: z.string(),
  file: z.string(),
  line: z.number(),
  excerpt: z.string(),
  facts: z.array(z.object({ kind: z.string(), value: z.string(), normalized: z.string() }).loose()),
  nextStep: z.string(),
  occurrences: z.number(),
  moreLines: z.array(z.number()),
});

const toFactView = (f: CaseFactRow) => {
  const detail = describeFact(f.kind, f.normalized, f.detail);
  return {
    kind: f.kind,
    value: f.value,
    normalized: f.normalized,
    ...(detail.name ? { name: detail.name } : {}),
    ...(detail.message ? { message: detail.message } : {}),
    ...(detail.algorithm ? { algorithm: detail.algorithm } : {}),
    fromEmails: f.fromEmails,
    fromFindings: f.fromFindings,
    firstSeen: f.firstSeen.toISOString(),
    lastSeen: f.lastSeen.toISOString(),
  };
};

/** Triage findings of a case, facts of a case, and fact search across cases. */
export function factsRoutes(deps: AppDeps): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/cases/:caseNumber/findings',
      {
        schema: {
          tags: ['triage'],
          summary: 'Files analysed on this case (uploads and email attachments) and their findings',
          params: caseNumberParam,
          response: {
            200: z.object({
              files: z.array(
                z.object({
                  id: z.string(),
                  source: z.enum(['upload', 'email']),
                  sourceRef: z.string(),
                  fileName: z.string(),
                  sha256: z.string(),
                  status: z.enum(['done', 'refused']),
                  error: z.string().nullable(),
                  findingCount: z.number(),
                  triagedAt: z.string(),
                  entries: z.array(z.object({ file: z.string(), kind: z.string() }).loose()),
                }),
              ),
              findings: z.array(findingSchema),
            }),
            404: problemSchema,
          },
        },
      },
      async (request) => {
        const kase = await getCase(deps.db, request.params.caseNumber);
        const [files, findings] = await Promise.all([
          listTriagedFiles(deps.db, kase.id),
          listFindings(deps.db, kase.id),
        ]);
        return {
          files: files.map(({ files: entries, caseId: _c, triagedAt, ...f }) => ({
            ...f,
            triagedAt: triagedAt.toISOString(),
            entries,
          })),
          findings,
        };
      },
    );

    app.get(
      '/cases/:caseNumber/facts',
      {
        schema: {
          tags: ['triage'],
          summary: 'Facts seen on a case (KBs, error codes with their meaning, hashes, paths, case numbers)',
          params: caseNumberParam,
          querystring: z.object({ kind: z.enum(factKinds).optional() }),
          response: { 200: z.object({ facts: z.array(factSchema) }), 404: problemSchema },
        },
      },
      async (request) => {
        const kase = await getCase(deps.db, request.params.caseNumber);
        return { facts: (await listCaseFacts(deps.db, kase.id, request.query.kind)).map(toFactView) };
      },
    );

    app.get(
      '/facts',
      {
        schema: {
          tags: ['triage'],
          summary: 'Search facts across cases, e.g. ?q=KB5005112 or ?q=0x80073712',
          querystring: z.object({
            q: z.string().trim().min(1).max(300),
            limit: z.coerce.number().int().min(1).max(500).default(100),
          }),
          response: {
            200: z.object({
              items: z.array(
                factSchema.extend({ caseNumber: z.string(), caseTitle: z.string(), caseStatus: z.string() }),
              ),
            }),
            400: problemSchema,
          },
        },
      },
      async (request) => {
        const hits = await searchFacts(deps.db, {
          ...factQuery(request.query.q),
          limit: request.query.limit,
        });
        return {
          items: hits.map((h) => ({
            ...toFactView(h),
            caseNumber: h.caseNumber,
            caseTitle: h.caseTitle,
            caseStatus: h.caseStatus,
          })),
        };
      },
    );
  };
}
