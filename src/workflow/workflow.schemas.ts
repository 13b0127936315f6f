import { z } from 'zod';
import { templateVariableNames } from '../kb/template-variables.js';
import { closureConditions, closureReasons, contactChannels, locales } from './workflow-labels.js';

/** API schemas of the case workflow: one definition feeds validation and the OpenAPI document. */
export const scopeSchema = z
  .object({
    problemDefinition: z.string(),
    scope: z.string(),
    closureConditions: z.array(z.enum(closureConditions)),
    cadenceBusinessDays: z.number().int().nullable(),
    contactChannels: z.array(z.enum(contactChannels)),
    hotline: z.string().nullable(),
    locale: z.enum(locales),
    sentActivityId: z.string().nullable(),
    sentAt: z.string().nullable(),
    updatedBy: z.string().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .describe('The scope agreed with the customer');

export const scopeInputSchema = z.object({
  problemDefinition: z.string().trim().min(1).max(20_000),
  scope: z.string().trim().min(1).max(20_000),
  closureConditions: z.array(z.enum(closureConditions)).min(1).describe('When the case may close'),
  cadenceBusinessDays: z.number().int().min(1).max(30).nullable().default(null),
  contactChannels: z.array(z.enum(contactChannels)).min(1),
  hotline: z.string().trim().max(100).nullable().default(null),
  locale: z.enum(locales).default('zh-CN'),
});

export const addressSchema = z.object({ name: z.string().nullable().default(null), address: z.email() });

const variableShape = Object.fromEntries(
  templateVariableNames.map((n) => [n, z.string().max(50_000).optional()]),
) as Record<(typeof templateVariableNames)[number], z.ZodOptional<z.ZodString>>;
export const variablesSchema = z.object(variableShape).strict().describe('Template values; "" clears one');

export const closureSchema = z.object({
  id: z.string(),
  reason: z.enum(closureReasons),
  consentActivityId: z.string().nullable(),
  noConsent: z.boolean(),
  summary: z.string(),
  summaryActivityId: z.string().nullable(),
  closedBy: z.string().nullable(),
  closedAt: z.string(),
  reopenedAt: z.string().nullable(),
  reopenedBy: z.string().nullable(),
  reopenReason: z.string().nullable(),
});

export const caseLinkSchema = z.object({
  kind: z.enum(['split', 'merged', 'follow_up']),
  direction: z.enum(['to', 'from']),
  caseNumber: z.string(),
  title: z.string(),
  status: z.string(),
  createdAt: z.string(),
});
