import type { Kysely } from 'kysely';
import { type Engineer, listEngineers } from '../../../src/auth/engineers.repo.js';
import type { DB } from '../../../src/platform/db/db.js';

export async function findEngineer(db: Kysely<DB>, name: string): Promise<Engineer> {
  const found = (await listEngineers(db)).find((e) => e.name === name);
  if (!found) throw new Error(`no engineer ${name}`);
  return found;
}
