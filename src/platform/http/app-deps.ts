import type { Kysely } from 'kysely';
import type { Clock } from '../clock.js';
import type { Config } from '../config.js';
import type { DB } from '../db/db.js';
import type { FileStore } from '../files/file-store.js';

/** Everything route handlers, jobs and periodic tasks may use; built once in the composition root. */
export type AppDeps = {
  db: Kysely<DB>;
  clock: Clock;
  config: Config;
  files: FileStore;
};
