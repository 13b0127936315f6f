import { writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { SingleBar } from 'cli-progress';
import { Command } from 'commander';
import { action, printJson, withDatabaseFlags, withRuntime } from '../cli/cli-support.js';
import { exportThread } from './export-thread.js';
import { importThreads } from './import-threads.js';

const collect = (value: string, previous: string[]) => [...previous, value];

export function importThreadCommand(): Command {
  return withDatabaseFlags(
    new Command('import-thread')
      .description('Import thread archives (the seed format), one case per file')
      .argument('<files...>', 'archive files (UTF-8 or GB18030/GBK)')
      .option('--engineer <name>', 'a sender who is an engineer (repeatable)', collect, [])
      .option('--json', 'print the results as JSON'),
  ).action(
    action(async (files: string[], opts: { engineer: string[]; json?: boolean; dataDir?: string }) => {
      await withRuntime(opts, async (runtime) => {
        const bar =
          files.length > 1 && process.stderr.isTTY
            ? new SingleBar({ format: 'importing [{bar}] {value}/{total} {file}', stream: process.stderr })
            : null;
        bar?.start(files.length, 0, { file: '' });
        // PGlite is one connection: parallel transactions would only queue.
        const concurrency = runtime.database.kind === 'postgres' ? 8 : 1;
        const { results, failures } = await importThreads(
          { db: runtime.database.db, trackingPrefix: runtime.config.trackingPrefix },
          files,
          {
            engineers: opts.engineer,
            concurrency,
            onProgress: (file) => bar?.increment(1, { file: basename(file) }),
          },
        );
        bar?.stop();
        if (opts.json) {
          printJson(
            results.map((r) => ({
              file: r.file,
              caseNumber: r.caseNumber,
              title: r.title,
              priority: r.priority,
              account: r.account,
              stage: r.stage,
              trackingToken: r.trackingToken,
              messages: r.messages,
              owner: r.owner,
              created: r.created,
            })),
          );
        } else {
          for (const r of results) {
            process.stdout.write(
              r.created
                ? `${r.file}: created ${r.caseNumber} ${r.priority} ${r.account ?? '-'} "${r.title}" (${r.messages} messages, owner ${r.owner ?? 'none'}, ${r.trackingToken})\n`
                : `${r.file}: nothing created, ${r.reason}\n`,
            );
          }
          const created = results.filter((r) => r.created).length;
          process.stdout.write(
            `${created} created, ${results.length - created} already present, ${failures.length} failed\n`,
          );
        }
        for (const f of failures) process.stderr.write(`error: ${f.error}\n`);
        if (failures.length > 0) process.exitCode = 1;
      });
    }),
  );
}

export function exportThreadCommand(): Command {
  return withDatabaseFlags(
    new Command('export-thread')
      .description("Write a case's mail thread in the archive format")
      .argument('<caseNumber>', 'e.g. CAS-04814-C9T9D0')
      .option('--out <file>', 'write to this file instead of standard output'),
  ).action(
    action(async (caseNumber: string, opts: { out?: string; dataDir?: string }) => {
      await withRuntime(opts, async (runtime) => {
        const text = await exportThread({ db: runtime.database.db }, caseNumber);
        if (opts.out) writeFileSync(opts.out, text);
        else process.stdout.write(text);
      });
    }),
  );
}
