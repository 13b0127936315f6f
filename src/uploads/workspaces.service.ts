import type { Kysely } from 'kysely';
import { hashPassword, verifyPassword } from '../auth/passwords.js';
import { newSecret, sha256Hex } from '../auth/secrets.js';
import { getCase } from '../cases/cases.repo.js';
import { type Actor, insertActivity } from '../cases/timeline.repo.js';
import type { Clock } from '../platform/clock.js';
import type { Config } from '../platform/config.js';
import type { DB } from '../platform/db/db.js';
import { DomainError, invalid, notFound } from '../platform/errors.js';
import {
  formatUserName,
  generateUploadSecret,
  nextUserNumber,
  userNamePrefix,
} from './workspace-credentials.js';
import {
  deleteUploadSession,
  findWorkspaceById,
  findWorkspaceByUser,
  insertUploadSession,
  insertWorkspace,
  listWorkspacesOfCase,
  revokeWorkspaceRow,
  userNamesWithPrefix,
  type WorkspaceRow,
  workspaceOfSession,
} from './workspaces.repo.js';

export type UploadDeps = {
  db: Kysely<DB>;
  clock: Clock;
  config: Pick<Config, 'publicUrl' | 'host' | 'port' | 'uploadWorkspaceDays' | 'uploadMaxBytes'>;
};

export type WorkspaceState = 'active' | 'expired' | 'revoked';

/** A workspace as engineers see it; the secret is never part of it. */
export type WorkspaceView = {
  id: string;
  caseNumber: string;
  user: string;
  state: WorkspaceState;
  createdAt: string;
  expiresAt: string;
  revokedAt: string | null;
  uploadUrl: string;
};

/** Returned once, when a workspace is opened: the only time the password can be read. */
export type OpenedWorkspace = WorkspaceView & { password: string };

/** What the log-collection template needs; the password only right after opening. */
export type UploadTemplateFields = { uploadUrl: string; uploadUser: string; uploadPassword?: string };

const UPLOAD_SESSION_MS = 12 * 3_600_000;
// Verified against when the user name is unknown, so a wrong name takes as long as a wrong password.
const DUMMY_HASH =
  '$argon2id$v=19$m=19456,t=2,p=1$kfWnAsQs513L3CLspT8ctQ$2RrBuHqDofSlYgIQTlc+Xtwy0HoOjXnVvq62DLm1Ij0';
const SYSTEM: Actor = { type: 'system', id: null, name: 'CaseDesk' };

export function uploadPageUrl(config: UploadDeps['config'], user?: string): string {
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  const base = (config.publicUrl ?? `http://${host}:${config.port}`).replace(/\/+$/, '');
  return `${base}/upload/${user ? `?user=${encodeURIComponent(user)}` : ''}`;
}

export function workspaceState(w: Pick<WorkspaceRow, 'expiresAt' | 'revokedAt'>, now: Date): WorkspaceState {
  if (w.revokedAt) return 'revoked';
  return w.expiresAt.getTime() <= now.getTime() ? 'expired' : 'active';
}

function toView(deps: UploadDeps, w: WorkspaceRow): WorkspaceView {
  return {
    id: w.id,
    caseNumber: w.caseNumber,
    user: w.userName,
    state: workspaceState(w, deps.clock.now()),
    createdAt: w.createdAt.toISOString(),
    expiresAt: w.expiresAt.toISOString(),
    revokedAt: w.revokedAt ? w.revokedAt.toISOString() : null,
    uploadUrl: uploadPageUrl(deps.config, w.userName),
  };
}

/**
 * Opens an upload workspace on a case: a user name from the account (ICBC001, ICBC002, …), a
 * generated secret returned once and stored as an argon2id hash, an expiry (default from config).
 * Recorded on the case timeline.
 */
export async function openWorkspace(
  deps: UploadDeps,
  actor: Actor,
  caseNumber: string,
  options: { days?: number } = {},
): Promise<OpenedWorkspace> {
  const kase = await getCase(deps.db, caseNumber);
  if (kase.status === 'closed') {
    throw invalid('upload.case_closed', `Case ${caseNumber} is closed; reopen it to collect files`);
  }
  const days = options.days ?? deps.config.uploadWorkspaceDays;
  if (!Number.isInteger(days) || days < 1 || days > 3650) {
    throw invalid('upload.bad_expiry', 'A workspace lasts 1 to 3650 days');
  }
  const now = deps.clock.now();
  const expiresAt = new Date(now.getTime() + days * 86_400_000);
  const password = generateUploadSecret();
  const secretHash = await hashPassword(password);
  const prefix = userNamePrefix(kase.account);
  for (let attempt = 0; attempt < 20; attempt++) {
    const userName = formatUserName(
      prefix,
      nextUserNumber(prefix, await userNamesWithPrefix(deps.db, prefix)),
    );
    const id = await insertWorkspace(deps.db, {
      caseId: kase.id,
      userName,
      secretHash,
      createdBy: actor.type === 'engineer' ? actor.id : null,
      expiresAt,
    });
    if (!id) continue; // another engineer took this name a moment ago
    await insertActivity(deps.db, {
      caseId: kase.id,
      type: 'system',
      actor,
      occurredAt: now,
      payload: { kind: 'upload.workspace_opened', user: userName, expiresAt: expiresAt.toISOString() },
    });
    const row = (await findWorkspaceById(deps.db, id)) as WorkspaceRow;
    return { ...toView(deps, row), password };
  }
  throw new DomainError('upload.name_exhausted', 'Could not draw a free upload user name; try again', 409);
}

