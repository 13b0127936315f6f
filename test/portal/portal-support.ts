import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { createApiToken, createEngineer } from '../../src/auth/engineers.repo.js';
import { fixedClock } from '../../src/platform/clock.js';
import { loadConfig } from '../../src/platform/config.js';
import { createLocalFileStore } from '../../src/platform/files/file-store.js';
import { buildApp } from '../../src/platform/http/app.js';
import { openTestDatabase, type TestDatabase } from '../support/test-db.js';

export type PortalWorld = {
  database: TestDatabase;
  app: FastifyInstance;
  clock: ReturnType<typeof fixedClock>;
  engineer: { authorization: string };
  ownerId: string;
  /** Contacts by short name, with their ids. */
  contacts: Record<'wang' | 'zhao' | 'chen', { id: string; email: string }>;
  caseA: string;
  caseB: string;
  close: () => Promise<void>;
};

/**
 * Two accounts (ICBC, ABC), a contact of each plus a second ICBC contact, one case each, and an
 * engineer with an API token who owns both cases.
 */
export async function startPortalWorld(): Promise<PortalWorld> {
  const database = await openTestDatabase();
  const clock = fixedClock('2026-05-06T02:00:00Z');
  const config = loadConfig(
    {},
    { trackingPrefix: 'CMIT', mailFrom: 'support@vendor.example', publicUrl: 'https://desk.vendor.example' },
  );
  const files = createLocalFileStore(mkdtempSync(join(tmpdir(), 'cd-portal-')));
  const app = await buildApp({ db: database.db, clock, config, files });
  const owner = await createEngineer(database.db, { name: 'Li Qi', email: 'li.qi@vendor.example' });
  const engineer = { authorization: `Bearer ${(await createApiToken(database.db, owner.id, 't')).token}` };
  const call = async (method: 'POST' | 'GET', url: string, payload?: object) => {
    const res = await app.inject({ method, url, headers: engineer, ...(payload ? { payload } : {}) });
    if (res.statusCode >= 300) throw new Error(`${method} ${url}: ${res.statusCode} ${res.body}`);
    return res.json();
  };
  await call('POST', '/api/v1/accounts', { name: 'ICBC', domains: ['icbc.com.cn'] });
  await call('POST', '/api/v1/accounts', { name: 'ABC', domains: ['abchina.com'] });
  const wang = await call('POST', '/api/v1/contacts', {
    account: 'ICBC',
    name: 'Wang Li',
    email: 'wang.li@icbc.com.cn',
  });
  const zhao = await call('POST', '/api/v1/contacts', {
    account: 'ICBC',
    name: 'Zhao Min',
    email: 'zhao.min@icbc.com.cn',
  });
  const chen = await call('POST', '/api/v1/contacts', {
    account: 'ABC',
    name: 'Chen Jie',
    email: 'chen.jie@abchina.com',
  });
  const caseA = (
    await call('POST', '/api/v1/cases', { title: '补丁更新失败', account: 'ICBC', owner: 'Li Qi' })
  ).number;
  const caseB = (
    await call('POST', '/api/v1/cases', { title: 'ABC secret outage', account: 'ABC', owner: 'Li Qi' })
  ).number;
  return {
    database,
    app,
    clock,
    engineer,
    ownerId: owner.id,
    contacts: {
      wang: { id: wang.id, email: wang.email },
      zhao: { id: zhao.id, email: zhao.email },
      chen: { id: chen.id, email: chen.email },
    },
    caseA,
    caseB,
    close: async () => {
      await app.close();
      await database.drop();
    },
  };
}

/** The portal cookie from a sign-in answer, ready for a `cookie` header. */
export function portalCookie(res: { cookies: { name: string; value: string }[] }): string {
  const c = res.cookies.find((x) => x.name === 'casedesk_portal');
  if (!c) throw new Error('no portal cookie set');
  return `casedesk_portal=${c.value}`;
}

/** The sign-in link of the newest link mail to `email` in the outbox. */
export async function latestLinkToken(world: PortalWorld, email: string): Promise<string | null> {
  const rows = await world.database.db
    .selectFrom('mail_outbox')
    .select(['text_body', 'to_addresses'])
    .orderBy('created_at', 'desc')
    .execute();
  for (const r of rows) {
    const to = r.to_addresses as { address: string | null }[];
    if (!to.some((a) => a.address === email)) continue;
    const m = /\/portal\/sign-in\?token=([^\s]+)/.exec(r.text_body);
    if (m?.[1]) return decodeURIComponent(m[1]);
  }
  return null;
}
