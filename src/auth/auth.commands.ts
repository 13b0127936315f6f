import { randomBytes } from 'node:crypto';
import { Command, Option } from 'commander';
import { action, printJson, readStdin, withDatabaseFlags, withRuntime } from '../cli/cli-support.js';
import { createApiToken, createEngineer, getEngineer, listEngineers, setPassword } from './engineers.repo.js';

export function generatePassword(): string {
  return randomBytes(12).toString('base64url');
}

export function userCommand(): Command {
  const command = new Command('user').description('Manage engineers (the people who sign in)');
  command.addCommand(
    withDatabaseFlags(
      new Command('add')
        .description('Add an engineer; prints a generated password unless one is given')
        .argument('<name>', 'display name, e.g. "Li Qi"')
        .option('--email <address>', 'mail address (also a sign-in name)')
        .addOption(new Option('--role <role>', 'role').choices(['admin', 'engineer']).default('engineer'))
        .option('--admin', 'shorthand for --role admin')
        .option('--password-stdin', 'read the password from standard input')
        .option('--json', 'print JSON'),
    ).action(
      action(
        async (
          name: string,
          opts: {
            email?: string;
            role: 'admin' | 'engineer';
            admin?: boolean;
            passwordStdin?: boolean;
            json?: boolean;
            dataDir?: string;
          },
        ) => {
          const given = opts.passwordStdin ? (await readStdin()).replace(/\r?\n$/, '') : null;
          const password = given ?? generatePassword();
          await withRuntime(opts, async (runtime) => {
            const engineer = await createEngineer(runtime.database.db, {
              name,
              email: opts.email ?? null,
              role: opts.admin ? 'admin' : opts.role,
              password,
            });
            if (opts.json) return printJson({ ...engineer, ...(given ? {} : { password }) });
            process.stdout.write(
              `added ${engineer.role} ${engineer.name}${engineer.email ? ` <${engineer.email}>` : ''}\n`,
            );
            if (!given)
              process.stdout.write(
                `password: ${password}\n(shown once; change it with: casedesk user passwd "${name}")\n`,
              );
          });
        },
      ),
    ),
  );
  command.addCommand(
    withDatabaseFlags(
      new Command('passwd')
        .description("Set an engineer's password (read from standard input, or generated and printed)")
        .argument('<name>', 'engineer name or email')
        .option('--password-stdin', 'read the password from standard input'),
    ).action(
      action(async (name: string, opts: { passwordStdin?: boolean; dataDir?: string }) => {
        const given = opts.passwordStdin ? (await readStdin()).replace(/\r?\n$/, '') : null;
        const password = given ?? generatePassword();
        await withRuntime(opts, async (runtime) => {
          const engineer = await getEngineer(runtime.database.db, name);
          await setPassword(runtime.database.db, engineer.id, password);
          process.stdout.write(
            given
              ? `password changed for ${engineer.name}\n`
              : `new password for ${engineer.name}: ${password}\n`,
          );
        });
      }),
    ),
  );
  command.addCommand(
    withDatabaseFlags(
      new Command('list').description('List engineers').option('--json', 'print JSON'),
    ).action(
      action(async (opts: { json?: boolean; dataDir?: string }) => {
        await withRuntime(opts, async (runtime) => {
          const engineers = await listEngineers(runtime.database.db);
          if (opts.json) return printJson(engineers);
          for (const e of engineers) {
            process.stdout.write(
              `${e.name.padEnd(20)} ${e.role.padEnd(9)} ${e.email ?? '-'}${e.active ? '' : ' (inactive)'}\n`,
            );
          }
        });
      }),
    ),
  );
  return command;
}

export function tokenCommand(): Command {
  const command = new Command('token').description('API tokens for scripts and integrations');
  command.addCommand(
    withDatabaseFlags(
      new Command('create')
        .description('Create an API token for an engineer (shown once)')
        .requiredOption('--user <name>', 'engineer name or email the token acts as')
        .option('--name <label>', 'what the token is for', '')
        .option('--json', 'print {token}'),
    ).action(
      action(async (opts: { user: string; name: string; json?: boolean; dataDir?: string }) => {
        await withRuntime(opts, async (runtime) => {
          const engineer = await getEngineer(runtime.database.db, opts.user);
          const { token } = await createApiToken(runtime.database.db, engineer.id, opts.name);
          if (opts.json) return printJson({ token });
          process.stdout.write(`${token}\n`);
        });
      }),
    ),
  );
  return command;
}
