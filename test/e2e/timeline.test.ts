import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { Upload } from 'tus-js-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Browser, openChromium, runAxe, seriousOnes } from './support/chromium.js';
import { engineers, ensureConsoleBuilt } from './support/console-server.js';
import { type FullServer, startFullServer } from './support/full-server.js';

// The case page as things happen: a customer's HTML mail read in its original formatting (sanitized,
// sandboxed, trackers blocked), a log uploaded and triaged while the page is open, and a reply with
// an attachment that reaches a real SMTP server — all in Debian's chromium against a whole CaseDesk.
const CBS_LOG = join(
  import.meta.dirname,
  '..',
  'fixtures',
  'winlogs',
  'alborz25_cbs_ws2012_hash_mismatch_0x800f081f.log',
);
// A 1×1 PNG, sent inline (cid:) with the customer's mail.
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);

let server: FullServer;
let browser: Browser;
let page: Page;
let caseNumber: string;
/** Stands in for a tracker on the internet: records every path asked of it. */
let tracker: Server;
let trackerUrl: string;
const trackerHits: string[] = [];

beforeAll(async () => {
  await ensureConsoleBuilt();
  server = await startFullServer();
  tracker = createServer((req, res) => {
    trackerHits.push(req.url ?? '');
    res.writeHead(200, { 'content-type': 'image/png' }).end(PNG);
  });
  await new Promise<void>((resolve) => tracker.listen(0, '127.0.0.1', resolve));
  const address = tracker.address();
  trackerUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  browser = await openChromium({ locale: 'en-US', timezoneId: 'Asia/Shanghai' });
  page = await browser.context.newPage();
  page.setDefaultTimeout(20_000);
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await new Promise((resolve) => tracker?.close(resolve));
});

const article = (text: string | RegExp) => page.locator('article').filter({ hasText: text });

async function api<T>(path: string, init: { method?: string; data?: unknown } = {}): Promise<T> {
  const res = await page.request.fetch(`${server.url}/api/v1${path}`, {
    method: init.method ?? 'GET',
    ...(init.data !== undefined ? { data: init.data } : {}),
  });
  if (!res.ok()) throw new Error(`${init.method ?? 'GET'} ${path}: ${res.status()} ${await res.text()}`);
  return (await res.json()) as T;
}

