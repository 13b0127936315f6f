import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCase, engineerActor } from '../../src/cases/cases.service.js';
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

// The case workflow in a real browser (Debian's chromium, playwright-core) against a real CaseDesk
// with the seed case imported: scope agreement, upload workspace, split, merge, close, reopen.
let server: ConsoleServer;
let browser: Browser;
let page: Page;
const { timelineItem, section, dialog, expectNoSeriousAxeViolations } = pageQueries(() => page);

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

async function openCase(number: string): Promise<void> {
  await page.goto(`${server.url}/cases/${number}`);
  await page.locator('header').filter({ hasText: number }).waitFor();
}

const problem = 'Windows 10 1809 cannot install the July cumulative update KB5004244 (error 0x80073712).';
const customer = '徐先生 <xu@icbc.example>';
let childCase = '';

describe('case workflow on the seed case, in the console', { timeout: 90_000 }, () => {
  it('signs in and shows the scope agreement as not agreed yet', async () => {
    await page.goto(server.url);
    await page.getByLabel('Name or email').fill(engineers.liQi.name);
    await page.getByLabel('Password').fill(engineers.liQi.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'My cases' }).waitFor();
    await openCase(seedCase);
    const scope = section('Scope agreement');
    await scope.getByText('Not agreed yet').waitFor();
    await scope.getByText('No scope agreed with the customer yet').waitFor();
    await section('Workflow').getByRole('button', { name: 'Close case…' }).waitFor();
    await expectNoSeriousAxeViolations();
  });

  it('records the scope, previews the first response from the template and sends it', async () => {
    const scope = section('Scope agreement');
    await scope.getByRole('button', { name: 'Record scope' }).click();
    await scope.getByRole('textbox', { name: 'Problem definition' }).fill(problem);
    await scope
      .getByRole('textbox', { name: 'Scope', exact: true })
      .fill('Installing the July cumulative update on the affected workstation; not other patches.');
    await scope.getByLabel('Follow up every N business days').fill('2');
    await scope.getByLabel('Hotline').fill('400-820-3800');
    await scope.getByText('English', { exact: true }).click();
    await expectNoSeriousAxeViolations();
    await scope.getByRole('button', { name: 'Save scope' }).click();

    const shown = await scope.locator('dl').first().innerText();
    expect(shown).toContain(problem);
    await scope.getByText('Every 2 business days').waitFor();
    await scope.getByText('Solved · By design · Third party').waitFor();
    await scope.getByText('Not sent to the customer yet').waitFor();

    await scope.getByRole('button', { name: 'Send as first response…' }).click();
    const preview = dialog().getByRole('textbox', { name: /Mail to the customer/ });
    await expect.poll(() => preview.inputValue()).toContain(problem);
    const rendered = await preview.inputValue();
    expect(rendered).toContain(`Case number: ${seedCase}`);
    expect(rendered).toContain('every 2 business day(s)');
    expect(rendered).toContain('400-820-3800');
    expect(rendered).not.toContain('{{');
    await expectNoSeriousAxeViolations();
    // The imported thread has no customer address: the engineer types one; a bad one is refused.
    const to = dialog().getByRole('textbox', { name: 'To', exact: true });
    await to.fill('not an address');
    await dialog().getByText('Not mail addresses: not an address').waitFor();
    expect(await dialog().getByRole('button', { name: 'Send' }).isDisabled()).toBe(true);
    await to.fill(customer);
    await preview.fill(`${rendered}\nP.S. The log collector is attached to the next mail.`);
    await dialog().getByRole('button', { name: 'Send' }).click();

    await scope.getByText('Scope agreement queued for sending to xu@icbc.example').waitFor();
    await scope.getByText(/^Sent to the customer /).waitFor();
    const mail = timelineItem('P.S. The log collector is attached to the next mail.');
    await mail.waitFor();
    expect(await mail.innerText()).toContain('Email to customer from Li Qi');
  });

  it('opens an upload workspace and shows its credentials once', async () => {
    const uploads = section('Upload workspaces');
    await uploads.getByText('No upload workspace yet.').waitFor();
    await uploads.getByRole('button', { name: 'Open upload workspace' }).click();
    await uploads.getByText('the password is shown only now').waitFor();
    const credentials = uploads.getByTestId('workspace-credentials');
    const text = await credentials.innerText();
    expect(text).toMatch(/Upload page\s+http:\/\/127\.0\.0\.1:\d+\/upload\S*/);
    expect(text).toMatch(/User\s+ICBC\d{3}/);
    expect(text).toMatch(/Password\s+\S{8,}/);
    expect(text).toMatch(/Expires \w{3} \d+, 20\d\d/);
    for (const what of ['Upload page', 'User', 'Password'])
      await credentials.getByRole('button', { name: `Copy ${what}` }).waitFor();
    const user = /User\s+(ICBC\d{3})/.exec(text)?.[1] ?? '';
    await uploads.getByRole('listitem').filter({ hasText: user }).getByText('Active').waitFor();
    await uploads.getByText('No files uploaded yet.').waitFor();
    await expectNoSeriousAxeViolations();
  });

  it('splits two mails of the timeline into a child case, linked both ways', async () => {
    await section('Workflow').getByRole('button', { name: 'Split…' }).click();
    // The customer's IT team's two mails about domain-account permissions (mails 9 and 10 of the seed).
    const mails = dialog().getByRole('checkbox', { name: /win10升级支持 .*需要手动赋予域账户管理员权限/ });
    expect(await mails.count()).toBe(2);
    await mails.nth(0).check();
    await mails.nth(1).check();
    await dialog().getByText('2 chosen').waitFor();
    await dialog()
      .getByRole('textbox', { name: 'Title of the new case' })
      .fill('域账户权限：替换 manifest 文件');
    await expectNoSeriousAxeViolations();
    await dialog().getByRole('button', { name: 'Open child case' }).click();

    const done = section('Workflow')
      .getByRole('status')
      .filter({ hasText: 'Child case opened with 2 mails' });
    const link = done.getByRole('link');
    childCase = (await link.innerText()).trim();
    expect(childCase).toMatch(/^CAS-\d{5}-[0-9A-Z]{6}$/);
    const related = section('Related cases');
    await related.getByText('Split off into').waitFor();
    await related.getByRole('link', { name: childCase }).waitFor();

    await link.click();
    await page.locator('header').filter({ hasText: childCase }).getByText('域账户权限').waitFor();
    await section('Related cases').getByText('Split from').waitFor();
    await section('Related cases').getByRole('link', { name: seedCase }).waitFor();
    expect(await timelineItem('Email from win10升级支持').count()).toBe(2);
  });

  it('merges a second case into the seed case after saying what will happen', async () => {
    const deps = { db: server.database.db, clock: systemClock, trackingPrefix: 'CMIT' };
    const liQi = await findEngineer(server.database.db, 'Li Qi');
    const duplicate = await createCase(deps, engineerActor(liQi), {
      title: '补丁 KB5004244 安装失败（重复报告）',
      account: 'ICBC',
      owner: 'Li Qi',
    });
    await openCase(duplicate.number);
    await section('Workflow').getByRole('button', { name: 'Merge…' }).click();
    await dialog().getByRole('textbox', { name: 'Surviving case' }).fill(seedCase.toLowerCase());
    const warning = await dialog().getByTestId('merge-warning').innerText();
    expect(warning).toContain(`Every mail, call and note of ${duplicate.number} moves to ${seedCase}`);
    expect(warning).toContain(`its token ${duplicate.trackingToken} will thread to ${seedCase}`);
    await expectNoSeriousAxeViolations();
    await dialog()
      .getByRole('button', { name: `Merge into ${seedCase}` })
      .click();

    const closure = section('Closed: Duplicate');
    await closure.getByText('This case was merged into').waitFor();
    await closure.getByText('Closed without consent').waitFor();
    expect(await closure.getByRole('button', { name: 'Reopen case' }).count()).toBe(0);
    await closure.getByRole('link', { name: seedCase }).click();
    const related = section('Related cases');
    await related.getByText('Merged in from').waitFor();
    await related.getByRole('link', { name: duplicate.number }).waitFor();
  });

  it('drafts the closure summary, closes with reason and consent, and shows the closed case', async () => {
    await section('Workflow').getByRole('button', { name: 'Close case…' }).click();
    // The scope agreement allows solved, by design and third party; no response and duplicate always.
    await dialog().getByRole('textbox', { name: 'Reason' }).click();
    await page.getByRole('option', { name: 'Solved' }).click();
    expect(await dialog().getByRole('button', { name: 'Close case' }).isDisabled()).toBe(true);
    await dialog().getByRole('textbox', { name: "Customer's consent" }).click();
    await page
      .getByRole('option', { name: /^win10升级支持 .*需要手动赋予域账户管理员权限/ })
      .last()
      .click();
    await dialog().getByLabel('Root cause (optional)').fill('Component store corruption (0x80073712).');
    await dialog().getByRole('button', { name: 'Draft summary' }).click();
    const summary = dialog().getByRole('textbox', { name: 'Summary' });
    await expect.poll(() => summary.inputValue()).toContain(seedCase);
    const drafted = await summary.inputValue();
    expect(drafted).toContain(problem);
    expect(drafted).toContain('Component store corruption (0x80073712).');
    // It says where each fact came from: the fix from Li Qi's latest mail with steps.
    expect(await dialog().getByTestId('draft-sources').innerText()).toMatch(
      /^Problem from the scope agreement; root cause from what you typed; fix from your mail Li Qi · /,
    );
    await summary.fill(`${drafted}\nThank you for your patience.`);
    await dialog().getByRole('textbox', { name: 'To', exact: true }).fill(customer);
    await expectNoSeriousAxeViolations();
    await dialog().getByRole('button', { name: 'Close case' }).click();

    const closure = section('Closed: Solved');
    await closure.getByText(/^by Li Qi, /).waitFor();
    await closure.getByText(/win10升级支持 · .*需要手动赋予域账户管理员权限/).waitFor();
    expect(await closure.getByTestId('closure-summary').innerText()).toContain(
      'Thank you for your patience.',
    );
    await page.locator('header').filter({ hasText: seedCase }).getByText('Closed', { exact: true }).waitFor();
    expect(await section('Workflow').count()).toBe(0);
    await timelineItem('Thank you for your patience.').waitFor();
    await expectNoSeriousAxeViolations();
  });

  it('reopens the closed case with a reason', async () => {
    const closure = section('Closed: Solved');
    await closure.getByRole('textbox', { name: 'Why reopen' }).fill('The customer reports the error again.');
    await closure.getByRole('button', { name: 'Reopen case' }).click();
    await page
      .locator('header')
      .filter({ hasText: seedCase })
      .getByText('In progress', { exact: true })
      .waitFor();
    await section('Workflow').getByRole('button', { name: 'Close case…' }).waitFor();
    expect(await section('Closed: Solved').count()).toBe(0);
    await timelineItem('The customer reports the error again.').waitFor();
    // The Close dialog of before does not come back with the reopened case.
    expect(await dialog().count()).toBe(0);
  });

  it('works at phone width in Chinese', async () => {
    await page.locator('label:visible', { hasText: '中文' }).first().click();
    await page.setViewportSize({ width: 390, height: 844 });
    await section('范围确认').getByText('每 2 个工作日').waitFor();
    await section('流程').getByRole('button', { name: '结案…' }).waitFor();
    await section('上传空间').getByRole('button', { name: '开通上传空间' }).waitFor();
    await expectNoSeriousAxeViolations();
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.locator('label:visible', { hasText: 'English' }).first().click();
  });
});
