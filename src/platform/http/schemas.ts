import { z } from 'zod';

/** Shared API schemas: one definition feeds validation and the OpenAPI document. */
export const problemSchema = z
  .object({ type: z.string(), title: z.string(), status: z.number(), detail: z.string(), code: z.string() })
  .loose()
  .describe('RFC 9457 problem details');

export const priorities = ['P1', 'P2', 'P3', 'P4'] as const;
export const statuses = ['new', 'in_progress', 'waiting_for_customer', 'resolved', 'closed'] as const;

export const caseNumberParam = z.object({
  caseNumber: z.string().regex(/^CAS-\d{5}-[0-9A-Z]{6}$/, 'a case number like CAS-04814-C9T9D0'),
});

/** Comma-separated or repeated query values, e.g. `status=new,in_progress`. */
export const csvEnum = <T extends readonly [string, ...string[]]>(values: T) =>
  z.preprocess(
    (v) =>
      v === undefined
        ? undefined
        : (Array.isArray(v) ? v : [v]).flatMap((s) => String(s).split(',')).filter(Boolean),
    z.array(z.enum(values)).optional(),
  );
