import { type QueryClient, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, isUnauthorized } from '../api/api-client.js';
import type { Engineer } from '../api/api-types.js';

/** The signed-in engineer, or null when nobody is signed in. */
export function useMe() {
  return useQuery({
    queryKey: ['me'],
    queryFn: async (): Promise<Engineer | null> => {
      try {
        return await api<Engineer>('/auth/me');
      } catch (error) {
        if (isUnauthorized(error)) return null;
        throw error;
      }
    },
    staleTime: Number.POSITIVE_INFINITY,
  });
}

export function useSignIn() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: { login: string; password: string }) =>
      api<Engineer>('/auth/login', { method: 'POST', body }),
    onSuccess: (engineer) => {
      forgetAllButMe(client);
      client.setQueryData(['me'], engineer);
    },
  });
}

export function useSignOut() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: () => api<null>('/auth/logout', { method: 'POST' }),
    onSettled: () => {
      client.setQueryData(['me'], null);
      forgetAllButMe(client);
    },
  });
}

/** Another person's data must not survive a sign-in or sign-out; the 'me' query stays observed. */
function forgetAllButMe(client: QueryClient): void {
  client.removeQueries({ predicate: (query) => query.queryKey[0] !== 'me' });
}
