import type { Kysely } from 'kysely';
import type { Clock } from '../platform/clock.js';
import type { DB } from '../platform/db/db.js';
import { setCaseCadence } from '../sla/case-sla.service.js';

/**
 * The cadence agreed in the scope becomes the case's follow-up cadence in the SLA domain (an
 * engineer-set cadence, which detection from mail text never overrides). The one place the
 * workflow writes SLA settings.
 */
export async function applyScopeCadence(
  deps: { db: Kysely<DB>; clock: Clock },
  engineer: { id: string } | null,
  caseNumber: string,
  businessDays: number,
): Promise<void> {
  await setCaseCadence(deps, engineer, caseNumber, businessDays);
}
