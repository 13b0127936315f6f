import { changeStatus, getCaseDetail } from '../cases/cases.service.js';
import { type Actor, insertActivity } from '../cases/timeline.repo.js';
import { renderTemplate } from '../kb/template-render.js';
import type { TemplateValues, TemplateVariable } from '../kb/template-variables.js';
import { getReplyTemplate } from '../kb/templates.service.js';
import type { ClosureReason, TemplateLocale } from '../kb/workflow.tables.js';
import type { EmailAddress } from '../platform/db/schema.js';
import { conflict, invalid } from '../platform/errors.js';
import { mergedIntoNumber } from './case-links.repo.js';
import { caseTemplateValues, customerRecipients, mergeValues } from './case-values.js';
import { type CaseClosure, insertClosure, listClosures } from './closure.repo.js';
import { type ClosureFacts, draftClosureFacts } from './closure-draft.js';
import { findScope } from './scope.repo.js';
import { actorEngineer, type WorkflowDeps } from './workflow-deps.js';
import { closureReasonText } from './workflow-labels.js';

type ReadDeps = Pick<WorkflowDeps, 'db' | 'clock' | 'trackingPrefix'>;

export type DraftInput = {
  reason: ClosureReason;
  locale?: TemplateLocale;
  problemDescription?: string;
  rootCause?: string;
  fix?: string;
  /** The mail whose steps fixed it; defaults to the engineer's latest mail with content. */
  remediationActivityId?: string;
  variables?: TemplateValues;
};

export type ClosureDraft = {
  locale: TemplateLocale;
  stage: string;
  text: string;
  missing: TemplateVariable[];
  facts: ClosureFacts;
};

/** Drafts the closure summary from the case for the engineer to edit (nothing is stored). */
export async function draftClosureSummary(
  deps: ReadDeps,
  actor: Actor,
  caseNumber: string,
  input: DraftInput,
): Promise<ClosureDraft> {
  const detail = await getCaseDetail(deps, caseNumber);
  const scope = await findScope(deps.db, detail.id);
  const locale = input.locale ?? scope?.locale ?? 'zh-CN';
  if (input.remediationActivityId) {
    const named = detail.timeline.find((a) => a.id === input.remediationActivityId);
    if (named?.email?.direction !== 'outbound') {
      throw invalid('closure.bad_remediation', 'The remediation mail must be an outbound mail of this case', {
        activityId: input.remediationActivityId,
      });
    }
  }
  const facts = draftClosureFacts({
    scope,
    timeline: detail.timeline,
    rootCause: input.rootCause,
    fix: input.fix,
    problemDescription: input.problemDescription,
    remediationActivityId: input.remediationActivityId,
  });
  const template = await getReplyTemplate(deps, 'closure_summary', locale);
  const engineer = await actorEngineer(deps.db, actor);
  const values = mergeValues(
    {
      ...caseTemplateValues({ detail, scope, engineer, locale }),
      closureReason: closureReasonText(input.reason, locale),
      ...(facts.problemDescription ? { problemDescription: facts.problemDescription } : {}),
      ...(facts.rootCause ? { rootCause: facts.rootCause } : {}),
      ...(facts.fix ? { fix: facts.fix } : {}),
    },
    input.variables,
  );
  const { text, missing } = renderTemplate(template.body, values);
  return { locale, stage: template.stage, text, missing, facts };
}

export type CloseInput = DraftInput & {
  /** The customer's inbound mail on this case that agreed to closing. */
  consentActivityId?: string;
  /** Closing without consent; only for no_response and duplicate. */
  noConsent?: boolean;
  /** The summary as the engineer edited it; drafted from the case when absent. */
  summary?: string;
  /** Mail the summary to the customer (through the outbox) before closing. */
  send?: { to?: EmailAddress[]; cc?: EmailAddress[] } | false;
};

export type CloseResult = { closure: CaseClosure; summaryActivityId: string | null };

/**
 * Closes a case: checks the reason against the scope agreement and the customer's consent, mails
 * the summary when asked, sets the status to closed and records the closure on the timeline.
 */
