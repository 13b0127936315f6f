import { z } from 'zod';
import { timeRangeSchema } from './calendar.schema.js';

/** API schemas of the SLA domain: one definition for validation and the OpenAPI document. */
const warning = z.object({ code: z.string(), year: z.number(), calendar: z.string(), message: z.string() });
const clockStatus = z.enum(['met', 'missed', 'pending', 'overdue', 'paused', 'none']);
const kind = z.enum(['first_response', 'follow_up', 'resolution']);
const clock = z.object({
  kind,
  status: clockStatus,
  dueAt: z.string().nullable(),
  doneAt: z.string().nullable(),
  secondsLeft: z.number().nullable().describe('Real seconds until the due time; negative once past'),
});
const policy = z.object({
  firstResponseHours: z.number(),
  followUpDays: z.number().nullable(),
  resolution: z.object({ value: z.number(), unit: z.enum(['business_hours', 'business_days']) }),
  remindBeforeMinutes: z.number(),
});
export const followUpWindowSchema = z.object({
  promisedAt: z.string(),
  dueAt: z.string(),
  contactedAt: z.string().nullable(),
  met: z.boolean().nullable(),
});

export const caseSlaSchema = z.object({
  caseNumber: z.string(),
  calendar: z.string(),
  priority: z.string(),
  policy,
  cadence: z.object({
    businessDays: z.number().nullable(),
    source: z.enum(['engineer', 'detected', 'policy']).nullable(),
  }),
  evaluatedAt: z.string(),
  firstResponse: clock.extend({
    openedAt: z.string().nullable(),
    elapsedSeconds: z.number().nullable(),
    businessSeconds: z.number().nullable(),
  }),
  followUp: clock.extend({ promisedAt: z.string() }).nullable(),
  followUps: z.array(followUpWindowSchema),
  resolution: clock.extend({
    businessSecondsUsed: z.number(),
    businessSecondsBudget: z.number(),
    pausedSince: z.string().nullable(),
  }),
  breaches: z.array(z.object({ kind, dueAt: z.string(), recordedAt: z.string().nullable() })),
  warnings: z.array(warning).describe('Years the computation reached without holiday data'),
});

export const breachingCaseSchema = z.object({
  caseNumber: z.string(),
  title: z.string(),
  priority: z.string(),
  status: z.string(),
  owner: z.string().nullable(),
  kind: kind.nullable(),
  dueAt: z.string(),
  secondsLeft: z.number(),
  overdue: z.boolean(),
});

export const policyRowSchema = policy.extend({
  priority: z.enum(['P1', 'P2', 'P3', 'P4']),
  account: z.string().nullable(),
  updatedAt: z.string(),
});

export const policyInputSchema = z.object({
  firstResponseHours: z.number().positive().max(10_000).optional(),
  followUpDays: z.number().int().min(1).max(60).nullable().optional(),
  resolution: z
    .object({ value: z.number().positive().max(100_000), unit: z.enum(['business_hours', 'business_days']) })
    .optional(),
  remindBeforeMinutes: z.number().int().min(0).max(10_080).optional(),
});

const weekHours = z
  .object({
    1: z.array(timeRangeSchema),
    2: z.array(timeRangeSchema),
    3: z.array(timeRangeSchema),
    4: z.array(timeRangeSchema),
    5: z.array(timeRangeSchema),
    6: z.array(timeRangeSchema),
    7: z.array(timeRangeSchema),
  })
  .partial()
  .describe('ISO weekday (1 = Monday … 7 = Sunday) → working-hour ranges');

export const calendarViewSchema = z.object({
  name: z.string(),
  builtin: z.boolean(),
  isDefault: z.boolean(),
  zone: z.string(),
  workingHours: z.record(z.string(), z.array(timeRangeSchema)),
  makeUpDayHours: z.array(timeRangeSchema),
  coveredYears: z.array(z.number()),
  version: z.number(),
  updatedAt: z.string(),
});
const day = z.object({
  kind: z.enum(['holiday', 'workday']),
  name: z.string().optional(),
  hours: z.array(timeRangeSchema).optional(),
});
export const calendarDetailSchema = calendarViewSchema.extend({
  days: z.record(z.string(), day),
  editedDays: z.record(z.string(), day),
});
export const calendarDaySchemaApi = day;
export const newCalendarSchema = z.object({
  name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/),
  zone: z.string().min(1).describe('IANA zone, e.g. Europe/Berlin'),
  workingHours: weekHours.optional(),
  makeUpDayHours: z.array(timeRangeSchema).optional(),
  coveredYears: z.array(z.number().int().min(1900).max(2200)).optional(),
});
export const calendarPatchSchema = newCalendarSchema.omit({ name: true }).partial();
export const calendarImportSchema = z.discriminatedUnion('format', [
  z.object({
    format: z.literal('json'),
    content: z.unknown().describe('holiday-cn JSON, as an object or a string'),
  }),
  z.object({
    format: z.literal('ics'),
    content: z.string().min(1),
    year: z.number().int().min(1900).max(2200).optional(),
  }),
]);
