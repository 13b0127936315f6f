import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../api/api-client.js';
import type { Activity, CaseDetail, Status } from '../api/api-types.js';

/** How often an open case page asks the server for news (new mail, a colleague's note). */
export const LIVE_INTERVAL_MS = 5_000;

export function useCase(number: string) {
  return useQuery({
    queryKey: ['case', number],
    queryFn: () => api<CaseDetail>(`/cases/${encodeURIComponent(number)}`),
    refetchInterval: LIVE_INTERVAL_MS,
    refetchIntervalInBackground: false,
    // Fresh for a moment, so the answer fetched while the page's code loaded is not fetched again
    // on mount; news still arrives every LIVE_INTERVAL_MS and after every action (invalidation).
    staleTime: 2_000,
  });
}

/** Every case action: post, then refresh the case and the queues that list it. */
function useCaseMutation<TBody, TResult>(number: string, path: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: TBody) =>
      api<TResult>(`/cases/${encodeURIComponent(number)}${path}`, { method: 'POST', body }),
    onSuccess: async (result) => {
      if (result && typeof result === 'object' && 'timeline' in result)
        client.setQueryData(['case', number], result);
      await client.invalidateQueries({ queryKey: ['case', number] });
      await client.invalidateQueries({ queryKey: ['cases'] });
    },
  });
}

export const useAddNote = (number: string) => useCaseMutation<{ text: string }, Activity>(number, '/notes');

export const useLogCall = (number: string) =>
  useCaseMutation<{ outcome: 'reached' | 'no_answer'; note: string; callee?: string }, Activity>(
    number,
    '/calls',
  );

export const useTransfer = (number: string) =>
  useCaseMutation<{ to: string; note: string }, CaseDetail>(number, '/transfer');

export const useChangeStatus = (number: string) =>
  useCaseMutation<{ status: Status; note?: string }, CaseDetail>(number, '/status');
