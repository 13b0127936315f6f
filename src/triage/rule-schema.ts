import { z } from 'zod';
import { LOG_KINDS, type LogKind, type Severity } from './triage.types.js';

const kind = z.enum(LOG_KINDS as [LogKind, ...LogKind[]]);
const severity = z.enum(['error', 'warning', 'info']);
export const DERIVE_FUNCTIONS = ['hash', 'powershellPath', 'upper', 'lower', 'short'] as const;

const patternSchema = z
  .object({
    /** Cheap literal prefilter: the regex runs only on lines containing one of these. */
    triggers: z.array(z.string().min(3)).min(1),
    regex: z.string().min(1),
    flags: z
      .string()
      .regex(/^[imsu]*$/)
      .optional(),
    /** Extra lines after the trigger line the regex may span (multi-line CBS entries). */
    lookahead: z.number().int().min(0).max(5).optional(),
    /** Fixed code for this pattern when the regex has no `code` group. */
    code: z.string().optional(),
    severity: severity.optional(),
    /** Message template for this pattern, instead of the rule's. */
    message: z.string().optional(),
  })
  .strict();

export const ruleSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9-]+$/),
    title: z.string().min(1),
    description: z.string().optional(),
    logKinds: z.array(kind).min(1),
    severity,
    patterns: z.array(patternSchema).min(1),
    /** Values computed from named groups before templates are rendered. */
    derive: z
      .array(z.object({ as: z.string(), fn: z.enum(DERIVE_FUNCTIONS), from: z.string() }).strict())
      .optional(),
    message: z.string().min(1),
    nextStep: z.string().min(1),
    /** Facts taken from named groups, on top of those extracted from the excerpt. */
    facts: z
      .array(
        z
          .object({ kind: z.enum(['kb', 'error_code', 'hash', 'path', 'case_number']), from: z.string() })
          .strict(),
      )
      .optional(),
    /** Template of the key that folds repeats into one finding; defaults to the message. */
    dedupeBy: z.string().optional(),
    /** A fallback rule only reports lines no specific rule has claimed (generic error codes). */
    fallback: z.boolean().optional(),
    /** Codes this rule never reports (e.g. success codes). */
    ignoreCodes: z.array(z.string()).optional(),
  })
  .strict();

export type RuleSpec = z.infer<typeof ruleSchema>;
export type PatternSpec = z.infer<typeof patternSchema>;

export type CompiledPattern = PatternSpec & { re: RegExp };
export type CompiledRule = Omit<RuleSpec, 'patterns'> & {
  patterns: CompiledPattern[];
  severity: Severity;
  ignored: Set<string>;
};
