#!/usr/bin/env node
// The whole test suite: every test on embedded PGlite, then every database test again on real
// PostgreSQL (CASEDESK_TEST_PG_URL, default postgres://postgres@127.0.0.1:5432/test).
// Prints a last line "N passed, N failed[, N skipped]" and exits non-zero on any failure.
// CASEDESK_SKIP_PG=1 skips the PostgreSQL pass (said loudly; CI never sets it).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import pg from 'pg';

const root = join(import.meta.dirname, '..');
const extraArgs = process.argv.slice(2);

function testFiles(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === 'fixtures') continue;
    const full = join(dir, name);
    if (statSync(full).isDirectory()) out.push(...testFiles(full));
    else if (name.endsWith('.test.ts')) out.push(full);
  }
  return out;
}

/**
 * Runs one pass. A pass whose vitest died without writing its report (a worker crashed, e.g. out of
 * memory: seen twice in CI, cause not found yet) is run once more, saying so; test failures are never
 * retried. --logHeapUsage prints each file's heap so the next crash names its file.
 */
function runVitest(label, env, files) {
  const first = runVitestOnce(label, env, files);
  if (!first.crashed) return first;
  console.error(`\n*** vitest crashed without a report in "${label}"; running this pass once more ***`);
  const second = runVitestOnce(`${label}, again after a crash`, env, files);
  return second.crashed ? { ...second, failed: Math.max(1, second.failed) } : second;
}

function runVitestOnce(label, env, files) {
  const outDir = mkdtempSync(join(tmpdir(), 'casedesk-test-'));
  const outputFile = join(outDir, 'results.json');
  console.log(`\n=== ${label} ===`);
  const result = spawnSync(
    'npx',
    [
      'vitest',
      'run',
      '--reporter=default',
      '--reporter=json',
      '--logHeapUsage',
      `--outputFile.json=${outputFile}`,
      ...files,
      ...extraArgs,
    ],
    {
      cwd: root,
      stdio: 'inherit',
      // One CI run saw a test worker die at V8's default 4 GB heap limit (not reproduced since);
      // the machine has 24 GB, so give workers room rather than lose a run to it.
      env: {
        ...process.env,
        NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --max-old-space-size=6144`.trim(),
        ...env,
      },
    },
  );
  try {
    const json = JSON.parse(readFileSync(outputFile, 'utf8'));
    const failedSuites = json.testResults.filter(
      (r) => r.status === 'failed' && r.assertionResults.length === 0,
    ).length;
    let failed = json.numFailedTests + failedSuites;
    // A crashed worker (e.g. out of memory) can leave a report with no failure in it: the exit code decides.
    if (result.status !== 0 && failed === 0) {
      console.error(
        `vitest exited with ${result.status ?? result.signal} although no test failed: counted as one failure`,
      );
      failed = 1;
    }
    return {
      passed: json.numPassedTests,
      failed,
      skipped: json.numPendingTests + json.numTodoTests,
      crashed: false,
    };
  } catch {
    return { passed: 0, failed: Math.max(1, result.status ?? 1), skipped: 0, crashed: true };
  }
}

async function postgresReachable(url) {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('select 1');
    return true;
  } catch (err) {
    console.error(`PostgreSQL at ${url} is not reachable: ${err.message}`);
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

const totals = { passed: 0, failed: 0, skipped: 0 };
const add = (r) => {
  totals.passed += r.passed;
  totals.failed += r.failed;
  totals.skipped += r.skipped;
};

add(runVitest('all tests on PGlite', { CASEDESK_TEST_DB: 'pglite' }, []));

const dbFiles = [...testFiles(join(root, 'src')), ...testFiles(join(root, 'test'))]
  .filter((f) => /openTestDatabase|support\/test-db/.test(readFileSync(f, 'utf8')))
  .map((f) => relative(root, f));
const pgUrl = process.env.CASEDESK_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
if (process.env.CASEDESK_SKIP_PG === '1') {
  console.log(
    `\n=== PostgreSQL pass SKIPPED (CASEDESK_SKIP_PG=1): ${dbFiles.length} files not run on PostgreSQL ===`,
  );
} else if (await postgresReachable(pgUrl)) {
  add(
    runVitest(
      `database tests on PostgreSQL (${dbFiles.length} files)`,
      { CASEDESK_TEST_DB: 'postgres' },
      dbFiles,
    ),
  );
} else {
  console.error('Start PostgreSQL or set CASEDESK_TEST_PG_URL (CASEDESK_SKIP_PG=1 to skip this pass).');
  totals.failed += 1;
}

const skipped = totals.skipped ? `, ${totals.skipped} skipped` : '';
console.log(`\n${totals.passed} passed, ${totals.failed} failed${skipped}`);
process.exit(totals.failed > 0 ? 1 : 0);
