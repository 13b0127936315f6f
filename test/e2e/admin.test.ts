import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Browser, openChromium, runAxe, seriousOnes } from './support/chromium.js';
import {
  type ConsoleServer,
  engineers,
  ensureConsoleBuilt,
  seedCase,
  startConsoleServer,
} from './support/console-server.js';

// An admin's tour of the admin pages in a real chromium against a real CaseDesk (seed case imported).
let server: ConsoleServer;
let browser: Browser;
let page: Page;
const smtpSecret = 'e2e-Relay-Secret-42';

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

async function expectNoSeriousAxeViolations(p: Page = page): Promise<void> {
  const violations = seriousOnes(await runAxe(p));
  expect(violations, JSON.stringify(violations, null, 2)).toEqual([]);
}

async function signIn(p: Page, who: { name: string; password: string }): Promise<void> {
  await p.goto(server.url);
  await p.getByLabel('Name or email').fill(who.name);
  await p.getByLabel('Password').fill(who.password);
  await p.getByRole('button', { name: 'Sign in' }).click();
  await p.getByRole('heading', { name: 'My cases' }).waitFor();
}

async function pick(p: Page, label: string, option: string): Promise<void> {
  await p.getByRole('textbox', { name: label, exact: true }).click();
  await p.getByRole('option', { name: option, exact: true }).click();
}

