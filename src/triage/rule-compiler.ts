import { DomainError } from '../platform/errors.js';
import { describeErrorCode, formatErrorCode, parseErrorCode } from './error-codes.js';
import { type CompiledRule, ruleSchema } from './rule-schema.js';
import { builtinRuleSpecs } from './rules/index.js';

/**
 * Validates rule specs and compiles their regexes. Specific rules come first, fallback rules
 * last, so a fallback only sees lines no specific rule claimed.
 */
export function compileRules(specs: readonly unknown[]): CompiledRule[] {
  const ids = new Set<string>();
  const rules = specs.map((raw, i) => {
    const parsed = ruleSchema.safeParse(raw);
    if (!parsed.success) {
      throw new DomainError('triage.bad_rule', `Rule #${i + 1} is invalid: ${parsed.error.message}`);
    }
    const spec = parsed.data;
    if (ids.has(spec.id)) throw new DomainError('triage.bad_rule', `Duplicate rule id ${spec.id}`);
    ids.add(spec.id);
    const patterns = spec.patterns.map((p) => {
      try {
        return { ...p, re: new RegExp(p.regex, p.flags ?? '') };
      } catch (err) {
        throw new DomainError(
          'triage.bad_rule',
          `Rule ${spec.id}: bad regex ${p.regex}: ${(err as Error).message}`,
        );
      }
    });
    const ignored = new Set(
      (spec.ignoreCodes ?? []).map((c) => {
        const v = parseErrorCode(c);
        return describeErrorCode(c)?.code ?? (v === null ? c : formatErrorCode(v));
      }),
    );
    return { ...spec, patterns, ignored };
  });
  return [...rules.filter((r) => !r.fallback), ...rules.filter((r) => r.fallback)];
}

let builtin: CompiledRule[] | undefined;

/** The built-in rules, compiled once. */
export function builtinRules(): CompiledRule[] {
  builtin ??= compileRules(builtinRuleSpecs);
  return builtin;
}
