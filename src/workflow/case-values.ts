import type { Participant } from '../cases/cases.repo.js';
import type { CaseDetail } from '../cases/cases.service.js';
import type { TemplateValues } from '../kb/template-variables.js';
import type { TemplateLocale } from '../kb/workflow.tables.js';
import type { EmailAddress } from '../platform/db/schema.js';
import type { CaseScope } from './scope.repo.js';
import { closureConditionsText, contactChannelsText } from './workflow-labels.js';

/** Days after closure within which a customer's reply reopens the case (else: a new, linked case). */
export const REOPEN_WINDOW_DAYS = 14;

/** The customers a reply goes to: the case's customer contacts with an address, else the last inbound sender. */
export function customerRecipients(detail: Pick<CaseDetail, 'participants' | 'timeline'>): EmailAddress[] {
  const customers = detail.participants.filter((p) => p.role === 'customer' && p.email);
  if (customers.length > 0) return customers.map((p) => ({ name: p.name, address: p.email }));
  const lastInbound = [...detail.timeline]
    .reverse()
    .find((a) => a.email?.direction === 'inbound' && a.email.from.address);
  return lastInbound?.email ? [lastInbound.email.from] : [];
}

function customerName(participants: Participant[], detail: Pick<CaseDetail, 'timeline'>): string | undefined {
  // Those we can mail are the ones a reply is addressed to; the others may be colleagues or a helpdesk.
  const customers = participants.filter((p) => p.role === 'customer');
  const reachable = customers.filter((p) => p.email);
  const named = (reachable.length > 0 ? reachable : customers).map((p) => p.name);
  if (named.length > 0) return named.join(' & ');
  const inbound = detail.timeline.find((a) => a.email?.direction === 'inbound' && a.email.from.name);
  return inbound?.email?.from.name ?? undefined;
}

/**
 * Template values known from the case itself: its fields, its customer, the writing engineer and the
 * scope agreement. Values the caller gives (upload credentials, KB links, steps …) are laid over these.
 *
 * @example
 * caseTemplateValues({ detail, scope, engineer: { name: 'Li Qi', email: null }, locale: 'zh-CN' }).caseNumber
 * // 'CAS-04814-C9T9D0'
 */
export function caseTemplateValues(input: {
  detail: CaseDetail;
  scope: CaseScope | null;
  engineer: { name: string; email: string | null } | null;
  locale: TemplateLocale;
}): TemplateValues {
  const { detail, scope, engineer, locale } = input;
  const values: TemplateValues = {
    caseNumber: detail.number,
    title: detail.title,
    priority: detail.priority,
    trackingToken: detail.trackingToken,
    reopenDays: String(REOPEN_WINDOW_DAYS),
  };
  if (detail.account) values.account = detail.account;
  const customer = customerName(detail.participants, detail);
  if (customer) values.customerName = customer;
  const writer = engineer ?? (detail.owner ? { name: detail.owner.name, email: null } : null);
  if (writer) values.engineerName = writer.name;
  if (writer?.email) values.engineerEmail = writer.email;
  if (scope) {
    values.problemDefinition = scope.problemDefinition;
    values.scope = scope.scope;
    values.closureConditions = closureConditionsText(scope.closureConditions, locale);
    values.contactChannels = contactChannelsText(scope.contactChannels, locale);
    if (scope.cadenceBusinessDays !== null) values.cadenceBusinessDays = String(scope.cadenceBusinessDays);
    if (scope.hotline) values.hotline = scope.hotline;
  }
  return values;
}

/** Lays caller values over case values; an empty string given by the caller clears a value. */
export function mergeValues(base: TemplateValues, given: TemplateValues | undefined): TemplateValues {
  const out: TemplateValues = { ...base };
  for (const [k, v] of Object.entries(given ?? {}) as [keyof TemplateValues, string | undefined][]) {
    if (v === undefined) continue;
    if (v === '') delete out[k];
    else out[k] = v;
  }
  return out;
}
