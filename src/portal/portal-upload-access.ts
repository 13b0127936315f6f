import { newSecret, sha256Hex } from '../auth/secrets.js';
import { insertUploadSession, listWorkspacesOfCase } from '../uploads/workspaces.repo.js';
import { openWorkspace, uploadPageUrl, workspaceState } from '../uploads/workspaces.service.js';
import type { PortalContact, PortalDeps } from './portal-auth.service.js';
import type { PortalCaseRow } from './portal-cases.repo.js';

// As long as a sign-in on the upload page itself lasts.
const UPLOAD_SESSION_MS = 12 * 3_600_000;

export type UploadAccess = {
  uploadUrl: string;
  user: string;
  /** Only when the portal just opened the workspace: an existing one's secret is stored hashed. */
  password: string | null;
  expiresAt: string;
  /** Cookie value signing the browser in to the upload page (never shown). */
  sessionSecret: string;
  sessionExpiresAt: Date;
};

/**
 * The case's upload workspace for the customer: the newest active one, or a new one when none is
 * (as an engineer would open it; credentials expire as usual). The customer's browser is also
 * signed in to the upload page, so no password has to be typed.
 */
export async function uploadAccess(
  deps: PortalDeps,
  contact: PortalContact,
  kase: PortalCaseRow,
): Promise<UploadAccess> {
  const now = deps.clock.now();
  const active = (await listWorkspacesOfCase(deps.db, kase.id))
    .filter((w) => workspaceState(w, now) === 'active')
    .at(-1);
  let workspace: { id: string; user: string; expiresAt: Date; password: string | null };
  if (active) {
    workspace = { id: active.id, user: active.userName, expiresAt: active.expiresAt, password: null };
  } else {
    const opened = await openWorkspace(
      deps,
      { type: 'contact', id: contact.id, name: contact.name },
      kase.number,
    );
    workspace = {
      id: opened.id,
      user: opened.user,
      expiresAt: new Date(opened.expiresAt),
      password: opened.password,
    };
  }
  const sessionSecret = newSecret('cdu');
  const sessionExpiresAt = new Date(
    Math.min(workspace.expiresAt.getTime(), now.getTime() + UPLOAD_SESSION_MS),
  );
  await insertUploadSession(deps.db, {
    id: sha256Hex(sessionSecret),
    workspaceId: workspace.id,
    expiresAt: sessionExpiresAt,
  });
  return {
    uploadUrl: uploadPageUrl(deps.config, workspace.user),
    user: workspace.user,
    password: workspace.password,
    expiresAt: workspace.expiresAt.toISOString(),
    sessionSecret,
    sessionExpiresAt,
  };
}
