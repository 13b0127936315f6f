import type { QueryClient } from '@tanstack/react-query';
import { api } from '../api/api-client.js';
import type { CaseDetail } from '../api/api-types.js';

/**
 * Opening a case page by its URL: fetch the case and the page's code at once, alongside the
 * sign-in check, instead of one after the other (sign-in → page chunk → case). Same query key and
 * request as useCase, so the page renders from this answer.
 */
export function prefetchCasePage(
  client: QueryClient,
  pathname: string,
  loadPage: () => Promise<unknown>,
): void {
  const match = /^\/cases\/([^/]+)\/?$/.exec(pathname);
  if (!match?.[1]) return;
  const number = decodeURIComponent(match[1]).toUpperCase();
  void loadPage();
  void client.prefetchQuery({
    queryKey: ['case', number],
    queryFn: () => api<CaseDetail>(`/cases/${encodeURIComponent(number)}`),
  });
}
