import type { Priority, Status } from '../api/api-types.js';
import { openStatuses, priorityList, statusList } from '../api/api-types.js';

export const queueIds = ['mine', 'unassigned', 'waiting', 'all', 'breaching', 'attention'] as const;
export type QueueId = (typeof queueIds)[number];

export type CaseFilters = {
  status: Status[];
  priority: Priority[];
  account: string | null;
  /** Engineer name, 'me', 'none' (unassigned) or null (anyone). */
  owner: string | null;
  q: string;
  page: number;
};

/** What each queue shows before the viewer narrows it. */
export function queueDefaults(queue: QueueId): Pick<CaseFilters, 'status' | 'owner'> {
  switch (queue) {
    case 'mine':
      return { status: openStatuses, owner: 'me' };
    case 'unassigned':
      return { status: openStatuses, owner: 'none' };
    case 'waiting':
      return { status: ['waiting_for_customer'], owner: null };
    default:
      return { status: [], owner: null };
  }
}

const csv = <T extends string>(value: string | null, allowed: readonly T[]): T[] | null =>
  value === null ? null : value.split(',').filter((v): v is T => (allowed as readonly string[]).includes(v));

/** Filters live in the URL, so a filtered queue can be bookmarked, shared and reloaded. */
export function filtersFromSearch(queue: QueueId, search: URLSearchParams): CaseFilters {
  const defaults = queueDefaults(queue);
  const page = Number.parseInt(search.get('page') ?? '1', 10);
  return {
    status: csv(search.get('status'), statusList) ?? defaults.status,
    priority: csv(search.get('priority'), priorityList) ?? [],
    account: search.get('account') || null,
    owner: search.has('owner') ? search.get('owner') || null : defaults.owner,
    q: search.get('q') ?? '',
    page: Number.isFinite(page) && page > 0 ? page : 1,
  };
}

export function searchFromFilters(queue: QueueId, filters: CaseFilters): URLSearchParams {
  const defaults = queueDefaults(queue);
  const search = new URLSearchParams();
  if (filters.status.join(',') !== defaults.status.join(',')) search.set('status', filters.status.join(','));
  if (filters.priority.length) search.set('priority', filters.priority.join(','));
  if (filters.account) search.set('account', filters.account);
  if (filters.owner !== defaults.owner) search.set('owner', filters.owner ?? '');
  if (filters.q) search.set('q', filters.q);
  if (filters.page > 1) search.set('page', String(filters.page));
  return search;
}

export const PAGE_SIZE = 50;

export function apiQueryFor(filters: CaseFilters): Record<string, string | number | string[] | undefined> {
  return {
    status: filters.status,
    priority: filters.priority,
    account: filters.account ?? undefined,
    owner: filters.owner ?? undefined,
    q: filters.q || undefined,
    page: filters.page,
    pageSize: PAGE_SIZE,
  };
}
