import { Command } from 'commander';
import { DomainError } from '../platform/errors.js';
import { formatTriageReport } from './format-findings.js';
import { runTriage } from './run-triage.js';

type Io = { stdout: (s: string) => void; stderr: (s: string) => void; setExitCode: (code: number) => void };

const processIo: Io = {
  stdout: (s) => process.stdout.write(s),
  stderr: (s) => process.stderr.write(s),
  setExitCode: (code) => {
    process.exitCode = code;
  },
};

/**
 * `casedesk triage FILE… [--json]`: offline triage of logs and log archives.
 * Prints `{files, findings}` with --json, a readable report otherwise; exit code 1 on a
 * missing file or a refused archive (message on stderr, no stack trace).
 */
export function triageCommand(io: Io = processIo): Command {
  return new Command('triage')
    .description(
      'Analyse Windows servicing logs (CBS, DISM, WindowsUpdate, setupapi, CheckSUR) and archives of them',
    )
    .argument('<files...>', 'log files or archives (.zip, .gz, .cab)')
    .option('--json', 'print {files, findings} as JSON')
    .action(async (files: string[], options: { json?: boolean }) => {
      try {
        const result = await runTriage(files);
        io.stdout(options.json ? `${JSON.stringify(result, null, 2)}\n` : formatTriageReport(result));
      } catch (err) {
        if (!(err instanceof DomainError)) throw err;
        io.stderr(`casedesk triage: ${err.message}\n`);
        io.setExitCode(1);
      }
    });
}
