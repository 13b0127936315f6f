import type { Activity } from '../cases/timeline.repo.js';
import { splitQuoted } from '../mail/reading/split-quoted.js';
import type { CaseScope } from './scope.repo.js';

export type ClosureFacts = {
  problemDescription?: string;
  rootCause?: string;
  fix?: string;
  /** Where each fact came from, so the engineer knows what to check before sending. */
  sources: {
    problemDescription: 'engineer' | 'scope' | 'first_customer_mail' | 'none';
    rootCause: 'engineer' | 'none';
    fix: 'engineer' | 'remediation_mail' | 'none';
    remediationActivityId: string | null;
  };
};

// A greeting line such as "徐先生，您好：" or "Dear Mr Xu," — not part of the facts.
const GREETING =
  /^\s*(dear\b.{0,60}|hi\b.{0,60}|hello\b.{0,60}|.{0,40}(您好|你好|您们好|你们好|大家好)\s*[:：，,!！]?)\s*$/i;
const RULE = /^\s*[-=_*]{6,}\s*$/;

/** What the writer added in a mail: quoted history, a leading greeting and separator lines removed. */
export function mailFacts(text: string): string {
  const lines = splitQuoted(text).fresh.split(/\r?\n/);
  const firstContent = lines.findIndex((l) => l.trim() !== '');
  if (firstContent >= 0 && GREETING.test(lines[firstContent] ?? '')) lines.splice(firstContent, 1);
  return lines
    .filter((l) => !RULE.test(l))
    .join('\n')
    .replace(/^\s*\n/, '')
    .trim();
}

const withContent = (a: Activity) => a.type === 'email' && (a.email?.text ?? '').trim() !== '';

/**
 * Gathers the facts of a closure summary from the case: the problem from the scope agreement or the
 * customer's first mail; root cause and fix from the engineer, or the fix from the latest remediation
 * mail (the engineer's latest mail with content other than the scope agreement, unless one is named).
 * A fact found nowhere is left out, so rendering reports it as missing rather than inventing it.
 */
export function draftClosureFacts(input: {
  scope: CaseScope | null;
  timeline: Activity[];
  rootCause?: string | undefined;
  fix?: string | undefined;
  problemDescription?: string | undefined;
  remediationActivityId?: string | undefined;
}): ClosureFacts {
  const facts: ClosureFacts = {
    sources: { problemDescription: 'none', rootCause: 'none', fix: 'none', remediationActivityId: null },
  };
  if (input.problemDescription?.trim()) {
    facts.problemDescription = input.problemDescription.trim();
    facts.sources.problemDescription = 'engineer';
  } else if (input.scope) {
    facts.problemDescription = input.scope.problemDefinition;
    facts.sources.problemDescription = 'scope';
  } else {
    const first = input.timeline.find((a) => withContent(a) && a.email?.direction === 'inbound');
    const text = first?.email ? mailFacts(first.email.text) : '';
    if (text) {
      facts.problemDescription = text;
      facts.sources.problemDescription = 'first_customer_mail';
    }
  }
  if (input.rootCause?.trim()) {
    facts.rootCause = input.rootCause.trim();
    facts.sources.rootCause = 'engineer';
  }
  if (input.fix?.trim()) {
    facts.fix = input.fix.trim();
    facts.sources.fix = 'engineer';
  } else {
    const scopeMail = input.scope?.sentActivityId ?? null;
    const remediation = input.remediationActivityId
      ? input.timeline.find((a) => a.id === input.remediationActivityId)
      : [...input.timeline]
          .reverse()
          .find((a) => withContent(a) && a.email?.direction === 'outbound' && a.id !== scopeMail);
    const text = remediation?.email ? mailFacts(remediation.email.text) : '';
    if (remediation && text) {
      facts.fix = text;
      facts.sources.fix = 'remediation_mail';
      facts.sources.remediationActivityId = remediation.id;
    }
  }
  return facts;
}
