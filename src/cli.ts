import { Command } from 'commander';
import { exportThreadCommand, importThreadCommand } from './archive/archive.commands.js';
import { tokenCommand, userCommand } from './auth/auth.commands.js';
import { caseCommand } from './cases/cases.commands.js';
import { action, withDatabaseFlags, withRuntime } from './cli/cli-support.js';
import { serveCommand } from './cli/serve.command.js';
import { templateCommand } from './kb/templates.commands.js';
import { importMailCommand, mailCommand } from './mail/inbound/mail.commands.js';
import { outboxCommand, replyCommand } from './mail/outbound/outbound.commands.js';
import { mailSettingsCommand } from './mail/settings/mail-settings.commands.js';
import { calendarCommand, policyCommand } from './sla/calendar.commands.js';
import { slaCommand } from './sla/sla.commands.js';
import { triageCommand } from './triage/triage.command.js';
import { workspaceCommand } from './uploads/uploads.commands.js';
import { mergeCommand, splitCommand } from './workflow/links.commands.js';
import { closeCommand, reopenCommand, scopeCommand } from './workflow/workflow.commands.js';

/** The `casedesk` command line. Each domain contributes its commands. */
export function buildCli(): Command {
  const program = new Command('casedesk')
    .description('CaseDesk — case management for enterprise technical support')
    .version('0.1.0')
    .showHelpAfterError('(run with --help for usage)')
    .configureHelp({ sortSubcommands: false });

  program.addCommand(serveCommand());
  program.addCommand(
    withDatabaseFlags(new Command('migrate').description('Apply pending database migrations')).action(
      action(async (opts: { dataDir?: string }) => {
        await withRuntime(opts, async (runtime) => {
          const applied = runtime.appliedMigrations;
          process.stdout.write(
            applied.length ? `applied ${applied.join(', ')}\n` : 'database is up to date\n',
          );
        });
      }),
    ),
  );
  program.addCommand(importThreadCommand());
  program.addCommand(exportThreadCommand());
  program.addCommand(caseCommand());
  program.addCommand(userCommand());
  program.addCommand(tokenCommand());
  program.addCommand(replyCommand());
  program.addCommand(outboxCommand());
  program.addCommand(slaCommand());
  program.addCommand(calendarCommand());
  program.addCommand(policyCommand());
  program.addCommand(workspaceCommand());
  program.addCommand(triageCommand());
  program.addCommand(importMailCommand());
  program.addCommand(mailCommand().addCommand(mailSettingsCommand()));
  program.addCommand(scopeCommand());
  program.addCommand(templateCommand());
  program.addCommand(closeCommand());
  program.addCommand(reopenCommand());
  program.addCommand(splitCommand());
  program.addCommand(mergeCommand());
  return program;
}

export async function runCli(argv: string[]): Promise<void> {
  await buildCli().parseAsync(argv);
}
