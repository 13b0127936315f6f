import { randomBytes } from 'node:crypto';
import { createWriteStream, mkdirSync, mkdtempSync } from 'node:fs';
import { open, rm } from 'node:fs/promises';
import { request } from 'node:http';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createApiToken, createEngineer } from '../src/auth/engineers.repo.js';
import { createCase } from '../src/cases/cases.service.js';
import { systemClock } from '../src/platform/clock.js';
import { loadConfig } from '../src/platform/config.js';
import { createLocalFileStore } from '../src/platform/files/file-store.js';
import { buildApp } from '../src/platform/http/app.js';
import { openWorkspace, signInToWorkspace } from '../src/uploads/workspaces.service.js';
import type { BenchModule } from './lib.js';
import { openBenchDatabase } from './support.js';

const PATTERN = randomBytes(16 * 1024 * 1024);

/** `total` bytes of incompressible data, repeating one 16 MiB random block. */
function source(total: number): Readable {
  let left = total;
  return new Readable({
    read() {
      if (left <= 0) return void this.push(null);
      const n = Math.min(left, PATTERN.length);
      left -= n;
      this.push(PATTERN.subarray(0, n));
    },
  });
}

/** The raw rate: the same bytes written with fs streams to the same disk, fsynced. */
async function rawWrite(dir: string, total: number): Promise<number> {
  const path = join(dir, 'raw.bin');
  const start = performance.now();
  await pipeline(source(total), createWriteStream(path));
  const handle = await open(path, 'r');
  await handle.sync();
  await handle.close();
  const seconds = (performance.now() - start) / 1000;
  await rm(path);
  return total / 1024 / 1024 / seconds;
}

function send(
  url: string,
  method: string,
  headers: Record<string, string>,
  body?: Readable,
): Promise<{ status: number; headers: Record<string, string | string[] | undefined> }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers }));
    });
    req.on('error', reject);
    if (body) body.pipe(req);
    else req.end();
  });
}

/**
 * Upload throughput through the tus endpoint (one PATCH streaming the whole file; SHA-256 while
 * streaming; the finished file moved into the file store and put on the timeline), against the
 * raw disk write rate measured beside it in the same run. Target: ≥ 80% of raw.
 */
export const run: BenchModule['run'] = async ({ quick }) => {
  const total = quick ? 256 * 1024 * 1024 : 2 * 1024 * 1024 * 1024;
  // On the data disk (./data, as the server uses), not tmpfs: the figure is a disk write rate.
  mkdirSync(join(process.cwd(), 'data'), { recursive: true });
  const dir = mkdtempSync(join(process.cwd(), 'data', 'bench-upload-'));
  const database = await openBenchDatabase('pglite');
  const config = loadConfig({}, { dataDir: dir, logLevel: 'silent', uploadMaxBytes: 4 * 1024 ** 3 });
  const files = createLocalFileStore(join(dir, 'files'));
  const deps = { db: database.db, clock: systemClock, config, files };
  const app = await buildApp(deps);
  try {
    await app.listen({ host: '127.0.0.1', port: 0 });
    const address = app.server.address();
    const base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    const engineer = await createEngineer(database.db, { name: 'bench', password: 'bench-password' });
    await createApiToken(database.db, engineer.id, 'bench');
    const actor = { type: 'engineer' as const, id: engineer.id, name: engineer.name };
    const kase = await createCase({ db: database.db, clock: systemClock, trackingPrefix: 'CD' }, actor, {
      title: 'bench',
      account: 'BENCH',
    });
    const ws = await openWorkspace(deps, actor, kase.number);
    const { secret } = await signInToWorkspace(deps, ws.user, ws.password);
    const cookie = `casedesk_upload=${secret}`;

    const raw = await rawWrite(dir, total);
    const start = performance.now();
    const created = await send(`${base}/upload/tus`, 'POST', {
      cookie,
      'tus-resumable': '1.0.0',
      'upload-length': String(total),
      'upload-metadata': `filename ${Buffer.from('big.bin').toString('base64')}`,
    });
    if (created.status !== 201) throw new Error(`create answered ${created.status}`);
    const location = new URL(String(created.headers.location), `${base}/upload/tus`).href;
    const patched = await send(
      location,
      'PATCH',
      {
        cookie,
        'tus-resumable': '1.0.0',
        'upload-offset': '0',
        'content-type': 'application/offset+octet-stream',
        'content-length': String(total),
      },
      source(total),
    );
    const seconds = (performance.now() - start) / 1000;
    if (patched.status !== 204 || !patched.headers['upload-sha256']) {
      throw new Error(`upload answered ${patched.status}`);
    }
    const tus = total / 1024 / 1024 / seconds;
    const params = { bytes: total, rawMBps: Math.round(raw), tusMBps: Math.round(tus) };
    process.stdout.write(
      `raw disk write ${raw.toFixed(0)} MB/s, tus upload with SHA-256 ${tus.toFixed(0)} MB/s\n`,
    );
    return [
      {
        name: 'upload-tus-mbps',
        value: Math.round(tus),
        unit: 'MB/s',
        target: null,
        better: 'higher',
        params,
      },
      {
        name: 'upload-tus-vs-raw-disk',
        value: Math.round((tus / raw) * 100),
        unit: '% of raw disk write',
        target: 80,
        better: 'higher',
        params,
      },
    ];
  } finally {
    await app.close();
    await database.drop();
    await rm(dir, { recursive: true, force: true });
  }
};
