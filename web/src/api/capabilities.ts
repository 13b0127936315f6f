import { useQuery } from '@tanstack/react-query';

/**
 * Which optional API features this server has, read from its OpenAPI document. The console shows a
 * panel (SLA, composer, needs-attention queue …) only when the server answers the route behind it, so
 * features land in the console as their APIs land on the server.
 */
export type Capabilities = { has: (method: string, path: string) => boolean };

type OpenApi = { paths?: Record<string, Record<string, unknown>> };

export function capabilitiesFrom(doc: OpenApi): Capabilities {
  const paths = doc.paths ?? {};
  return {
    has: (method, path) => Boolean(paths[`/api/v1${path}`]?.[method.toLowerCase()]),
  };
}

const none: Capabilities = { has: () => false };

export function useCapabilities(): Capabilities {
  const query = useQuery({
    queryKey: ['openapi'],
    queryFn: async () => {
      const res = await fetch('/api/openapi.json', { headers: { accept: 'application/json' } });
      return capabilitiesFrom(res.ok ? ((await res.json()) as OpenApi) : {});
    },
    staleTime: Number.POSITIVE_INFINITY,
  });
  return query.data ?? none;
}

/** The optional routes the console knows how to use (paths as in the OpenAPI document). */
export const optionalRoutes = {
  replies: ['POST', '/cases/{caseNumber}/replies'],
  caseSla: ['GET', '/cases/{caseNumber}/sla'],
  breaching: ['GET', '/sla/breaching'],
  needsAttention: ['GET', '/mail/attention'],
  review: ['GET', '/mail/review'],
  templates: ['GET', '/templates'],
  renderTemplate: ['POST', '/templates/{key}/{locale}/render'],
  facts: ['GET', '/cases/{caseNumber}/facts'],
} as const satisfies Record<string, readonly [string, string]>;

export function useFeature(name: keyof typeof optionalRoutes): boolean {
  const caps = useCapabilities();
  const [method, path] = optionalRoutes[name];
  return caps.has(method, path);
}
