import { getCase } from '../cases/cases.repo.js';
import { getCaseDetail } from '../cases/cases.service.js';
import { type Actor, insertActivity } from '../cases/timeline.repo.js';
import { renderTemplate } from '../kb/template-render.js';
import type { TemplateValues } from '../kb/template-variables.js';
import { getReplyTemplate } from '../kb/templates.service.js';
import type { TemplateLocale } from '../kb/workflow.tables.js';
import type { EmailAddress } from '../platform/db/schema.js';
import { invalid, notFound } from '../platform/errors.js';
import { caseTemplateValues, customerRecipients, mergeValues } from './case-values.js';
import { type CaseScope, findScope, markScopeSent, type ScopeFields, upsertScope } from './scope.repo.js';
import { applyScopeCadence } from './sla-cadence.adapter.js';
import { actorEngineer, type WorkflowDeps } from './workflow-deps.js';

type Deps = Pick<WorkflowDeps, 'db' | 'clock' | 'trackingPrefix'>;

export async function getScope(deps: Deps, caseNumber: string): Promise<CaseScope> {
  const c = await getCase(deps.db, caseNumber);
  const scope = await findScope(deps.db, c.id);
  if (!scope) throw notFound('scope.not_found', `${caseNumber} has no scope agreement yet`, { caseNumber });
  return scope;
}

const fieldNames: (keyof ScopeFields)[] = [
  'problemDefinition',
  'scope',
  'closureConditions',
  'cadenceBusinessDays',
  'contactChannels',
  'hotline',
  'locale',
];

/**
 * Records (or replaces) the scope agreed with the customer; the timeline shows what changed.
 * A newly agreed cadence also becomes the case's follow-up cadence for the SLA.
 */
export async function setScope(
  deps: Deps,
  actor: Actor,
  caseNumber: string,
  input: ScopeFields,
): Promise<CaseScope> {
  const c = await getCase(deps.db, caseNumber);
  const fields: ScopeFields = {
    ...input,
    problemDefinition: input.problemDefinition.trim(),
    scope: input.scope.trim(),
    closureConditions: [...new Set(input.closureConditions)],
    contactChannels: [...new Set(input.contactChannels)],
    hotline: input.hotline?.trim() || null,
  };
  if (!fields.problemDefinition) throw invalid('scope.empty', 'The problem definition is empty');
  if (!fields.scope) throw invalid('scope.empty', 'The scope is empty');
  const before = await findScope(deps.db, c.id);
  const changed = fieldNames.filter(
    (k) => !before || JSON.stringify(before[k]) !== JSON.stringify(fields[k]),
  );
  if (before && changed.length === 0) return before;
  const engineer = await actorEngineer(deps.db, actor);
  const now = deps.clock.now();
  await deps.db.transaction().execute(async (trx) => {
    await upsertScope(trx, c.id, fields, { engineerId: engineer?.id ?? null, at: now });
    await insertActivity(trx, {
      caseId: c.id,
      type: 'system',
      actor,
      occurredAt: now,
      payload: { event: before ? 'scope_updated' : 'scope_agreed', changed, scope: fields },
    });
  });
  if (fields.cadenceBusinessDays !== null && changed.includes('cadenceBusinessDays')) {
    await applyScopeCadence(deps, engineer, caseNumber, fields.cadenceBusinessDays);
  }
  return getScope(deps, caseNumber);
}

export type SendScopeInput = {
  to?: EmailAddress[];
  cc?: EmailAddress[];
  locale?: TemplateLocale;
  /** Values beyond the case and scope (e.g. uploadUrl); empty strings clear a value. */
  variables?: TemplateValues;
  /** The engineer's edited text; when absent the template is rendered and must be complete. */
  text?: string;
};

/**
 * Sends the scope agreement to the customer as a mail rendered from the `scope_agreement` template
 * (in the scope's language unless another is asked for), and remembers which mail it was.
 */
export async function sendScopeAgreement(
  deps: WorkflowDeps,
  actor: Actor,
  caseNumber: string,
  input: SendScopeInput = {},
): Promise<{ activityId: string; text: string; to: EmailAddress[] }> {
  const detail = await getCaseDetail(deps, caseNumber);
  const scope = await findScope(deps.db, detail.id);
  if (!scope) throw notFound('scope.not_found', `Record the scope of ${caseNumber} before sending it`);
  const locale = input.locale ?? scope.locale;
  const template = await getReplyTemplate(deps, 'scope_agreement', locale);
  let text = input.text;
  if (text === undefined) {
    const engineer = await actorEngineer(deps.db, actor);
    const values = mergeValues(caseTemplateValues({ detail, scope, engineer, locale }), input.variables);
    const rendered = renderTemplate(template.body, values);
    if (rendered.missing.length > 0) {
      throw invalid(
        'template.missing_variables',
        `The scope agreement needs values for: ${rendered.missing.join(', ')}`,
        { missing: rendered.missing },
      );
    }
    text = rendered.text;
  }
  if (!text.trim()) throw invalid('scope.empty_mail', 'The scope agreement mail is empty');
  const to = input.to?.length ? input.to : customerRecipients(detail);
  if (to.length === 0) {
    throw invalid('scope.no_recipient', `${caseNumber} has no customer with a mail address; give "to"`);
  }
  const { activityId } = await deps.sendReply(actor, caseNumber, {
    to,
    ...(input.cc?.length ? { cc: input.cc } : {}),
    text,
    stage: template.stage,
  });
  await markScopeSent(deps.db, detail.id, activityId, deps.clock.now());
  return { activityId, text, to };
}
