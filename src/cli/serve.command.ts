import { Command } from 'commander';
import { generatePassword } from '../auth/auth.commands.js';
import { countEngineers, createEngineer } from '../auth/engineers.repo.js';
import { startInbound } from '../mail/inbound/start-inbound.js';
import { appDeps, openRuntime, startBackground } from '../main.js';
import { buildApp } from '../platform/http/app.js';
import { action, configFrom, withDatabaseFlags } from './cli-support.js';

export function serveCommand(): Command {
  return withDatabaseFlags(
    new Command('serve')
      .description('Run the CaseDesk server (HTTP API and console)')
      .option('--host <host>', 'address to listen on (env CASEDESK_HOST)')
      .option('--port <port>', 'HTTP port (env CASEDESK_PORT)')
      .option('--smtp-port <port>', 'inbound SMTP port; off unless set (env CASEDESK_SMTP_PORT)'),
  ).action(
    action(async (opts: { host?: string; port?: string; smtpPort?: string; dataDir?: string }) => {
      const config = configFrom(opts);
      const runtime = await openRuntime(config);
      const deps = appDeps(runtime);
      const app = await buildApp(deps, {
        logger: config.logLevel === 'silent' ? false : { level: config.logLevel },
      });
      const firstAdmin = await ensureFirstAdmin(runtime.database.db);
      await app.listen({ host: config.host, port: config.port });
      const stopBackground = startBackground(deps, (level, message, fields) =>
        app.log[level](fields ?? {}, message),
      );
      const inbound = await startInbound(deps, (level, message, fields) =>
        app.log[level](fields ?? {}, message),
      );
      const address = app.server.address();
      const port = typeof address === 'object' && address ? address.port : config.port;
      const url =
        config.publicUrl ?? `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
      const where = config.databaseUrl ? 'PostgreSQL (DATABASE_URL)' : `PGlite in ${config.dataDir}`;
      const lines = [`CaseDesk is running at ${url}  (API docs: ${url}/api/docs, data: ${where})`];
      lines.push(...inbound.lines);
      if (firstAdmin) {
        lines.push(
          'First start: an admin account was created.',
          `  sign in as "${firstAdmin.name}" with password ${firstAdmin.password}`,
          '  (shown only now; change it with: casedesk user passwd admin)',
        );
      }
      process.stdout.write(`${lines.join('\n')}\n`);
      const stop = async () => {
        await inbound.stop();
        await stopBackground();
        await app.close();
        await runtime.database.close();
        process.exit(0);
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    }),
  );
}

/** On an empty database, creates the first admin so a new user can sign in at once. */
async function ensureFirstAdmin(
  db: Parameters<typeof countEngineers>[0],
): Promise<{ name: string; password: string } | null> {
  if ((await countEngineers(db)) > 0) return null;
  const password = process.env.CASEDESK_ADMIN_PASSWORD || generatePassword();
  await createEngineer(db, { name: 'admin', role: 'admin', password });
  return {
    name: 'admin',
    password: process.env.CASEDESK_ADMIN_PASSWORD ? '(from CASEDESK_ADMIN_PASSWORD)' : password,
  };
}
