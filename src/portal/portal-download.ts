import type { FastifyReply } from 'fastify';
import type { FileStore } from '../platform/files/file-store.js';

// Raster images may be shown inline (cid: images in mail); everything else downloads as a file.
const INLINE_TYPES = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp', 'image/bmp']);

/** Sends a stored file to a customer: images inline, anything else as a download, never as a page. */
export function sendPortalFile(
  files: FileStore,
  reply: FastifyReply,
  file: { sha256: string; filename: string; contentType: string; size: number },
) {
  const inline = INLINE_TYPES.has(file.contentType);
  const ascii = file.filename.replace(/[^\x20-\x7e]|["\\]/g, '_');
  return reply
    .header('content-type', inline ? file.contentType : 'application/octet-stream')
    .header('content-length', String(file.size))
    .header(
      'content-disposition',
      `${inline ? 'inline' : 'attachment'}; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(file.filename)}`,
    )
    .header('content-security-policy', "default-src 'none'; sandbox")
    .header('x-content-type-options', 'nosniff')
    .send(files.open(file.sha256));
}
