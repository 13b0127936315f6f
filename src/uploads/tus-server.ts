import type { IncomingMessage } from 'node:http';
import { Server as TusServer } from '@tus/server';
import { EVENTS } from '@tus/utils';
import { DomainError } from '../platform/errors.js';
import { completeUpload, type UploadStoreDeps } from './complete-upload.js';
import { insertUploadFile, setUploadStatus } from './upload-files.repo.js';
import type { WorkspaceRow } from './workspaces.repo.js';

export const TUS_PATH = '/upload/tus';

type TusError = { status_code: number; body: string };
const tusError = (status_code: number, body: string): TusError => ({ status_code, body: `${body}\n` });

/** The Node request behind tus's web request (srvx keeps it at runtime.node.req). */
function nodeRequest(req: unknown): IncomingMessage | undefined {
  return (req as { runtime?: { node?: { req?: IncomingMessage } } }).runtime?.node?.req;
}

/** Printable file name from tus metadata: the leaf only, no control characters, at most 255 characters. */
export function cleanFileName(raw: string | null | undefined): string {
  const leaf = (raw ?? '').split(/[\\/]/).pop() ?? '';
  const clean = leaf
    .replace(/\p{Cc}/gu, '')
    .trim()
    .slice(0, 255);
  return clean.length > 0 ? clean : 'unnamed';
}

/**
 * The tus endpoint. The Fastify route in front of it has already checked the upload-page session
 * and that the upload id (if any) belongs to its workspace; it hands the workspace over through
 * `sessions`, keyed by the raw request.
 */
export function createTusServer(
  deps: UploadStoreDeps,
  sessions: WeakMap<IncomingMessage, WorkspaceRow>,
): TusServer {
  const workspaceOf = (req: unknown): WorkspaceRow => {
    const raw = nodeRequest(req);
    const workspace = raw ? sessions.get(raw) : undefined;
    if (!workspace) throw tusError(401, 'Sign in first');
    return workspace;
  };
  const server = new TusServer({
    path: TUS_PATH,
    datastore: deps.store,
    relativeLocation: true,
    respectForwardedHeaders: false,
    disableTerminationForFinishedUploads: true,
    maxSize: deps.config.uploadMaxBytes,
    async onUploadCreate(req, upload) {
      const workspace = workspaceOf(req);
      if (upload.size === undefined) throw tusError(400, 'Upload-Length is required');
      await insertUploadFile(deps.db, {
        id: upload.id,
        workspaceId: workspace.id,
        caseId: workspace.caseId,
        fileName: cleanFileName(upload.metadata?.filename ?? upload.metadata?.name),
        contentType:
          (upload.metadata?.filetype ?? upload.metadata?.type ?? '').slice(0, 200) ||
          'application/octet-stream',
        size: upload.size,
        now: deps.clock.now(),
      });
      return {};
    },
    async onUploadFinish(_req, upload) {
      const receipt = await completeUpload(deps, upload.id);
      return { headers: { 'Upload-Sha256': receipt.sha256 ?? '' } };
    },
    onResponseError(_req, err) {
      if (err instanceof DomainError) return { status_code: err.status, body: `${err.message}\n` };
      if ('status_code' in err && err.status_code === 413) {
        const limit = deps.config.uploadMaxBytes;
        return { status_code: 413, body: `A file may be at most ${limit} bytes (${formatBytes(limit)})\n` };
      }
      return undefined;
    },
  });
  server.on(EVENTS.POST_TERMINATE, (_req, _res, id) => {
    void setUploadStatus(deps.db, id, 'swept', deps.clock.now()).catch(() => undefined);
  });
  return server;
}

export function formatBytes(n: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let v = n;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${Number.isInteger(v) ? v : v.toFixed(1)} ${units[u]}`;
}
