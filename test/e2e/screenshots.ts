/**
 * `npm run screenshots`: the main console pages at 1280×800 (and the case page at phone width) in
 * zh-CN and en, written to docs/screenshots/. Runs a real server on a fresh in-memory database with
 * the seed case and a few more cases, and drives Debian's chromium.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { createAccount, createContact, findAccountByName } from '../../src/accounts/accounts.repo.js';
import { createCase, engineerActor } from '../../src/cases/cases.service.js';
import { systemClock } from '../../src/platform/clock.js';
import { loadConfig } from '../../src/platform/config.js';
import { setContactPassword } from '../../src/portal/portal-auth.service.js';
import { openChromium } from './support/chromium.js';
import { engineers, ensureConsoleBuilt, seedCase, startConsoleServer } from './support/console-server.js';
import { findEngineer } from './support/find-engineer.js';

const out = join(import.meta.dirname, '..', '..', 'docs', 'screenshots');
mkdirSync(out, { recursive: true });

await ensureConsoleBuilt();
const server = await startConsoleServer();
const db = server.database.db;
const liQi = await findEngineer(db, 'Li Qi');
const deps = { db, clock: systemClock, trackingPrefix: 'CMIT' };
const abc = await createAccount(db, {
  name: 'ABC Bank',
  fullName: 'ABC Bank Ltd.',
  domains: ['abc.example'],
});
await createContact(db, {
  accountId: abc.id,
  name: '王磊',
  email: 'wang.lei@abc.example',
  phone: '010-5555-0101',
});
for (const [title, priority, account, owner] of [
  ['Windows Update 0x800f0922 on 40 branch servers', 'P2', 'ICBC', 'Li Qi'],
  ['群集节点重启后无法加入', 'P1', 'ABC Bank', undefined],
  ['Event ID 1000 crashes in explorer.exe', 'P4', 'ABC Bank', 'Li Qi'],
] as const) {
  await createCase(deps, engineerActor(liQi), { title, priority, account, ...(owner ? { owner } : {}) });
}

const browser = await openChromium({ locale: 'zh-CN' });
const page = await browser.context.newPage();
const shoot = async (name: string, p: Page = page) => {
  await p.waitForLoadState('networkidle');
  await p.screenshot({ path: join(out, `${name}.png`) });
  process.stdout.write(`docs/screenshots/${name}.png\n`);
};

await page.goto(server.url);
for (const lang of ['zh-CN', 'en'] as const) {
  if (lang === 'zh-CN') {
    await shoot('zh-CN-sign-in');
    await page.getByLabel('用户名或邮箱').fill(engineers.liQi.name);
    await page.getByLabel('密码').fill(engineers.liQi.password);
    await page.getByRole('button', { name: '登录' }).click();
    await page.getByRole('heading', { name: '我的案例' }).waitFor();
  } else {
    await page.locator('label:visible', { hasText: 'English' }).first().click();
    await page.getByRole('heading', { name: 'My cases' }).waitFor();
  }
  await shoot(`${lang}-queue`);
  await page.goto(`${server.url}/cases/${seedCase}`);
  await page.locator('article').first().waitFor();
  await shoot(`${lang}-case`);
  await page.goto(`${server.url}/accounts/ICBC`);
  await page.getByRole('heading', { name: 'ICBC' }).waitFor();
  await shoot(`${lang}-account`);
  await page.goto(`${server.url}/admin/engineers`);
  await page.locator('table').waitFor();
  await shoot(`${lang}-engineers`);
  for (const adminPage of ['calendars', 'sla-policies', 'templates', 'mail'] as const) {
    await page.goto(`${server.url}/admin/${adminPage}`);
    await page.locator('main form, main table').first().waitFor();
    await shoot(`${lang}-admin-${adminPage}`);
  }
  await page.goto(`${server.url}/queues/mine`);
}

const phone = await browser.context.newPage();
await phone.setViewportSize({ width: 390, height: 844 });
await phone.goto(`${server.url}/cases/${seedCase}`);
await phone.locator('article').first().waitFor();
await shoot('en-case-phone', phone);

// The customer portal, as a contact of ICBC signed in with a portal password.
const icbc = await findAccountByName(db, 'ICBC');
const customer = await createContact(db, {
  accountId: icbc?.id ?? null,
  name: '王力',
  email: 'wang.li@icbc.example',
});
const portalPassword = 'portal screenshots';
await setContactPassword({ db, clock: systemClock, config: loadConfig({}, {}) }, customer.id, portalPassword);
const portal = await browser.context.newPage();
await portal.goto(`${server.url}/portal`);
await portal.getByRole('heading', { name: 'Sign in to the customer portal' }).waitFor();
await shoot('en-portal-sign-in', portal);
await portal.getByLabel('Email address').fill(customer.email ?? '');
await portal.locator('input[type=password]').fill(portalPassword);
await portal.getByRole('button', { name: 'Sign in', exact: true }).click();
await portal.getByRole('heading', { name: 'Our cases' }).waitFor();
await portal.goto(`${server.url}/portal/cases/${seedCase}`);
await portal.locator('article').first().waitFor();
await shoot('en-portal-case', portal);
await portal.getByText('中文', { exact: true }).click();
await portal.goto(`${server.url}/portal/cases`);
await portal.getByRole('heading', { name: '我们的案例' }).waitFor();
await shoot('zh-CN-portal-cases', portal);
await portal.setViewportSize({ width: 390, height: 844 });
await portal.goto(`${server.url}/portal/cases/${seedCase}`);
await portal.locator('article').first().waitFor();
await shoot('zh-CN-portal-case-phone', portal);

await browser.close();
await server.close();
