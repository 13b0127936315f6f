import type { z } from 'zod';
import type { breachingCaseSchema, caseSlaSchema } from '../../../src/sla/sla.schemas.js';

export type CaseSla = z.infer<typeof caseSlaSchema>;
export type BreachingCase = z.infer<typeof breachingCaseSchema>;
export type SlaClockStatus = CaseSla['firstResponse']['status'];

/** "2 h 5 min" / "-3 h 10 min" style, for time left on a due time. */
export function formatSecondsLeft(seconds: number): string {
  const sign = seconds < 0 ? '-' : '';
  const abs = Math.abs(seconds);
  const days = Math.floor(abs / 86_400);
  const hours = Math.floor((abs % 86_400) / 3_600);
  const minutes = Math.floor((abs % 3_600) / 60);
  if (days > 0) return `${sign}${days} d ${hours} h`;
  if (hours > 0) return `${sign}${hours} h ${minutes} min`;
  return `${sign}${minutes} min`;
}