export async function closeCase(
  deps: WorkflowDeps,
  actor: Actor,
  caseNumber: string,
  input: CloseInput,
): Promise<CloseResult> {
  const detail = await getCaseDetail(deps, caseNumber);
  if (detail.status === 'closed') {
    const into = await mergedIntoNumber(deps.db, detail.id);
    throw conflict(
      'closure.already_closed',
      `${caseNumber} is already closed${into ? ` (merged into ${into})` : ''}`,
    );
  }
  if (input.consentActivityId && input.noConsent) {
    throw invalid('closure.consent_conflict', 'Give either the consenting mail or "no consent", not both');
  }
  if (input.consentActivityId) {
    const consent = detail.timeline.find((a) => a.id === input.consentActivityId);
    if (consent?.type !== 'email' || consent.email?.direction !== 'inbound') {
      throw invalid(
        'closure.bad_consent',
        "The consent must be an inbound mail from the customer on this case (the mail's activity id)",
        { activityId: input.consentActivityId },
      );
    }
  } else if (!input.noConsent) {
    throw invalid(
      'closure.consent_required',
      'Name the customer mail that agreed to closing, or say "no consent"',
    );
  } else if (input.reason !== 'no_response' && input.reason !== 'duplicate') {
    throw invalid(
      'closure.consent_required',
      `Closing as ${input.reason} needs the customer's consent; only no_response and duplicate close without it`,
    );
  }
  const scope = await findScope(deps.db, detail.id);
  if (
    scope &&
    (input.reason === 'solved' || input.reason === 'by_design' || input.reason === 'third_party')
  ) {
    if (!scope.closureConditions.includes(input.reason)) {
      throw invalid(
        'closure.not_agreed',
        `The scope agreement allows closing only when: ${scope.closureConditions.join(', ')}; update the scope first`,
        { agreed: scope.closureConditions },
      );
    }
  }
  let summary = input.summary;
  let stage = '';
  if (summary === undefined) {
    const draft = await draftClosureSummary(deps, actor, caseNumber, input);
    if (draft.missing.length > 0) {
      throw invalid(
        'template.missing_variables',
        `The closure summary needs values for: ${draft.missing.join(', ')} (or give the summary text)`,
        { missing: draft.missing },
      );
    }
    summary = draft.text;
    stage = draft.stage;
  } else {
    stage = (await getReplyTemplate(deps, 'closure_summary', input.locale ?? scope?.locale ?? 'zh-CN')).stage;
  }
  let summaryActivityId: string | null = null;
  if (input.send) {
    if (!summary.trim()) throw invalid('closure.empty_summary', 'The summary to send is empty');
    const to = input.send.to?.length ? input.send.to : customerRecipients(detail);
    if (to.length === 0)
      throw invalid('closure.no_recipient', `${caseNumber} has no customer address; give "to"`);
    const sent = await deps.sendReply(actor, caseNumber, {
      to,
      ...(input.send.cc?.length ? { cc: input.send.cc } : {}),
      text: summary,
      stage,
    });
    summaryActivityId = sent.activityId;
  }
  const engineer = await actorEngineer(deps.db, actor);
  await changeStatus(deps, actor, caseNumber, { status: 'closed', note: `closed: ${input.reason}` });
  const now = deps.clock.now();
  await deps.db.transaction().execute(async (trx) => {
    const closureId = await insertClosure(trx, {
      caseId: detail.id,
      reason: input.reason,
      consentActivityId: input.consentActivityId ?? null,
      noConsent: input.noConsent === true,
      summary,
      summaryActivityId,
      closedBy: engineer?.id ?? null,
      closedAt: now,
    });
    await insertActivity(trx, {
      caseId: detail.id,
      type: 'system',
      actor,
      occurredAt: now,
      payload: {
        event: 'closed',
        closureId,
        reason: input.reason,
        consentActivityId: input.consentActivityId ?? null,
        noConsent: input.noConsent === true,
        summaryActivityId,
      },
    });
  });
  const [closure] = await listClosures(deps.db, detail.id);
  if (!closure) throw new Error('closure vanished');
  return { closure, summaryActivityId };
}
