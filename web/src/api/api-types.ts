import type { z } from 'zod';
import type {
  activitySchema,
  caseDetailSchema,
  caseSummarySchema,
} from '../../../src/cases/cases.schemas.js';
import type { priorities, statuses } from '../../../src/platform/http/schemas.js';
import type {
  caseLinkSchema,
  closureSchema,
  scopeInputSchema,
  scopeSchema,
} from '../../../src/workflow/workflow.schemas.js';

// Types come from the server's own zod schemas (type-only imports: nothing of the server is bundled).
export type CaseSummary = z.infer<typeof caseSummarySchema>;
export type CaseDetail = z.infer<typeof caseDetailSchema>;
export type Activity = z.infer<typeof activitySchema>;
export type Priority = (typeof priorities)[number];
export type Status = (typeof statuses)[number];
export type Scope = z.infer<typeof scopeSchema>;
export type ScopeInput = z.input<typeof scopeInputSchema>;
export type Closure = z.infer<typeof closureSchema>;
export type CaseLink = z.infer<typeof caseLinkSchema>;

export const priorityList: readonly Priority[] = ['P1', 'P2', 'P3', 'P4'];
export const statusList: readonly Status[] = [
  'new',
  'in_progress',
  'waiting_for_customer',
  'resolved',
  'closed',
];
export const openStatuses: Status[] = ['new', 'in_progress', 'waiting_for_customer'];

/** As GET /auth/me and /engineers answer (src/auth/auth.routes.ts engineerSchema). */
export type Engineer = {
  id: string;
  name: string;
  email: string | null;
  role: 'admin' | 'engineer';
  active: boolean;
};

export type CasePage = { items: CaseSummary[]; page: number; pageSize: number; hasMore: boolean };

export type Account = {
  id: string;
  name: string;
  fullName: string | null;
  domains: string[];
  createdAt: string;
};

export type Contact = {
  id: string;
  accountId: string | null;
  accountName: string | null;
  name: string;
  email: string | null;
  phone: string | null;
};

export type AppNotification = {
  id: string;
  kind: string;
  message: string;
  caseNumber: string | null;
  createdAt: string;
  readAt: string | null;
};

export const caseNumberPattern = /^CAS-\d{5}-[0-9A-Z]{6}$/;
