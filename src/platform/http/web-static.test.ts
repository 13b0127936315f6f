import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { installProblemHandler } from './problem.js';
import { webStatic } from './web-static.js';

let app: FastifyInstance;
afterEach(async () => {
  await app.close();
});

async function serve(root: string): Promise<FastifyInstance> {
  app = Fastify();
  installProblemHandler(app);
  app.get('/api/v1/ping', async () => ({ pong: true }));
  await app.register(webStatic({ root }));
  await app.ready();
  return app;
}

function builtConsole(): string {
  const root = mkdtempSync(join(tmpdir(), 'cd-web-'));
  mkdirSync(join(root, 'assets'));
  writeFileSync(join(root, 'index.html'), '<!doctype html><title>CaseDesk</title><div id="root"></div>');
  writeFileSync(join(root, 'assets', 'index-abc123.js'), 'console.log(1)');
  return root;
}

describe('web console static files', () => {
  it('serves index.html at / and for any page path, never cached', async () => {
    await serve(builtConsole());
    for (const url of ['/', '/cases/CAS-04814-C9T9D0', '/queues/mine?status=new']) {
      const res = await app.inject({ url });
      expect(res.statusCode, url).toBe(200);
      expect(res.headers['content-type']).toContain('text/html');
      expect(res.body).toContain('<div id="root">');
      expect(res.headers['cache-control']).toBe('no-cache');
    }
  });

  it('serves hashed assets with a long cache', async () => {
    await serve(builtConsole());
    const res = await app.inject({ url: '/assets/index-abc123.js' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['cache-control']).toContain('immutable');
  });

  it('keeps unknown API paths and missing assets as problem+json 404s', async () => {
    await serve(builtConsole());
    for (const url of ['/api/v1/nope', '/api/openapi-nope.json', '/assets/missing.js']) {
      const res = await app.inject({ url });
      expect(res.statusCode, url).toBe(404);
      expect(res.headers['content-type']).toContain('application/problem+json');
    }
    expect((await app.inject({ url: '/api/v1/ping' })).json()).toEqual({ pong: true });
  });

  it('says how to build the console when web/dist is missing', async () => {
    await serve(join(tmpdir(), 'cd-web-missing-dir'));
    const res = await app.inject({ url: '/' });
    expect(res.statusCode).toBe(503);
    expect(res.headers['content-type']).toContain('text/html');
    expect(res.body).toContain('npm run build:web');
    expect((await app.inject({ url: '/cases/CAS-04814-C9T9D0' })).body).toContain('npm run build:web');
    expect((await app.inject({ url: '/api/v1/nope' })).headers['content-type']).toContain('problem+json');
  });
});
