/** A failed API call, carrying the problem+json body the server sends for every error. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

type Problem = { code?: string; detail?: string; title?: string };

/** Calls the CaseDesk API with the session cookie; JSON in, JSON out, problems thrown as ApiError. */
export async function api<T>(path: string, init: { method?: string; body?: unknown } = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`/api/v1${path}`, {
    method: init.method ?? 'GET',
    headers,
    credentials: 'same-origin',
    ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
  });
  if (res.status === 204) return null as T;
  const text = await res.text();
  const data: unknown = text ? JSON.parse(text) : null;
  if (!res.ok) {
    const problem = (data ?? {}) as Problem;
    throw new ApiError(
      res.status,
      problem.code ?? `http.${res.status}`,
      problem.detail ?? problem.title ?? res.statusText,
    );
  }
  return data as T;
}

/** Builds a query string from defined values; arrays become comma-separated lists. */
export function queryString(params: Record<string, string | number | string[] | undefined | null>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined || value === null || value === '') continue;
    if (Array.isArray(value)) {
      if (value.length > 0) search.set(key, value.join(','));
    } else search.set(key, String(value));
  }
  const s = search.toString();
  return s ? `?${s}` : '';
}

export const isUnauthorized = (error: unknown): boolean => error instanceof ApiError && error.status === 401;
