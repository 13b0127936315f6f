import type { Kysely } from 'kysely';
import { findEngineer } from '../auth/engineers.repo.js';
import type { CaseDeps } from '../cases/cases.service.js';
import type { Actor } from '../cases/timeline.repo.js';
import type { DB } from '../platform/db/db.js';
import type { AppDeps } from '../platform/http/app-deps.js';
import { type ReplySender, replySenderFor } from './send-reply.adapter.js';

/** What the workflow use-cases need: the case dependencies plus a way to mail the customer. */
export type WorkflowDeps = CaseDeps & { sendReply: ReplySender };

export function workflowDeps(deps: AppDeps): WorkflowDeps {
  return {
    db: deps.db,
    clock: deps.clock,
    trackingPrefix: deps.config.trackingPrefix,
    sendReply: replySenderFor(deps),
  };
}

/** The engineer behind an actor (for "who changed it" columns and the engineer's name in mail). */
export async function actorEngineer(
  db: Kysely<DB>,
  actor: Actor,
): Promise<{ id: string; name: string; email: string | null } | null> {
  if (actor.type !== 'engineer') return null;
  const found = await findEngineer(db, actor.name);
  if (found && (actor.id === null || found.id === actor.id)) return found;
  return actor.id ? { id: actor.id, name: actor.name, email: null } : null;
}
