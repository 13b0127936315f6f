import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { importThread } from '../../../src/archive/import-thread.js';
import { createEngineer } from '../../../src/auth/engineers.repo.js';
import { systemClock } from '../../../src/platform/clock.js';
import { loadConfig } from '../../../src/platform/config.js';
import { createLocalFileStore } from '../../../src/platform/files/file-store.js';
import { buildApp } from '../../../src/platform/http/app.js';
import { openTestDatabase, type TestDatabase } from '../../support/test-db.js';

const root = join(import.meta.dirname, '..', '..', '..');
export const seedFile = join(root, 'test', 'fixtures', 'seed-thread', '000_673e19c121c0ecf3.txt');
export const seedCase = 'CAS-04814-C9T9D0';

function newestMtime(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(stat.mtimeMs, ...readdirSync(path).map((f) => newestMtime(join(path, f))));
}

/**
 * Builds web/dist with Vite unless it is newer than every console source (CASEDESK_E2E_REBUILD=1
 * forces a build). The tests then use the same files `casedesk serve` serves.
 */
export async function ensureConsoleBuilt(): Promise<void> {
  const web = join(root, 'web');
  const built = join(web, 'dist', 'index.html');
  const sources = [
    join(web, 'src'),
    join(web, 'index.html'),
    join(web, 'vite.config.ts'),
    join(root, 'src', 'mail', 'reading', 'split-quoted.ts'),
  ];
  let fresh = false;
  try {
    fresh = statSync(built).mtimeMs > Math.max(...sources.map(newestMtime));
  } catch {
    fresh = false;
  }
  if (fresh && !process.env.CASEDESK_E2E_REBUILD) return;
  const { build } = await import('vite');
  // vitest sets NODE_ENV=test, which would give React's development build (jsxDEV, several times
  // slower): the tests and the benchmark must run what `npm run build:web` ships.
  const nodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    await build({ configFile: join(web, 'vite.config.ts'), logLevel: 'warn', mode: 'production' });
  } finally {
    if (nodeEnv === undefined) delete process.env.NODE_ENV;
    else process.env.NODE_ENV = nodeEnv;
  }
}

export type ConsoleServer = {
  url: string;
  app: FastifyInstance;
  database: TestDatabase;
  close: () => Promise<void>;
};

export const engineers = {
  liQi: { name: 'Li Qi', email: 'li.qi@example.com', password: 'correct horse battery' },
  jiaWei: { name: 'Jia Wei', email: 'jia.wei@example.com', password: 'battery staple horse' },
};

/** A real CaseDesk on 127.0.0.1 (fresh test database) with two engineers and the seed case imported. */
export async function startConsoleServer(): Promise<ConsoleServer> {
  const database = await openTestDatabase();
  const config = loadConfig({}, { trackingPrefix: 'CMIT' });
  const files = createLocalFileStore(mkdtempSync(join(tmpdir(), 'cd-e2e-files-')));
  const deps = { db: database.db, clock: systemClock, config, files };
  await createEngineer(database.db, { ...engineers.liQi, role: 'admin' });
  await createEngineer(database.db, { ...engineers.jiaWei, role: 'engineer' });
  await importThread(
    { db: database.db, trackingPrefix: 'CMIT' },
    { fileName: seedFile, bytes: readFileSync(seedFile), engineers: ['Li Qi', 'Jia Wei'] },
  );
  const app = await buildApp(deps);
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    app,
    database,
    close: async () => {
      await app.close();
      await database.drop();
    },
  };
}
