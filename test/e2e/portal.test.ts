import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAccount, createContact, findAccountByName } from '../../src/accounts/accounts.repo.js';
import { importThread } from '../../src/archive/import-thread.js';
import { createEngineer } from '../../src/auth/engineers.repo.js';
import { addNote, createCase, engineerActor } from '../../src/cases/cases.service.js';
import { outboundSettings } from '../../src/mail/outbound/mail-settings.js';
import { OutboxSender } from '../../src/mail/outbound/outbox-sender.js';
import { createSmtpTransport } from '../../src/mail/outbound/smtp-transport.js';
import { parseMessage } from '../../src/mail/parse/parse-message.js';
import { systemClock } from '../../src/platform/clock.js';
import { loadConfig } from '../../src/platform/config.js';
import { createLocalFileStore } from '../../src/platform/files/file-store.js';
import { buildApp } from '../../src/platform/http/app.js';
import { type SmtpSink, startSmtpSink } from '../mail-outbound/support/smtp-sink.js';
import { openTestDatabase, type TestDatabase } from '../support/test-db.js';
import { type Browser, openChromium, runAxe, seriousOnes } from './support/chromium.js';
import { ensureConsoleBuilt, seedCase, seedFile } from './support/console-server.js';

// The customer's side in a real browser: a contact of ICBC asks for a sign-in link, takes it from the
// mail CaseDesk actually sent to an SMTP sink, sees only ICBC's case, writes to support and reaches
// the upload page. Another account's case exists and must never show.
const customer = { name: '王力', email: 'wang.li@icbc.example' };
const internalNote = 'INTERNAL: customer IT is slow, escalate quietly';
const otherTitle = 'ABC Bank cluster outage';

let database: TestDatabase;
let app: FastifyInstance;
let sink: SmtpSink;
let sender: OutboxSender;
let browser: Browser;
let page: Page;
let url: string;

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return typeof address === 'object' && address ? address.port : 0;
}

beforeAll(async () => {
  await ensureConsoleBuilt();
  sink = await startSmtpSink();
  const port = await freePort();
  url = `http://127.0.0.1:${port}`;
  database = await openTestDatabase();
  const config = loadConfig(
    {},
    {
      trackingPrefix: 'CMIT',
      publicUrl: url,
      mailFrom: 'Support <support@vendor.example>',
      smtpOutHost: '127.0.0.1',
      smtpOutPort: sink.port,
      smtpOutTls: 'none',
    },
  );
  const files = createLocalFileStore(mkdtempSync(join(tmpdir(), 'cd-portal-e2e-')));
  const db = database.db;
  const liQi = await createEngineer(db, { name: 'Li Qi', email: 'li.qi@vendor.example' });
  await createEngineer(db, { name: 'Jia Wei', email: 'jia.wei@vendor.example' });
  await importThread(
    { db, trackingPrefix: 'CMIT' },
    { fileName: seedFile, bytes: readFileSync(seedFile), engineers: ['Li Qi', 'Jia Wei'] },
  );
  const icbc = await findAccountByName(db, 'ICBC');
  await createContact(db, { accountId: icbc?.id ?? null, ...customer });
  const caseDeps = { db, clock: systemClock, trackingPrefix: 'CMIT' };
  await addNote(caseDeps, engineerActor(liQi), seedCase, { text: internalNote });
  await createAccount(db, { name: 'ABC Bank', domains: ['abc.example'] });
  await createCase(caseDeps, engineerActor(liQi), { title: otherTitle, account: 'ABC Bank' });
  const settings = outboundSettings(config);
  sender = new OutboxSender({
    db,
    clock: systemClock,
    files,
    settings,
    transport: settings.smtp ? createSmtpTransport(settings.smtp) : null,
  });
  app = await buildApp({ db, clock: systemClock, config, files });
  await app.listen({ host: '127.0.0.1', port });
  browser = await openChromium({ locale: 'en-US', timezoneId: 'Asia/Shanghai' });
  page = await browser.context.newPage();
  page.setDefaultTimeout(15_000);
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await app?.close();
  await sink?.close();
  await database?.drop();
});

