import { type QueryClient, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { z } from 'zod';
import type {
  portalCaseDetailSchema,
  portalCaseSchema,
  portalContactSchema,
  portalItemSchema,
} from '../../../src/portal/portal.schemas.js';
import { api, isUnauthorized } from '../api/api-client.js';

// Types come from the server's own zod schemas (type-only imports: nothing of the server is bundled).
export type PortalMe = z.infer<typeof portalContactSchema>;
export type PortalCase = z.infer<typeof portalCaseSchema>;
export type PortalCaseDetail = z.infer<typeof portalCaseDetailSchema>;
export type PortalItem = z.infer<typeof portalItemSchema>;
export type CaseState = 'open' | 'closed' | 'all';
export type UploadAccess = { uploadUrl: string; user: string; password: string | null; expiresAt: string };

/** Portal queries live under their own key, apart from the engineers' console. */
const key = (...parts: unknown[]) => ['portal', ...parts];

/** The signed-in customer, or null when nobody is signed in to the portal. */
export function usePortalMe() {
  return useQuery({
    queryKey: key('me'),
    queryFn: async (): Promise<PortalMe | null> => {
      try {
        return await api<PortalMe>('/portal/me');
      } catch (error) {
        if (isUnauthorized(error)) return null;
        throw error;
      }
    },
    staleTime: Number.POSITIVE_INFINITY,
  });
}

/**
 * A sign-in or sign-out replaces whatever the browser knew before: another person's data must not
 * survive it. The 'me' query stays (it is observed; it is overwritten instead).
 */
function signedIn(client: QueryClient, me: PortalMe | null) {
  client.removeQueries({ predicate: (q) => q.queryKey[0] === 'portal' && q.queryKey[1] !== 'me' });
  client.setQueryData(key('me'), me);
}

export function usePortalSignIn() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (input: { email: string; password: string } | { token: string }) =>
      'token' in input
        ? api<PortalMe>('/portal/auth/link/redeem', { method: 'POST', body: input })
        : api<PortalMe>('/portal/auth/login', { method: 'POST', body: input }),
    onSuccess: (me) => signedIn(client, me),
  });
}

export function useRequestLink() {
  return useMutation({
    mutationFn: (body: { email: string; locale: 'zh-CN' | 'en' }) =>
      api<{ accepted: true }>('/portal/auth/link', { method: 'POST', body }),
  });
}

export function usePortalSignOut() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: () => api<null>('/portal/auth/logout', { method: 'POST' }),
    onSettled: () => signedIn(client, null),
  });
}

export function usePortalCases(state: CaseState) {
  return useQuery({
    queryKey: key('cases', state),
    queryFn: () =>
      api<{ items: PortalCase[]; hasMore: boolean }>(`/portal/cases?state=${state}&pageSize=100`),
  });
}

export function usePortalCase(number: string) {
  return useQuery({
    queryKey: key('case', number),
    queryFn: () => api<PortalCaseDetail>(`/portal/cases/${encodeURIComponent(number)}`),
    refetchInterval: 30_000,
  });
}

export function usePortalReply(number: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (text: string) =>
      api<{ activityId: string; status: string }>(`/portal/cases/${encodeURIComponent(number)}/replies`, {
        method: 'POST',
        body: { text },
      }),
    onSuccess: () => client.invalidateQueries({ queryKey: ['portal'] }),
  });
}

export function useUploadAccess(number: string) {
  return useMutation({
    mutationFn: () =>
      api<UploadAccess>(`/portal/cases/${encodeURIComponent(number)}/upload-access`, { method: 'POST' }),
  });
}

export function useSetPortalPassword() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (password: string) => api<null>('/portal/password', { method: 'PUT', body: { password } }),
    onSuccess: () => client.invalidateQueries({ queryKey: key('me') }),
  });
}