describe('case timeline in a real browser', () => {
  it('files a customer HTML mail as a case and opens its page', async () => {
    await server.deliver({
      from: 'Xu Ming <xu.ming@bank.example>',
      subject: 'KB5005112 安装失败 0x800f081f',
      text: '补丁安装失败，截图见附件。',
      html: [
        '<p>补丁安装失败，<b>截图</b>见下：</p>',
        '<img src="cid:shot@bank.example" alt="screenshot">',
        `<img src="${trackerUrl}/pixel.png" alt="tracker">`,
        `<script>fetch('${trackerUrl}/script-ran')</script>`,
        `<img src="x" onerror="fetch('${trackerUrl}/handler-ran')">`,
      ].join(''),
      attachments: [
        { filename: 'shot.png', content: PNG, contentType: 'image/png', cid: 'shot@bank.example' },
        {
          filename: 'systeminfo.txt',
          content: 'OS Name: Microsoft Windows Server 2012 R2\n',
          contentType: 'text/plain',
        },
      ],
    });
    const login = await page.request.post(`${server.url}/api/v1/auth/login`, {
      data: { login: engineers.liQi.name, password: engineers.liQi.password },
    });
    expect(login.ok()).toBe(true);
    for (let i = 0; i < 100 && !caseNumber; i++) {
      const list = await api<{ items: { number: string }[] }>(`/cases?q=${encodeURIComponent('KB5005112')}`);
      caseNumber = list.items[0]?.number ?? '';
      if (!caseNumber) await new Promise((r) => setTimeout(r, 200));
    }
    expect(caseNumber).toMatch(/^CAS-\d{5}-[0-9A-Z]{6}$/);
    await page.goto(`${server.url}/cases/${caseNumber}`);
    await article('Email from Xu Ming').waitFor();
  });

  it('shows the original formatting sanitized: no script runs, remote images only on request', async () => {
    const mail = article('Email from Xu Ming');
    const frameResponses: { url: string; status: number }[] = [];
    page.on('response', (r) => frameResponses.push({ url: r.url(), status: r.status() }));
    await mail.getByRole('button', { name: 'View original formatting' }).click();
    const frame = mail.locator('iframe');
    await frame.waitFor();
    expect(await frame.getAttribute('sandbox')).toBe(
      'allow-same-origin allow-popups allow-popups-to-escape-sandbox',
    );
    const body = page.frameLocator('article iframe').locator('body');
    await body.getByText('见下').waitFor();
    expect(await body.locator('b').innerText()).toBe('截图');
    expect(await body.locator('script').count()).toBe(0);
    // The inline image comes from the email's own files, with the engineer's session.
    await expect
      .poll(() =>
        frameResponses.find((r) => /\/api\/v1\/emails\/[0-9a-f-]+\/files\/[0-9a-f]{64}$/.test(r.url)),
      )
      .toMatchObject({ status: 200 });
    await mail.getByText('Remote images are blocked.').waitFor();
    await page.waitForTimeout(500);
    expect(trackerHits).toEqual([]);

    await mail.getByRole('button', { name: 'Show remote images' }).click();
    await mail.getByText('Remote images are shown.').waitFor();
    await expect.poll(() => trackerHits).toContain('/pixel.png');
    // Neither the script nor the event handler ever ran, before or after.
    expect(trackerHits.filter((h) => h !== '/pixel.png')).toEqual([]);

    await mail.getByRole('button', { name: 'Back to plain text' }).click();
    await mail.getByText('补丁安装失败，截图见附件。').waitFor();
    // Attachments (not the inline image) are download links to the email's own files.
    const download = mail.getByRole('link', { name: 'systeminfo.txt' });
    const href = (await download.getAttribute('href')) ?? '';
    expect(href).toMatch(/^\/api\/v1\/emails\/[0-9a-f-]+\/files\/[0-9a-f]{64}$/);
    const file = await page.request.get(`${server.url}${href}`);
    expect(await file.text()).toBe('OS Name: Microsoft Windows Server 2012 R2\n');
    expect(await mail.getByRole('link', { name: 'shot.png' }).count()).toBe(0);
  });

  it('shows an upload and its triage findings as they happen, without a reload', async () => {
    const opened = await api<{ user: string; password: string }>(`/cases/${caseNumber}/upload-workspaces`, {
      method: 'POST',
      data: {},
    });
    await article(`opened upload workspace ${opened.user}`).waitFor();
    const signIn = await fetch(`${server.url}/upload/api/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ user: opened.user, password: opened.password }),
    });
    expect(signIn.status).toBe(200);
    const cookie = (signIn.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    const bytes = readFileSync(CBS_LOG);
    await new Promise<void>((resolve, reject) => {
      new Upload(bytes, {
        endpoint: `${server.url}/upload/tus`,
        headers: { cookie },
        metadata: { filename: 'CBS.log', filetype: 'text/plain' },
        retryDelays: [],
        onSuccess: () => resolve(),
        onError: reject,
      }).start();
    });

    const upload = article(`${opened.user} uploaded CBS.log`);
    await upload.waitFor({ timeout: 30_000 });
    const uploadText = await upload.innerText();
    expect(uploadText).toContain('14 KB'); // 14,590 bytes
    expect(uploadText).toMatch(/SHA-256\s+[0-9a-f]{12}\b/);
    expect(uploadText).toContain(`Workspace\n${opened.user}`);

    const triage = article('Log triage of CBS.log: 18 findings');
    await triage.waitFor({ timeout: 60_000 });
    const source = triage.locator('li[data-finding-rule="source-missing"]');
    expect(await source.innerText()).toMatch(
      /^error\s+0x800F081F\s+CBS_E_SOURCE_MISSING[\s\S]*The source for the package or file not found\.[\s\S]*CBS\.log, line 96$/i,
    );
    expect(await triage.locator('li[data-finding-rule="hash-mismatch"]').count()).toBe(1);
    expect(await triage.innerText()).toContain('13 errors, 0 warnings, 5 notes');
    const violations = seriousOnes(await runAxe(page));
    expect(violations, JSON.stringify(violations, null, 2)).toEqual([]);
  });

  it('sends a reply with an attachment and a Bcc, with upload credentials from the log-collection template', async () => {
    await page.getByRole('tab', { name: 'Reply' }).click();
    await page.getByRole('textbox', { name: 'Template' }).click();
    await page.getByRole('option', { name: 'Log collection request' }).click();
    await page.getByLabel('Message').waitFor();
    await expect.poll(() => page.getByLabel('Message').inputValue()).toMatch(/\/upload/);
    await page
      .getByRole('button', { name: 'Open an upload workspace and put its credentials in the text' })
      .click();
    const users = async () =>
      (await api<{ user: string }[]>(`/cases/${caseNumber}/upload-workspaces`)).map((w) => w.user);
    await expect.poll(async () => (await users()).length).toBe(2);
    const first = (await page.locator('article').filter({ hasText: 'uploaded CBS.log' }).innerText()).split(
      ' ',
    )[0];
    const newest = (await users()).find((u) => u !== first) ?? '';
    expect(newest).not.toBe('');
    await expect.poll(() => page.getByLabel('Message').inputValue()).toContain(newest);

    await page.getByLabel('Bcc').fill('audit@vendor.example');
    await page.getByLabel('Attachments').setInputFiles({
      name: 'collect-logs.ps1',
      mimeType: 'text/plain',
      buffer: Buffer.from('Get-FileHash C:\\Windows\\Logs\\CBS\\CBS.log\n'),
    });
    await page.getByText('collect-logs.ps1 (41 B)').waitFor();
    await page.getByRole('button', { name: 'Send reply' }).click();
    await page.getByText('Reply queued for sending').waitFor();

    const sent = await server.waitForSent((m) =>
      m.attachments.some((a) => a.filename === 'collect-logs.ps1'),
    );
    const attachment = sent.mail.attachments.find((a) => a.filename === 'collect-logs.ps1');
    expect(Buffer.from(attachment?.content as ArrayBuffer).toString()).toBe(
      'Get-FileHash C:\\Windows\\Logs\\CBS\\CBS.log\n',
    );
    expect(sent.mail.text).toContain(newest);
    expect(sent.envelope.to).toContain('audit@vendor.example');
    expect(sent.mail.headers.some((h) => h.key === 'bcc')).toBe(false);
    // The sent mail is on the timeline with its attachment to download.
    const out = article('Email to customer from Li Qi').filter({ hasText: 'collect-logs.ps1' });
    await out.waitFor();
    expect(await out.getByRole('link', { name: 'collect-logs.ps1' }).getAttribute('href')).toMatch(
      /\/files\//,
    );
  });

  it('refuses attachments over 20 MB in the composer with a clear message', async () => {
    const dump = join(mkdtempSync(join(tmpdir(), 'cd-dump-')), 'memory.dmp');
    writeFileSync(dump, Buffer.alloc(21 * 1024 * 1024));
    await page.getByLabel('Attachments').setInputFiles(dump);
    await page.getByRole('alert').filter({ hasText: 'memory.dmp (21 MB) is not attached' }).waitFor();
    expect(await page.getByText('memory.dmp (21 MB)', { exact: true }).count()).toBe(0);
  });
});