async function expectNoSeriousAxeViolations(): Promise<void> {
  const violations = seriousOnes(await runAxe(page));
  expect(violations, JSON.stringify(violations, null, 2)).toEqual([]);
}

describe('customer portal in a real browser', () => {
  it('asks for a sign-in link and signs in with the link from the mail that was sent', async () => {
    await page.goto(`${url}/portal`);
    await page.getByRole('heading', { name: 'Sign in to the customer portal' }).waitFor();
    await expectNoSeriousAxeViolations();
    await page.getByLabel('Email address').fill(customer.email);
    await page.getByRole('button', { name: 'Email me a sign-in link' }).click();
    await page.getByRole('status').filter({ hasText: 'a sign-in link is on its way' }).waitFor();

    const round = await sender.runDue();
    expect(round.sent).toBe(1);
    const mail = sink.accepted.at(-1);
    expect(mail?.to).toEqual([customer.email]);
    const parsed = await parseMessage(mail?.raw ?? new Uint8Array());
    if (!parsed.ok) throw new Error(parsed.error);
    expect(parsed.message.subject).toBe('Your CaseDesk customer portal sign-in link');
    const link = /https?:\/\/\S+\/portal\/sign-in\?token=\S+/.exec(parsed.message.text ?? '')?.[0];
    expect(link?.startsWith(`${url}/portal/sign-in?token=`)).toBe(true);

    await page.goto(link as string);
    await page.getByRole('heading', { name: 'Our cases' }).waitFor();
    expect(page.url()).toBe(`${url}/portal/cases`);
  });

  it("lists only the own account's case", async () => {
    const row = page.getByRole('row').filter({ hasText: seedCase });
    await row.waitFor();
    expect(await row.textContent()).toContain('补丁更新失败');
    await page.getByText('All', { exact: true }).click();
    await page.getByRole('row').filter({ hasText: seedCase }).waitFor();
    expect(await page.getByText(otherTitle).count()).toBe(0);
    await expectNoSeriousAxeViolations();
  });

  it('shows the case timeline without internal notes and sends a message to support', async () => {
    await page.getByRole('link', { name: seedCase }).click();
    await page.getByRole('heading', { name: '补丁更新失败' }).waitFor();
    await page.getByText('问题定义').first().waitFor();
    expect(await page.getByText(internalNote).count()).toBe(0);
    await expectNoSeriousAxeViolations();
    await page.getByLabel('Your message').fill('已按步骤收集日志，马上上传。');
    await page.getByRole('button', { name: 'Send' }).click();
    await page.getByRole('status').filter({ hasText: 'Message sent' }).waitFor();
    await page.locator('article').filter({ hasText: '已按步骤收集日志，马上上传。' }).waitFor();
  });

  it('opens the upload page already signed in to the case workspace', async () => {
    await page.getByRole('button', { name: 'Upload logs' }).click();
    const open = page.getByRole('link', { name: 'Open the upload page' });
    await open.waitFor();
    const [upload] = await Promise.all([page.context().waitForEvent('page'), open.click()]);
    await upload.waitForLoadState();
    await upload.getByText(new RegExp(`Signed in as ICBC\\d{3} for case ${seedCase}`)).waitFor();
    await upload.close();
  });

  it('works in Chinese at phone width', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.getByText('中文').click();
    await page.getByRole('heading', { name: '处理记录' }).waitFor();
    await page
      .getByRole('button', { name: '给技术支持留言' })
      .or(page.getByLabel('留言内容'))
      .first()
      .waitFor();
    await expectNoSeriousAxeViolations();
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.getByRole('link', { name: '全部案例' }).click();
    await page.getByRole('heading', { name: '我们的案例' }).waitFor();
  });
});
