import type { Kysely } from 'kysely';
import type { Clock } from '../clock.js';
import type { Config } from '../config.js';
import type { DB } from '../db/schema.js';

/** Everything route handlers may use; built once in the composition root. */
export type AppDeps = {
  db: Kysely<DB>;
  clock: Clock;
  config: Config;
};
