import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addNote, engineerActor, getCaseDetail } from '../../src/cases/cases.service.js';
import { insertEmailActivity } from '../../src/cases/timeline.repo.js';
import { systemClock } from '../../src/platform/clock.js';
import { type Browser, openChromium } from './support/chromium.js';
import {
  type ConsoleServer,
  engineers,
  ensureConsoleBuilt,
  seedCase,
  startConsoleServer,
} from './support/console-server.js';
import { findEngineer } from './support/find-engineer.js';
import { pageQueries } from './support/page-queries.js';

// The engineer's day in a real browser: Debian's chromium driven by playwright-core against a real
// CaseDesk on loopback, with the seed case imported from its thread archive.
let server: ConsoleServer;
let browser: Browser;
let page: Page;
const { timelineItem, expectNoSeriousAxeViolations } = pageQueries(() => page);

beforeAll(async () => {
  await ensureConsoleBuilt();
  server = await startConsoleServer();
  browser = await openChromium({ locale: 'en-US', timezoneId: 'Asia/Shanghai' });
  page = await browser.context.newPage();
  page.setDefaultTimeout(15_000);
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('web console, engineer flow on the seed case', () => {
  it('shows the sign-in page and refuses a wrong password', async () => {
    await page.goto(server.url);
    await page.getByRole('heading', { name: 'Sign in to CaseDesk' }).waitFor();
    await expectNoSeriousAxeViolations();
    await page.getByLabel('Name or email').fill(engineers.liQi.name);
    await page.getByLabel('Password').fill('not the password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').filter({ hasText: 'Wrong name/email or password' }).waitFor();
  });

  it('signs in and lists the seed case in "My cases"', async () => {
    await page.getByLabel('Password').fill(engineers.liQi.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'My cases' }).waitFor();
    const row = page.getByRole('row').filter({ hasText: seedCase });
    await row.waitFor();
    expect(await row.innerText()).toMatch(/补丁更新失败[\s\S]*ICBC[\s\S]*P3[\s\S]*In progress[\s\S]*Li Qi/);
    await expectNoSeriousAxeViolations();
  });

  it('filters the queue and finds the case by quick search', async () => {
    await page.getByRole('link', { name: 'Unassigned' }).click();
    await page.getByRole('heading', { name: 'Unassigned' }).waitFor();
    await page.getByText('No cases here.').waitFor();
    await page.getByRole('link', { name: 'All cases' }).click();
    await page.getByLabel('Search number or title').fill('补丁');
    await page.waitForURL(/q=%E8%A1%A5%E4%B8%81/);
    await page.getByRole('row').filter({ hasText: seedCase }).waitFor();
    await page.getByLabel('Search number or title').fill('no such title');
    await page.getByText('No cases here.').waitFor();

    await page.getByRole('searchbox', { name: 'Quick search' }).fill(seedCase.toLowerCase());
    await page.keyboard.press('Enter');
    await page.waitForURL(`**/cases/${seedCase}`);
  });

  it('shows the case header and its timeline, quoted history folded', async () => {
    const header = page.locator('header').filter({ hasText: seedCase });
    await header.getByRole('heading', { name: '补丁更新失败' }).waitFor();
    const text = await header.innerText();
    for (const expected of ['ICBC', 'P3', 'In progress', 'Li Qi', '初次响应', 'CMIT:0001334'])
      expect(text).toContain(expected);
    // Times are shown in the viewer's zone (Asia/Shanghai here): the case opened 2021-09-22 17:01:10Z.
    expect(text).toContain('Sep 23, 2021, 1:01 AM');

    await page.getByText('13 items').waitFor();
    const customerMail = timelineItem('Email from win10升级支持').first();
    await customerMail.waitFor();
    // The scope agreement is in the thread, written by Li Qi.
    await timelineItem('问题定义').first().waitFor();
    await expectNoSeriousAxeViolations();
  });

  it('hands the case over to Jia Wei with a note', async () => {
    await page.getByRole('tab', { name: 'Transfer' }).click();
    await page.getByRole('textbox', { name: 'Hand over to' }).click();
    await page.getByRole('option', { name: /Jia Wei/ }).click();
    await page
      .getByLabel('Handover note')
      .fill('Jia Wei takes over while I am on leave; logs are due Friday.');
    await page.getByRole('button', { name: 'Transfer', exact: true }).click();
    await timelineItem('Li Qi handed the case from Li Qi to Jia Wei').waitFor();
    await timelineItem('logs are due Friday').waitFor();
    const header = page.locator('header').filter({ hasText: seedCase });
    await header.getByText('Jia Wei').waitFor();
  });

  it('logs a call that reached nobody', async () => {
    await page.getByRole('tab', { name: 'Call' }).click();
    await page.getByLabel('Who was called').fill('徐先生');
    await page.getByLabel('What was said').fill('Rang twice, went to voicemail.');
    await page.getByRole('button', { name: 'Log call' }).click();
    const call = timelineItem('Li Qi called 徐先生: no answer');
    await call.waitFor();
    expect(await call.innerText()).toContain('Rang twice, went to voicemail.');
  });

  it('adds an internal note, marked internal', async () => {
    await page.getByRole('tab', { name: 'Note' }).click();
    await page.getByRole('textbox', { name: /^Note/ }).fill('Customer prefers calls after 14:00.');
    await page.getByRole('button', { name: 'Add note' }).click();
    const note = timelineItem('Customer prefers calls after 14:00.');
    await note.waitFor();
    expect(await note.innerText()).toMatch(/Internal note by Li Qi\s+Internal/i);
    await page.getByText('16 items').waitFor();
    await expectNoSeriousAxeViolations();
  });

  it('changes the status to waiting for customer', async () => {
    await page.getByRole('tab', { name: 'Status' }).click();
    await page.getByRole('textbox', { name: 'New status' }).click();
    await page.getByRole('option', { name: 'Waiting for customer' }).click();
    await page.getByRole('button', { name: 'Change status' }).click();
    await timelineItem('Li Qi changed the status from In progress to Waiting for customer').waitFor();
    await page.locator('header').filter({ hasText: seedCase }).getByText('Waiting for customer').waitFor();
  });

  it('shows new mail and a colleague note while the page is open, quoted history folded', async () => {
    const deps = { db: server.database.db, clock: systemClock, trackingPrefix: 'CMIT' };
    const jiaWei = await findEngineer(server.database.db, 'Jia Wei');
    const { id: caseId } = await getCaseDetail(deps, seedCase);
    await insertEmailActivity(server.database.db, {
      caseId,
      actor: { type: 'contact', id: null, name: '徐先生' },
      occurredAt: new Date(),
      email: {
        direction: 'inbound',
        from: { name: '徐先生', address: 'xu@icbc.example' },
        to: [{ name: 'Jia Wei', address: 'jia.wei@example.com' }],
        cc: [],
        subject: `回复: [案例号: ${seedCase} ] % |P3|ICBC|补丁更新失败 % 初次响应 CMIT:0001334`,
        text: [
          '日志已上传，请查收。',
          '',
          '发件人: Jia Wei <jia.wei@example.com>',
          '发送时间: 2021年9月24日 10:00',
          '收件人: 徐先生',
          '主题: 回复: 补丁更新失败',
          '',
          '请按附件方法收集日志并上传。',
        ].join('\n'),
        html: null,
        sentAt: new Date(),
        messageId: '<e2e-1@icbc.example>',
        inReplyTo: null,
        references: [],
        attachments: [],
      },
    });
    await addNote(deps, engineerActor(jiaWei), seedCase, {
      text: 'Customer uploaded the CBS logs to the share.',
    });

    await timelineItem('Customer uploaded the CBS logs to the share.').waitFor({ timeout: 15_000 });
    await page.getByText('New activity on this case').waitFor();
    const mail = timelineItem('Email from 徐先生');
    await mail.getByText('日志已上传，请查收。').waitFor();
    // The quoted Outlook block is folded behind a summary, and opens on demand.
    const quoted = mail.locator('details pre');
    expect(await quoted.isVisible()).toBe(false);
    await mail.getByText('Show quoted history (6 lines)').click();
    await quoted.waitFor(); // the text is put in the page when the fold opens
    expect(await quoted.innerText()).toContain('请按附件方法收集日志并上传。');
  });

  it('switches to Chinese, and the choice survives a reload', async () => {
    await page.locator('label:visible', { hasText: '中文' }).first().click();
    await page.getByRole('heading', { name: '时间线' }).waitFor();
    await timelineItem('Li Qi 致电 徐先生：无人接听').waitFor();
    await page.reload();
    await page.getByRole('link', { name: '我的案例' }).waitFor();
    expect(await page.getAttribute('html', 'lang')).toBe('zh-CN');
    await expectNoSeriousAxeViolations();
    await page.locator('label:visible', { hasText: 'English' }).first().click();
    await page.getByRole('link', { name: 'My cases' }).waitFor();
  });

  it('lists accounts with their contacts, and engineers', async () => {
    await page.getByRole('link', { name: 'Accounts' }).click();
    await page.getByRole('link', { name: 'ICBC' }).click();
    await page.getByRole('heading', { name: 'ICBC' }).waitFor();
    await page.getByRole('cell', { name: 'win10升级支持' }).waitFor();
    await page.getByLabel('Name').fill('徐先生');
    await page.getByLabel('Email').fill('xu@icbc.example');
    await page.getByRole('button', { name: 'Add contact' }).click();
    await page.getByRole('cell', { name: 'xu@icbc.example' }).waitFor();
    await expectNoSeriousAxeViolations();

    await page.getByRole('link', { name: 'Engineers' }).click();
    await page.getByRole('cell', { name: 'jia.wei@example.com' }).waitFor();
    await expectNoSeriousAxeViolations();
  });

  it('keeps unknown API paths as problem+json, deep links as the console', async () => {
    const api = await fetch(`${server.url}/api/v1/no-such-thing`);
    expect(api.status).toBe(401);
    expect(api.headers.get('content-type')).toContain('application/problem+json');
    const outside = await fetch(`${server.url}/api/nothing-here`);
    expect(outside.status).toBe(404);
    expect(outside.headers.get('content-type')).toContain('application/problem+json');
    const deep = await fetch(`${server.url}/cases/${seedCase}`);
    expect(deep.status).toBe(200);
    expect(deep.headers.get('content-type')).toContain('text/html');
  });

  it('signs out', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in to CaseDesk' }).waitFor();
  });
});
