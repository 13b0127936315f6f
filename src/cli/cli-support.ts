import type { Command } from 'commander';
import { openRuntime, type Runtime } from '../main.js';
import { type Config, loadConfig } from '../platform/config.js';
import { DomainError } from '../platform/errors.js';

/** Options every command takes for choosing its database. */
export type DatabaseFlags = { dataDir?: string };

export function withDatabaseFlags(command: Command): Command {
  return command.option(
    '--data-dir <dir>',
    'PGlite data directory (ignored when DATABASE_URL is set)',
    undefined,
  );
}

export function configFrom(flags: DatabaseFlags & Partial<Record<keyof Config, unknown>>): Config {
  return loadConfig(process.env, flags);
}

/** Opens the runtime, runs `fn`, always closes the database. */
export async function withRuntime<T>(
  flags: DatabaseFlags & Partial<Record<keyof Config, unknown>>,
  fn: (runtime: Runtime) => Promise<T>,
): Promise<T> {
  const runtime = await openRuntime(configFrom(flags));
  try {
    return await fn(runtime);
  } finally {
    await runtime.database.close();
  }
}

/** Maps any error to a one-line message on stderr and a non-zero exit; never a stack trace for domain errors. */
export function reportCliError(err: unknown): never {
  if (err instanceof DomainError) {
    process.stderr.write(`error: ${err.message}\n`);
    process.exit(err.status === 404 ? 3 : 1);
  }
  const message = err instanceof Error ? err.message : String(err);
  process.stderr.write(`error: ${message}\n`);
  if (process.env.CASEDESK_DEBUG) process.stderr.write(`${err instanceof Error ? err.stack : ''}\n`);
  process.exit(1);
}

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** Wraps a command action so errors become CLI messages. */
export function action<A extends unknown[]>(
  fn: (...args: A) => Promise<void>,
): (...args: A) => Promise<void> {
  return async (...args: A) => {
    try {
      await fn(...args);
    } catch (err) {
      reportCliError(err);
    }
  };
}

export async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