describe('admin pages', () => {
  it('calendars: adds a holiday and a make-up workday and shows them in the list and the month grid', async () => {
    await signIn(page, engineers.liQi);
    await page.getByRole('link', { name: 'Calendars' }).click();
    await page.getByRole('heading', { name: 'Business calendars' }).waitFor();
    const detail = page.getByRole('region', { name: /^Calendar / });
    await detail.waitFor();
    await detail.getByRole('textbox', { name: 'Year', exact: true }).fill('2099');
    await page.getByRole('alert').filter({ hasText: 'No holiday data for 2099' }).waitFor();
    await detail.getByRole('textbox', { name: 'Year', exact: true }).fill('2026');
    await pick(page, 'Month', 'November');

    const dayForm = page.getByRole('form', { name: 'Add or change a day' });
    await dayForm.getByLabel('Date').fill('2026-11-27');
    await dayForm.getByRole('textbox', { name: 'Label' }).fill('Company day');
    await dayForm.getByRole('button', { name: 'Add day' }).click();
    await page.getByRole('status').filter({ hasText: '2026-11-27 saved' }).waitFor();

    await dayForm.getByLabel('Date').fill('2026-11-28');
    await pick(page, 'Kind', 'Make-up workday');
    await dayForm.getByRole('textbox', { name: 'Label' }).fill('Make-up for the company day');
    await dayForm.getByRole('textbox', { name: 'Hours' }).fill('09:00-17:00');
    await dayForm.getByRole('button', { name: 'Add day' }).click();
    await page.getByRole('status').filter({ hasText: '2026-11-28 saved' }).waitFor();

    const days = page.getByRole('table', { name: 'Holidays and make-up workdays in 2026' });
    const holidayRow = days.getByRole('row').filter({ hasText: '2026-11-27' });
    await holidayRow.filter({ hasText: 'Company day' }).filter({ hasText: 'Holiday' }).waitFor();
    const workdayRow = days.getByRole('row').filter({ hasText: '2026-11-28' });
    expect(await workdayRow.innerText()).toMatch(/make-up workday[\s\S]*09:00-17:00/i);
    await page.getByRole('button', { name: '2026-11-27, Holiday, Company day' }).waitFor();
    await page
      .getByRole('button', { name: '2026-11-28, Make-up workday, Make-up for the company day' })
      .waitFor();
    await expectNoSeriousAxeViolations();
  }, 120_000);

  it('SLA policies: changes the P2 first-response target', async () => {
    await page.getByRole('link', { name: 'SLA policies' }).click();
    const p2 = page.getByRole('form', { name: 'Priority P2' });
    await p2.waitFor();
    await p2.getByRole('textbox', { name: /First response/ }).fill('3.5');
    await p2.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('status').filter({ hasText: 'P2 policy saved' }).waitFor();
    const policies = (await (await page.request.get(`${server.url}/api/v1/sla/policies`)).json()) as {
      priority: string;
      account: string | null;
      firstResponseHours: number;
    }[];
    expect(policies.find((r) => r.priority === 'P2' && r.account === null)?.firstResponseHours).toBe(3.5);
    await expectNoSeriousAxeViolations();
  }, 120_000);

  it('templates: edits a template and previews it against the seed case', async () => {
    await page.getByRole('link', { name: 'Templates' }).click();
    await page.getByRole('button', { name: 'Edit scope_agreement (en)' }).click();
    const editor = page.getByRole('form', { name: 'Template scope_agreement (en)' });
    const body = editor.getByRole('textbox', { name: 'Text' });
    const original = await body.inputValue();
    await body.fill(`Admin note for {{caseNumber}} ({{account}}).\n${original}`);
    await editor.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('status').filter({ hasText: 'Template scope_agreement saved' }).waitFor();
    await page.getByRole('textbox', { name: 'Case number for the preview' }).fill(seedCase);
    await page.getByRole('button', { name: 'Preview', exact: true }).click();
    await page
      .getByTestId('template-preview')
      .filter({ hasText: `Admin note for ${seedCase} (ICBC).` })
      .waitFor();
    await expectNoSeriousAxeViolations();
  }, 120_000);

  it('mail settings: saves SMTP settings and never shows the password back', async () => {
    await page.getByRole('link', { name: 'Mail settings' }).click();
    const smtp = page.getByRole('form', { name: 'Outgoing mail (SMTP)' });
    await smtp.getByText('not configured: mail waits in the outbox').waitFor();
    await smtp.getByRole('textbox', { name: /SMTP server/ }).fill('smtp.vendor.example');
    await smtp.getByRole('textbox', { name: 'Port' }).fill('2525');
    await smtp.getByRole('textbox', { name: 'User', exact: true }).fill('relay-user');
    await smtp.getByLabel('Password', { exact: true }).fill(smtpSecret);
    await smtp.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('status').filter({ hasText: 'Mail settings saved' }).first().waitFor();
    await smtp.getByText('A password is set').waitFor();
    expect(await smtp.getByLabel('Password', { exact: true }).inputValue()).toBe('');

    await page.reload();
    const again = page.getByRole('form', { name: 'Outgoing mail (SMTP)' });
    await again.getByText('A password is set').waitFor();
    expect(await again.getByRole('textbox', { name: /SMTP server/ }).inputValue()).toBe(
      'smtp.vendor.example',
    );
    expect(await again.getByLabel('Password', { exact: true }).inputValue()).toBe('');
    expect(await page.content()).not.toContain(smtpSecret);
    const api = await (await page.request.get(`${server.url}/api/v1/mail/settings`)).text();
    expect(api).not.toContain(smtpSecret);
    await expectNoSeriousAxeViolations();
  }, 120_000);

  it('mail settings page is usable at phone width', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.reload();
    await page.getByRole('heading', { name: 'Mail settings' }).waitFor();
    const overflow = await page.evaluate('document.documentElement.scrollWidth - window.innerWidth');
    expect(overflow).toBeLessThanOrEqual(0);
    await expectNoSeriousAxeViolations();
    await page.setViewportSize({ width: 1280, height: 800 });
  }, 120_000);

  it('an engineer sees no admin pages, and the API refuses them', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await signIn(page, engineers.jiaWei);
    const nav = page.getByRole('navigation');
    await nav.getByRole('link', { name: 'Engineers' }).waitFor();
    for (const name of ['Calendars', 'SLA policies', 'Templates', 'Mail settings'])
      expect(await nav.getByRole('link', { name }).count()).toBe(0);
    await page.goto(`${server.url}/admin/mail`);
    await page.getByText('Only admins can see and change this page.').waitFor();
    expect(await page.getByRole('form', { name: 'Outgoing mail (SMTP)' }).count()).toBe(0);
    expect((await page.request.get(`${server.url}/api/v1/mail/settings`)).status()).toBe(403);
  }, 120_000);
});
