import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { createApiToken, createEngineer } from '../../src/auth/engineers.repo.js';
import { createCase } from '../../src/cases/cases.service.js';
import { fixedClock } from '../../src/platform/clock.js';
import { type Config, loadConfig } from '../../src/platform/config.js';
import { createLocalFileStore, type FileStore } from '../../src/platform/files/file-store.js';
import { buildApp } from '../../src/platform/http/app.js';
import type { AppDeps } from '../../src/platform/http/app-deps.js';
import { openTestDatabase, type TestDatabase } from '../support/test-db.js';

/**
 * A real CaseDesk HTTP server on loopback over a fresh test database and file store, with an
 * engineer (and API token) and a case of account ICBC — what the upload tests drive.
 */
export type UploadHarness = {
  database: TestDatabase;
  app: FastifyInstance;
  deps: AppDeps;
  files: FileStore;
  clock: ReturnType<typeof fixedClock>;
  config: Config;
  baseUrl: string;
  token: string;
  engineer: { id: string; name: string };
  caseNumber: string;
  caseId: string;
  close: () => Promise<void>;
};

export async function startUploadHarness(
  overrides: Partial<Record<keyof Config, unknown>> = {},
): Promise<UploadHarness> {
  const database = await openTestDatabase();
  const root = mkdtempSync(join(tmpdir(), 'cd-uploads-'));
  const files = createLocalFileStore(join(root, 'files'));
  // The clock starts a minute ahead of the database's now(), so jobs queued at now() are due.
  const clock = fixedClock(new Date(Date.now() + 60_000));
  const config = loadConfig({}, { dataDir: root, trackingPrefix: 'CMIT', logLevel: 'silent', ...overrides });
  const deps: AppDeps = { db: database.db, clock, config, files };
  const app = await buildApp(deps);
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const engineer = await createEngineer(database.db, {
    name: 'Li Qi',
    password: 'correct horse',
    role: 'admin',
  });
  const { token } = await createApiToken(database.db, engineer.id, 'tests');
  const kase = await createCase(
    { db: database.db, clock, trackingPrefix: 'CMIT' },
    { type: 'engineer', id: engineer.id, name: engineer.name },
    { title: '补丁更新失败', account: 'ICBC', priority: 'P3' },
  );
  return {
    database,
    app,
    deps,
    files,
    clock,
    config,
    baseUrl: `http://127.0.0.1:${port}`,
    token,
    engineer: { id: engineer.id, name: engineer.name },
    caseNumber: kase.number,
    caseId: kase.id,
    close: async () => {
      await app.close();
      await database.drop();
    },
  };
}

/** JSON request with the engineer's token. */
export async function engineerFetch(
  h: UploadHarness,
  path: string,
  init: { method?: string; body?: unknown } = {},
): Promise<Response> {
  return fetch(`${h.baseUrl}${path}`, {
    method: init.method ?? 'GET',
    headers: {
      authorization: `Bearer ${h.token}`,
      ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
  });
}

/** Signs in to the upload page; returns the cookie header value, or the failed response. */
export async function uploadLogin(
  h: UploadHarness,
  user: string,
  password: string,
): Promise<{ cookie: string | null; res: Response }> {
  const res = await fetch(`${h.baseUrl}/upload/api/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ user, password }),
  });
  const setCookie = res.headers.get('set-cookie');
  return { cookie: res.ok && setCookie ? (setCookie.split(';')[0] ?? null) : null, res };
}
