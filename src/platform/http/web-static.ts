import { existsSync } from 'node:fs';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/** web/dist of the project (the same three levels up from src/platform/http and dist/platform/http). */
export const defaultWebRoot = join(import.meta.dirname, '..', '..', '..', 'web', 'dist');

const hidden = { schema: { hide: true } };

const notBuiltPage = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>CaseDesk: console not built</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 4rem auto; line-height: 1.5">
<h1>The CaseDesk console has not been built</h1>
<p>The API is running (see <a href="/api/docs">/api/docs</a>), but the web console's files are missing.
Build them with:</p>
<pre style="background:#f1f3f5;padding:1rem">npm run build:web</pre>
<p>then reload this page. (<code>npm start</code> builds the console before serving.)</p>
</body></html>`;

/** Paths that belong to the API or the server itself: unknown ones stay problem+json 404s. */
function isServerPath(path: string): boolean {
  // The upload page (/upload/…, with its tus endpoint) is served by the uploads domain, never the console.
  return (
    path === '/api' ||
    path.startsWith('/api/') ||
    path === '/healthz' ||
    path === '/upload' ||
    path.startsWith('/upload/')
  );
}

/**
 * Serves the built web console at `/`: hashed assets cached for a year, index.html never cached, and
 * any other page path (e.g. /cases/CAS-04814-C9T9D0) answered with index.html so the browser's router
 * can show it. Encapsulated (not fastify-plugin wrapped), so its `sendFile` stays its own.
 */
export function webStatic(options: { root?: string } = {}) {
  const root = options.root ?? defaultWebRoot;
  return async (app: FastifyInstance): Promise<void> => {
    if (!existsSync(join(root, 'index.html'))) {
      const answer = async (request: FastifyRequest, reply: FastifyReply) => {
        const path = request.url.split('?')[0] ?? '/';
        if (isServerPath(path)) return reply.callNotFound();
        return reply
          .code(503)
          .type('text/html; charset=utf-8')
          .header('cache-control', 'no-store')
          .send(notBuiltPage);
      };
      app.get('/', hidden, answer);
      app.get('/*', hidden, answer);
      return;
    }
    await app.register(fastifyStatic, {
      root,
      wildcard: false,
      cacheControl: false,
      // Vite names assets by content hash, so they never change; index.html must always be fresh.
      setHeaders: (reply, filePath) => {
        reply.header(
          'cache-control',
          /(^|[/\\])assets[/\\]/.test(filePath) ? 'public, max-age=31536000, immutable' : 'no-cache',
        );
      },
    });
    app.get('/*', hidden, async (request, reply) => {
      const path = request.url.split('?')[0] ?? '/';
      // A missing asset (a file name with an extension) is a plain 404, not the page.
      if (isServerPath(path) || /\.[a-z0-9]+$/i.test(path)) return reply.callNotFound();
      return reply.header('cache-control', 'no-cache').sendFile('index.html');
    });
  };
}
