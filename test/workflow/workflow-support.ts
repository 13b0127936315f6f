import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAccount, createContact } from '../../src/accounts/accounts.repo.js';
import { importThread } from '../../src/archive/import-thread.js';
import { createEngineer } from '../../src/auth/engineers.repo.js';
import { addParticipant, getCase } from '../../src/cases/cases.repo.js';
import { type Actor, insertEmailActivity } from '../../src/cases/timeline.repo.js';
import { fixedClock } from '../../src/platform/clock.js';
import { loadConfig } from '../../src/platform/config.js';
import { createLocalFileStore } from '../../src/platform/files/file-store.js';
import type { AppDeps } from '../../src/platform/http/app-deps.js';
import type { TestDatabase } from '../support/test-db.js';

export const SEED = 'CAS-04814-C9T9D0';
export const seedPath = join(import.meta.dirname, '../fixtures/seed-thread/000_673e19c121c0ecf3.txt');

/** App dependencies over a test database, with a fixed clock. */
export function testAppDeps(
  database: TestDatabase,
  at = '2021-11-02T08:00:00Z',
): AppDeps & { clock: ReturnType<typeof fixedClock> } {
  const config = loadConfig({}, { trackingPrefix: 'CMIT' });
  const files = createLocalFileStore(mkdtempSync(join(tmpdir(), 'cd-workflow-')));
  return { db: database.db, clock: fixedClock(at), config, files };
}

/**
 * The seed case imported as the README shows, plus its customer 徐先生 with an address (the archive
 * has names only). Returns the engineers' actors.
 */
export async function importSeed(deps: AppDeps): Promise<{ li: Actor; jia: Actor; xuContactId: string }> {
  const li = await createEngineer(deps.db, {
    name: 'Li Qi',
    email: 'li.qi@example.com',
    role: 'admin',
    password: 'correct horse',
  });
  const jia = await createEngineer(deps.db, {
    name: 'Jia Wei',
    email: 'jia.wei@example.com',
    password: 'battery staple',
  });
  const icbc = await createAccount(deps.db, { name: 'ICBC', domains: ['icbc.com.cn'] });
  await importThread(
    { db: deps.db, trackingPrefix: 'CMIT' },
    { fileName: '000_673e19c121c0ecf3.txt', bytes: readFileSync(seedPath), engineers: ['Li Qi', 'Jia Wei'] },
  );
  const xu = await createContact(deps.db, { accountId: icbc.id, name: '徐先生', email: 'xu@icbc.com.cn' });
  const c = await getCase(deps.db, SEED);
  await addParticipant(deps.db, c.id, xu.id, 'customer');
  return {
    li: { type: 'engineer', id: li.id, name: li.name },
    jia: { type: 'engineer', id: jia.id, name: jia.name },
    xuContactId: xu.id,
  };
}

/** A mail from the customer on a case, as inbound mail would record it. */
export async function customerMail(
  deps: AppDeps,
  caseNumber: string,
  input: { text: string; at: string; contactId: string; from?: string },
): Promise<string> {
  const c = await getCase(deps.db, caseNumber);
  return insertEmailActivity(deps.db, {
    caseId: c.id,
    actor: { type: 'contact', id: input.contactId, name: '徐先生' },
    occurredAt: input.at,
    email: {
      direction: 'inbound',
      from: { name: '徐先生', address: input.from ?? 'xu@icbc.com.cn' },
      to: [{ name: 'Li Qi', address: 'li.qi@example.com' }],
      cc: [],
      subject: `回复: [案例号: ${caseNumber} ]`,
      text: input.text,
      html: null,
      sentAt: input.at,
      messageId: `<${Math.random().toString(36).slice(2)}@icbc.com.cn>`,
      inReplyTo: null,
      references: [],
      attachments: [],
    },
  });
}
