import { type QueryClient, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../api/api-client.js';
import type { CaseDetail, CaseLink, Closure, Priority, Scope, ScopeInput } from '../api/api-types.js';
import { useCapabilities } from '../api/capabilities.js';
import type { MailAddress } from './addresses.js';

export const closureReasonList = ['solved', 'by_design', 'third_party', 'no_response', 'duplicate'] as const;
export type ClosureReason = (typeof closureReasonList)[number];
export const closureConditionList = ['solved', 'by_design', 'third_party'] as const;
export const contactChannelList = ['email', 'phone'] as const;
export type MailLocale = 'zh-CN' | 'en';

/** Only no_response and duplicate may close without the customer's consent (src/workflow/close-case.ts). */
export const closesWithoutConsent = (reason: ClosureReason): boolean =>
  reason === 'no_response' || reason === 'duplicate';

/** As uploads.routes.ts answers. */
export type UploadWorkspace = {
  id: string;
  caseNumber: string;
  user: string;
  state: 'active' | 'expired' | 'revoked';
  createdAt: string;
  expiresAt: string;
  revokedAt: string | null;
  uploadUrl: string;
};
export type OpenedWorkspace = UploadWorkspace & { password: string };
export type UploadedFile = {
  id: string;
  user: string;
  fileName: string;
  contentType: string;
  size: number;
  status: 'partial' | 'complete' | 'swept' | 'purged';
  sha256: string | null;
  createdAt: string;
  completedAt: string | null;
};

/** Where each fact of the drafted summary came from (src/workflow/closure-draft.ts), for the engineer to check. */
export type FactSources = {
  problemDescription: 'engineer' | 'scope' | 'first_customer_mail' | 'none';
  rootCause: 'engineer' | 'none';
  fix: 'engineer' | 'remediation_mail' | 'none';
  remediationActivityId: string | null;
};
export type ClosureDraft = {
  locale: MailLocale;
  stage: string;
  text: string;
  missing: string[];
  facts: { sources: FactSources };
};
export type RenderedTemplate = { text: string; missing: string[]; stage: string };
type Address = { name: string | null; address: string | null };

const casePath = (number: string) => `/cases/${encodeURIComponent(number)}`;

/** The workflow routes this server answers; each panel shows only when its route is there. */
export function useWorkflowFeatures() {
  const caps = useCapabilities();
  return {
    scope: caps.has('PUT', '/cases/{caseNumber}/scope'),
    sendScope: caps.has('POST', '/cases/{caseNumber}/scope/send'),
    render: caps.has('POST', '/templates/{key}/{locale}/render'),
    close: caps.has('POST', '/cases/{caseNumber}/close'),
    reopen: caps.has('POST', '/cases/{caseNumber}/reopen'),
    split: caps.has('POST', '/cases/{caseNumber}/split'),
    merge: caps.has('POST', '/cases/{caseNumber}/merge'),
    links: caps.has('GET', '/cases/{caseNumber}/links'),
    uploads: caps.has('POST', '/cases/{caseNumber}/upload-workspaces'),
  };
}

async function refreshCase(client: QueryClient, number: string): Promise<void> {
  await Promise.all([
    client.invalidateQueries({ queryKey: ['case', number] }),
    client.invalidateQueries({ queryKey: ['case-workflow', number] }),
    client.invalidateQueries({ queryKey: ['case-sla', number] }),
    client.invalidateQueries({ queryKey: ['cases'] }),
  ]);
}

/** A workflow action on a case: call, then refresh the case and its workflow panels. */
function useCaseAction<TBody, TResult>(number: string, method: string, path: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: TBody) => api<TResult>(`${casePath(number)}${path}`, { method, body }),
    onSuccess: async (result) => {
      if (result && typeof result === 'object' && 'timeline' in result)
        client.setQueryData(['case', number], result);
      await refreshCase(client, number);
    },
  });
}

export const useSaveScope = (number: string) => useCaseAction<ScopeInput, Scope>(number, 'PUT', '/scope');

export const useSendScope = (number: string) =>
  useCaseAction<
    { text: string; locale: MailLocale; to: MailAddress[] },
    { activityId: string; text: string; to: Address[] }
  >(number, 'POST', '/scope/send');

/** The scope agreement mail as it would go out (a preview; nothing is sent or stored). */
export function useScopePreview(number: string) {
  return useMutation({
    mutationFn: (locale: MailLocale) =>
      api<RenderedTemplate>(`/templates/scope_agreement/${locale}/render`, {
        method: 'POST',
        body: { caseNumber: number },
      }),
  });
}

export type DraftBody = { reason: ClosureReason; rootCause?: string; fix?: string };

export const useClosureDraft = (number: string) =>
  useMutation({
    mutationFn: (body: DraftBody) =>
      api<ClosureDraft>(`${casePath(number)}/closure/draft`, { method: 'POST', body }),
  });

export type CloseBody = DraftBody & {
  consentActivityId?: string;
  noConsent?: boolean;
  summary: string;
  send?: false | { to: MailAddress[] };
};

export const useCloseCase = (number: string) =>
  useCaseAction<CloseBody, { closure: Closure; summaryActivityId: string | null }>(number, 'POST', '/close');

export const useReopenCase = (number: string) =>
  useCaseAction<{ reason: string }, CaseDetail>(number, 'POST', '/reopen');

export const useSplitCase = (number: string) =>
  useCaseAction<
    { activityIds: string[]; title: string; priority?: Priority },
    { parent: string; child: string; copied: number }
  >(number, 'POST', '/split');

export function useMergeCase(number: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: { into: string; note?: string }) =>
      api<{ merged: string; into: string; moved: number }>(`${casePath(number)}/merge`, {
        method: 'POST',
        body,
      }),
    onSuccess: async (result) => {
      await refreshCase(client, number);
      await refreshCase(client, result.into);
    },
  });
}

export const useOpenWorkspace = (number: string) =>
  useCaseAction<{ days?: number }, OpenedWorkspace>(number, 'POST', '/upload-workspaces');

export function useClosures(number: string, enabled: boolean) {
  return useQuery({
    queryKey: ['case-workflow', number, 'closures'],
    queryFn: () => api<{ items: Closure[] }>(`${casePath(number)}/closures`),
    enabled,
  });
}

export function useCaseLinks(number: string, enabled: boolean) {
  return useQuery({
    queryKey: ['case-workflow', number, 'links'],
    queryFn: () => api<{ mergedInto: string | null; items: CaseLink[] }>(`${casePath(number)}/links`),
    enabled,
  });
}

export function useWorkspaces(number: string, enabled: boolean) {
  return useQuery({
    queryKey: ['case-workflow', number, 'workspaces'],
    queryFn: () => api<UploadWorkspace[]>(`${casePath(number)}/upload-workspaces`),
    enabled,
  });
}

export function useUploadedFiles(number: string, enabled: boolean) {
  return useQuery({
    queryKey: ['case-workflow', number, 'uploads'],
    queryFn: () => api<UploadedFile[]>(`${casePath(number)}/uploads`),
    enabled,
    refetchInterval: 15_000,
  });
}