export async function listWorkspaces(deps: UploadDeps, caseNumber: string): Promise<WorkspaceView[]> {
  const kase = await getCase(deps.db, caseNumber);
  return (await listWorkspacesOfCase(deps.db, kase.id)).map((w) => toView(deps, w));
}

/** Revokes a workspace by its user name: its sessions end at once, and it is on the timeline. */
export async function revokeWorkspace(deps: UploadDeps, actor: Actor, user: string): Promise<WorkspaceView> {
  const row = await findWorkspaceByUser(deps.db, user.trim().toUpperCase());
  if (!row) throw notFound('upload.workspace_not_found', `No upload workspace ${user}`, { user });
  const now = deps.clock.now();
  if (await revokeWorkspaceRow(deps.db, row.id, actor.type === 'engineer' ? actor.id : null, now)) {
    await insertActivity(deps.db, {
      caseId: row.caseId,
      type: 'system',
      actor,
      occurredAt: now,
      payload: { kind: 'upload.workspace_revoked', user: row.userName },
    });
  }
  return toView(deps, (await findWorkspaceById(deps.db, row.id)) as WorkspaceRow);
}

/**
 * Template fields for a case's newest active workspace, or for one just opened (then with the
 * password). Null when the case has no active workspace.
 */
export async function uploadTemplateFields(
  deps: UploadDeps,
  caseNumber: string,
  opened?: OpenedWorkspace,
): Promise<UploadTemplateFields | null> {
  if (opened)
    return { uploadUrl: opened.uploadUrl, uploadUser: opened.user, uploadPassword: opened.password };
  const active = (await listWorkspaces(deps, caseNumber)).filter((w) => w.state === 'active').at(-1);
  return active ? { uploadUrl: active.uploadUrl, uploadUser: active.user } : null;
}

const badCredentials = () => new DomainError('upload.bad_credentials', 'Wrong user name or password', 401);

/** Throws the clear, case-neutral reason a workspace cannot be used now. */
export function assertUsable(w: WorkspaceRow, now: Date): void {
  const state = workspaceState(w, now);
  if (state === 'revoked') {
    throw new DomainError(
      'upload.workspace_revoked',
      'This upload workspace has been closed. Ask your support engineer for a new one.',
      403,
    );
  }
  if (state === 'expired') {
    throw new DomainError(
      'upload.workspace_expired',
      `This upload workspace expired on ${w.expiresAt.toISOString().slice(0, 10)}. Ask your support engineer for a new one.`,
      403,
    );
  }
}

/**
 * Signs in to the upload page. Unknown user and wrong password give the same answer (and take the
 * same time); revoked and expired are told only to someone who knows the password.
 */
export async function signInToWorkspace(
  deps: UploadDeps,
  user: string,
  password: string,
): Promise<{ secret: string; workspace: WorkspaceRow; expiresAt: Date }> {
  const row = await findWorkspaceByUser(deps.db, user.trim().toUpperCase());
  const ok = await verifyPassword(row?.secretHash ?? DUMMY_HASH, password.trim());
  if (!row || !ok) throw badCredentials();
  const now = deps.clock.now();
  assertUsable(row, now);
  const secret = newSecret('cdu');
  const expiresAt = new Date(Math.min(row.expiresAt.getTime(), now.getTime() + UPLOAD_SESSION_MS));
  await insertUploadSession(deps.db, { id: sha256Hex(secret), workspaceId: row.id, expiresAt });
  return { secret, workspace: row, expiresAt };
}

/** The workspace of an upload-page session cookie, still usable; otherwise a clear 401/403. */
export async function workspaceForSession(
  deps: UploadDeps,
  secret: string | undefined,
): Promise<WorkspaceRow> {
  const row = secret ? await workspaceOfSession(deps.db, sha256Hex(secret), deps.clock.now()) : null;
  if (!row) {
    throw new DomainError(
      'upload.signed_out',
      'Sign in with the user name and password from your support engineer',
      401,
    );
  }
  assertUsable(row, deps.clock.now());
  return row;
}

export async function signOutOfWorkspace(deps: UploadDeps, secret: string | undefined): Promise<void> {
  if (secret) await deleteUploadSession(deps.db, sha256Hex(secret));
}

export { SYSTEM as systemActor };
