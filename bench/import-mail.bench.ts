import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { importMail } from '../src/mail/inbound/import-mail.js';
import { systemClock } from '../src/platform/clock.js';
import { createLocalFileStore } from '../src/platform/files/file-store.js';
import type { BenchModule } from './lib.js';
import { benchMail } from './mail-corpus.js';
import { openBenchDatabase } from './support.js';

/** Bulk `casedesk import-mail` of a directory of .eml files into PostgreSQL, as the CLI runs it. */
export const run: BenchModule['run'] = async ({ quick }) => {
  const n = quick ? 2_000 : 20_000;
  const dir = mkdtempSync(join(tmpdir(), 'casedesk-bench-import-mail-'));
  const mailDir = join(dir, 'mail');
  mkdirSync(mailDir);
  for (let i = 0; i < n; i++)
    writeFileSync(
      join(mailDir, `${String(i).padStart(6, '0')}.eml`),
      benchMail(i % 100, Math.floor(i / 100)),
    );
  const database = await openBenchDatabase('postgres');
  const deps = {
    db: database.db,
    files: createLocalFileStore(join(dir, 'files')),
    clock: systemClock,
    trackingPrefix: 'CMIT',
  };
  try {
    const start = process.hrtime.bigint();
    const summary = await importMail(deps, [mailDir]);
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    if (summary.stored !== n) throw new Error(`stored ${summary.stored} of ${n}`);
    return [
      {
        name: 'import_mail_msgs_per_s',
        value: Math.round(n / seconds),
        unit: 'msg/s',
        target: 2000,
        better: 'higher',
        params: {
          database: 'postgres',
          messages: n,
          messageBytes: benchMail(0, 1).length,
          newCases: summary.newCases,
          threaded: summary.threaded,
          // Other work on the machine skews this figure; the load says how much there was.
          loadAverage1m: Math.round((loadavg()[0] ?? 0) * 100) / 100,
        },
      },
    ];
  } finally {
    await database.drop();
    rmSync(dir, { recursive: true, force: true });
  }
};
