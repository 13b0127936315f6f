/**
 * The variables a reply template may use. A template naming anything else is refused when saved,
 * so a typo such as `{{caseNumer}}` is caught by the admin, not by a customer reading a blank.
 */
export const templateVariables = {
  caseNumber: 'Case number, e.g. CAS-04814-C9T9D0',
  title: 'Case title',
  account: "Customer's account short name, e.g. ICBC",
  priority: 'Priority, P1–P4',
  trackingToken: 'Tracking token, e.g. CMIT:0001334',
  customerName: 'Name of the customer contact the mail is addressed to',
  engineerName: 'Name of the engineer writing',
  engineerEmail: "The engineer's mail address",
  hotline: 'Support hotline from the scope agreement',
  uploadUrl: 'Address of the log upload site',
  uploadUser: 'Per-case upload user name',
  uploadPassword: 'Per-case upload password',
  kbLinks: 'Knowledge-base links, one per line',
  problemDefinition: 'Problem definition from the scope agreement',
  scope: 'Scope from the scope agreement',
  closureConditions: 'When the case may close, from the scope agreement, in words',
  cadenceBusinessDays: 'Agreed follow-up cadence in business days',
  contactChannels: 'Agreed contact channels, in words',
  remediationSteps: 'Numbered remediation steps',
  problemDescription: 'Problem description for the closure summary',
  rootCause: 'Root cause for the closure summary',
  fix: 'What fixed it, for the closure summary',
  closureReason: 'Why the case closes, in words',
  reopenDays: 'Days within which a customer reply reopens a closed case',
} as const;

export type TemplateVariable = keyof typeof templateVariables;

export const templateVariableNames = Object.keys(templateVariables) as TemplateVariable[];

export const isTemplateVariable = (name: string): name is TemplateVariable =>
  Object.hasOwn(templateVariables, name);

/** Values for a rendering; a missing or empty value counts as not given. */
export type TemplateValues = Partial<Record<TemplateVariable, string>>;
