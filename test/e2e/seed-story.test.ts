import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Browser, openChromium, runAxe, seriousOnes } from './support/chromium.js';
import { engineers, ensureConsoleBuilt } from './support/console-server.js';
import { type FullServer, startFullServer } from './support/full-server.js';

// The seed case (CAS-04814-C9T9D0, a failing Windows patch at ICBC) played again through the product:
// the customer's mail reaches CaseDesk's SMTP intake, the engineers work it in the console in a real
// chromium, CaseDesk's mail reaches the "customer" through a real SMTP sink, and the customer uploads
// the CBS log through the upload page. Each step asserts what a person sees.

const customer = {
  wu: { name: '吴先生', address: 'wu@icbc.example' },
  xu: { name: '徐先生', address: 'xu@icbc.example' },
};

let server: FullServer;
let engineerBrowser: Browser;
let page: Page;
let caseNumber = '';

beforeAll(async () => {
  await ensureConsoleBuilt();
  server = await startFullServer();
  engineerBrowser = await openChromium({ locale: 'en-US', timezoneId: 'Asia/Shanghai' });
  page = await engineerBrowser.context.newPage();
  page.setDefaultTimeout(20_000);
}, 240_000);

afterAll(async () => {
  await engineerBrowser?.close();
  await server?.close();
});

const timelineItem = (text: string | RegExp) => page.locator('article').filter({ hasText: text });
const header = () => page.locator('header').filter({ hasText: caseNumber });

async function expectNoSeriousAxeViolations(): Promise<void> {
  const violations = seriousOnes(await runAxe(page));
  expect(violations, JSON.stringify(violations, null, 2)).toEqual([]);
}

describe('the seed case, played through the product', () => {
  it('arrives by mail and waits, unassigned, with the customer as a contact of ICBC', async () => {
    // The account is known by its mail domain, as ICBC is in the seed.
    await server.app.inject({ method: 'GET', url: '/healthz' });
    const admin = await signInApi(engineers.liQi.name, engineers.liQi.password);
    const created = await fetch(`${server.url}/api/v1/accounts`, {
      method: 'POST',
      headers: { cookie: admin, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'ICBC', domains: ['icbc.example'] }),
    });
    expect(created.status, await created.clone().text()).toBe(201);

    await server.deliver({
      from: `"${customer.wu.name}" <${customer.wu.address}>`,
      cc: `"${customer.xu.name}" <${customer.xu.address}>`,
      subject: '补丁更新失败',
      text: [
        '您好：',
        '我行多台服务器上系统补丁在线安装及本地安装均失败，相关补丁：KB5004244、KB5003646、KB5003171。',
        '请协助分析。联系人徐先生。',
      ].join('\n'),
    });

    await page.goto(server.url);
    await page.getByLabel('Name or email').fill(engineers.liQi.name);
    await page.getByLabel('Password').fill(engineers.liQi.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('link', { name: 'Unassigned' }).click();
    const row = page.getByRole('row').filter({ hasText: '补丁更新失败' });
    await row.waitFor();
    expect(await row.innerText()).toMatch(/ICBC[\s\S]*P3[\s\S]*New/);
    caseNumber = (await row.innerText()).match(/CAS-\d{5}-[0-9A-Z]{6}/)?.[0] ?? '';
    expect(caseNumber).not.toBe('');
    await row.getByRole('link', { name: caseNumber }).click();
    await header().getByRole('heading', { name: '补丁更新失败' }).waitFor();
    await timelineItem(`Email from ${customer.wu.name}`).getByText('KB5004244').waitFor();
    await expectNoSeriousAxeViolations();
  });
});

async function signInApi(login: string, password: string): Promise<string> {
  const res = await fetch(`${server.url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ login, password }),
  });
  if (res.status !== 200) throw new Error(`sign-in failed: ${res.status}`);
  return (res.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
}
