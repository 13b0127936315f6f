import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { z } from 'zod';
import type {
  mailSettingsInputSchema,
  mailSettingsViewSchema,
  testMailResultSchema,
} from '../../../src/mail/settings/mail-settings.schemas.js';
import type {
  calendarDetailSchema,
  calendarViewSchema,
  policyInputSchema,
  policyRowSchema,
} from '../../../src/sla/sla.schemas.js';
import { api } from '../api/api-client.js';

// Types come from the server's own zod schemas (type-only imports: nothing of the server is bundled).
export type CalendarView = z.infer<typeof calendarViewSchema>;
export type CalendarDetail = z.infer<typeof calendarDetailSchema>;
export type CalendarDay = CalendarDetail['days'][string];
export type TimeRange = { start: string; end: string };
export type PolicyRow = z.infer<typeof policyRowSchema>;
export type PolicyInput = z.infer<typeof policyInputSchema>;
export type MailSettings = z.infer<typeof mailSettingsViewSchema>;
export type MailSettingsInput = z.input<typeof mailSettingsInputSchema>;
export type TestMailResult = z.infer<typeof testMailResultSchema>;
export type ReplyTemplate = {
  id: string;
  key: string;
  locale: 'zh-CN' | 'en';
  name: string;
  stage: string;
  body: string;
  builtIn: boolean;
  variables: string[];
  updatedBy: string | null;
  updatedAt: string;
};
export type RenderedTemplate = { text: string; stage: string; missing: string[] };

export const adminKeys = {
  calendars: ['admin', 'calendars'] as const,
  calendar: (name: string, year: number) => ['admin', 'calendars', name, year] as const,
  policies: ['admin', 'policies'] as const,
  templates: ['admin', 'templates'] as const,
  variables: ['admin', 'template-variables'] as const,
  mail: ['admin', 'mail-settings'] as const,
};

export const useCalendars = () =>
  useQuery({ queryKey: adminKeys.calendars, queryFn: () => api<CalendarView[]>('/calendars') });

export const useCalendar = (name: string | null, year: number) =>
  useQuery({
    queryKey: adminKeys.calendar(name ?? '', year),
    queryFn: () => api<CalendarDetail>(`/calendars/${encodeURIComponent(name ?? '')}?year=${year}`),
    enabled: Boolean(name),
  });

export const usePolicies = () =>
  useQuery({ queryKey: adminKeys.policies, queryFn: () => api<PolicyRow[]>('/sla/policies') });

export const useTemplates = () =>
  useQuery({
    queryKey: adminKeys.templates,
    queryFn: async () => (await api<{ items: ReplyTemplate[] }>('/templates')).items,
  });

export const useTemplateVariables = () =>
  useQuery({
    queryKey: adminKeys.variables,
    queryFn: async () =>
      (await api<{ items: { name: string; description: string }[] }>('/templates/variables')).items,
    staleTime: Number.POSITIVE_INFINITY,
  });

export const useMailSettings = () =>
  useQuery({ queryKey: adminKeys.mail, queryFn: () => api<MailSettings>('/mail/settings') });

/** A mutation that refreshes the given admin queries when it succeeds. */
export function useAdminMutation<I, O>(
  fn: (input: I) => Promise<O>,
  refresh: readonly (readonly unknown[])[],
) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: fn,
    onSuccess: async () => {
      await Promise.all(refresh.map((queryKey) => client.invalidateQueries({ queryKey })));
    },
  });
}

/** "09:00-12:00, 13:00-18:00" ⇄ ranges; null when the text is not such a list. */
export function parseHours(text: string): TimeRange[] | null {
  const trimmed = text.trim();
  if (trimmed === '') return [];
  const ranges: TimeRange[] = [];
  for (const part of trimmed.split(/[,，\s]+/).filter(Boolean)) {
    const m = /^(\d{2}:\d{2})-(\d{2}:\d{2})$/.exec(part);
    if (!m?.[1] || !m[2]) return null;
    ranges.push({ start: m[1], end: m[2] });
  }
  return ranges;
}

export const formatHours = (ranges: readonly TimeRange[] | undefined): string =>
  (ranges ?? []).map((r) => `${r.start}-${r.end}`).join(', ');
