import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engineerFetch, startUploadHarness, type UploadHarness } from './upload-harness.js';

const CHROMIUM = '/usr/bin/chromium';
const hasChromium = (() => {
  try {
    return statSync(CHROMIUM).isFile();
  } catch {
    return false;
  }
})();

let h: UploadHarness;
let browser: Browser;
let ws: { user: string; password: string };
const dir = mkdtempSync(join(tmpdir(), 'cd-page-'));

beforeAll(async () => {
  h = await startUploadHarness();
  const res = await engineerFetch(h, `/api/v1/cases/${h.caseNumber}/upload-workspaces`, {
    method: 'POST',
    body: {},
  });
  ws = (await res.json()) as { user: string; password: string };
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await h?.close();
});

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

function file(name: string, bytes: Buffer): string {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return path;
}

async function signIn(page: Page, password: string): Promise<void> {
  await page.fill('#password', password);
  await page.click('#sign-in');
}

async function receiptHashes(page: Page): Promise<string[]> {
  return page.$$eval('#receipts tbody tr', (rows) =>
    rows.map((r) => (r as unknown as { dataset: { sha256?: string } }).dataset.sha256 ?? ''),
  );
}

describe.skipIf(!hasChromium && !process.env.CI)('the upload page in a real browser', () => {
  it('signs in, uploads several dropped files with Uppy over tus and shows SHA-256 receipts', async () => {
    const page = await browser.newPage();
    await page.goto(`${h.baseUrl}/upload/?user=${ws.user}`);
    await page.waitForSelector('#login:not([hidden])');
    expect(await page.inputValue('#user')).toBe(ws.user);
    await signIn(page, 'wrong-password');
    await page.waitForSelector('#login-error:not([hidden])');
    expect(await page.textContent('#login-error')).toBe('Wrong user name or password');
    await signIn(page, ws.password);
    await page.waitForSelector('#workspace:not([hidden])');
    expect(await page.textContent('#who')).toContain(h.caseNumber);

    const a = randomBytes(300_000);
    const b = Buffer.from(
      '2021-08-02 10:00:00, Error CBS Failed to resolve package [HRESULT = 0x80073712]\r\n',
    );
    await page.setInputFiles('.uppy-Dashboard-input', [file('a.bin', a), file('CBS.log', b)]);
    await page.waitForSelector('#receipts tbody tr:nth-child(2)', { timeout: 20_000 });
    expect((await receiptHashes(page)).sort()).toEqual([sha256(a), sha256(b)].sort());
    await page.close();
  });

  it('resumes after a browser reload: the same file continues the same upload', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const big = randomBytes(6 * 1024 * 1024);
    const path = file('big.bin', big);
    await page.goto(`${h.baseUrl}/upload/`);
    await page.fill('#user', ws.user);
    await signIn(page, ws.password);
    await page.waitForSelector('#workspace:not([hidden])');
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', {
      offline: false,
      latency: 0,
      downloadThroughput: -1,
      uploadThroughput: 1024 * 1024, // 1 MB/s: the upload is mid-way when the page reloads
    });
    await page.setInputFiles('.uppy-Dashboard-input', path);
    const partialSize = async () => {
      const row = await h.database.db
        .selectFrom('upload_files')
        .select(['id', 'status'])
        .where('file_name', '=', 'big.bin')
        .execute();
      if (row.length !== 1) return 0;
      return (
        statSync(join(h.files.tempDir, 'tus', row[0]?.id as string), { throwIfNoEntry: false })?.size ?? 0
      );
    };
    const deadline = Date.now() + 15_000;
    while ((await partialSize()) < 1024 * 1024 && Date.now() < deadline) await page.waitForTimeout(100);
    await page.reload(); // cuts the running upload
    const received = await partialSize();
    expect(received).toBeGreaterThan(0);
    expect(received).toBeLessThan(big.length);

    await cdp.send('Network.emulateNetworkConditions', {
      offline: false,
      latency: 0,
      downloadThroughput: -1,
      uploadThroughput: -1,
    });
    await page.waitForSelector('#workspace:not([hidden])'); // still signed in after the reload
    await page.setInputFiles('.uppy-Dashboard-input', path);
    await page.waitForSelector(`#receipts tbody tr[data-sha256="${sha256(big)}"]`, { timeout: 20_000 });
    const rows = await h.database.db
      .selectFrom('upload_files')
      .select(['status', 'sha256'])
      .where('file_name', '=', 'big.bin')
      .execute();
    expect(rows).toEqual([{ status: 'complete', sha256: sha256(big) }]); // one upload, resumed
    await context.close();
  });
});
