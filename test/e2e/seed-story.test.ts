import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type Browser, openChromium } from './support/chromium.js';
import { engineers, ensureConsoleBuilt } from './support/console-server.js';
import { type FullServer, startFullServer } from './support/full-server.js';
import { pageQueries } from './support/page-queries.js';

// The seed case (CAS-04814-C9T9D0, a failing Windows patch at ICBC) played again through the product:
// the customer's mail reaches CaseDesk's SMTP intake, the engineers work it in the console in a real
// chromium, CaseDesk's mail reaches the "customer" through a real SMTP sink, and the customer uploads
// the CBS log through the upload page. Each step asserts what a person sees.

const cbsLog = join(
  import.meta.dirname,
  '..',
  'fixtures',
  'winlogs',
  'alborz25_cbs_ws2012_hash_mismatch_0x800f081f.log',
);

const customer = {
  wu: { name: '吴先生', address: 'wu@icbc.example' },
  xu: { name: '徐先生', address: 'xu@icbc.example' },
};

let server: FullServer;
let engineerBrowser: Browser;
let page: Page;
const { timelineItem, section, dialog, expectNoSeriousAxeViolations } = pageQueries(() => page);
let caseNumber = '';
const upload = { user: '', password: '' };
const remediation = { messageId: '', subject: '' };

beforeAll(async () => {
  await ensureConsoleBuilt();
  server = await startFullServer();
  // The engineers work in Chinese, as in the seed; the console follows the browser's language.
  engineerBrowser = await openChromium({ locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
  page = await engineerBrowser.context.newPage();
  page.setDefaultTimeout(20_000);
}, 240_000);

// On a failing step, STORY_DEBUG=1 keeps a full-page screenshot of what the engineer saw.
afterEach(async (ctx) => {
  if (ctx.task.result?.state !== 'fail' || !process.env.STORY_DEBUG) return;
  const name = ctx.task.name.replace(/\W+/g, '_').slice(0, 40);
  await page.screenshot({ path: join(tmpdir(), `casedesk-story-${name}.png`), fullPage: true });
});

afterAll(async () => {
  await engineerBrowser?.close();
  await server?.close();
});

const header = () => page.locator('header').filter({ hasText: caseNumber });

// Each step waits on real mail, jobs and a browser: generous per-step time on a busy 2-core machine.
describe('the seed case, played through the product', { timeout: 120_000 }, () => {
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
    await page.getByLabel('用户名或邮箱').fill(engineers.liQi.name);
    await page.getByLabel('密码').fill(engineers.liQi.password);
    await page.getByRole('button', { name: '登录' }).click();
    await page.getByRole('link', { name: '未分配' }).click();
    const row = page.getByRole('row').filter({ hasText: '补丁更新失败' });
    await row.waitFor();
    expect(await row.innerText()).toMatch(/ICBC[\s\S]*P3[\s\S]*新建/);
    caseNumber = (await row.innerText()).match(/CAS-\d{5}-[0-9A-Z]{6}/)?.[0] ?? '';
    expect(caseNumber).not.toBe('');
    await row.getByRole('link', { name: caseNumber }).click();
    await header().getByRole('heading', { name: '补丁更新失败' }).waitFor();
    await timelineItem(`来自 ${customer.wu.name} <${customer.wu.address}> 的邮件`)
      .getByText(/KB5004244/)
      .waitFor();
    // Both people on the first mail are on the case: the sender, and the colleague in Cc.
    const people = section('案例相关人员');
    await people.getByText(`${customer.wu.name} <${customer.wu.address}>`).waitFor();
    await people.getByText(`${customer.xu.name} <${customer.xu.address}>`).waitFor();
    await expectNoSeriousAxeViolations();
  });

  it('agrees the scope and sends it as the first response, from its template', async () => {
    const scope = section('范围确认');
    await scope.getByText('尚未确认').waitFor();
    await scope.getByRole('button', { name: '记录范围' }).click();
    await scope
      .getByRole('textbox', { name: '问题定义' })
      .fill('系统补丁在线安装及本地安装失败，相关补丁：KB5004244、KB5003646、KB5003171。');
    await scope
      .getByRole('textbox', { name: '支持范围', exact: true })
      .fill('协助分析并处理上述补丁安装失败的问题。');
    await scope.getByLabel('每 N 个工作日跟进一次').fill('2');
    await scope.getByLabel('热线').fill('400-818-0055');
    await scope.getByRole('button', { name: '保存范围' }).click();
    await scope.getByText('每 2 个工作日').waitFor();

    await scope.getByRole('button', { name: '作为初次响应发送…' }).click();
    const preview = dialog().getByRole('textbox', { name: /发给客户的邮件/ });
    await expect.poll(() => preview.inputValue()).toContain('KB5004244');
    expect(await preview.inputValue()).toContain('400-818-0055');
    expect(await preview.inputValue()).not.toContain('{{');
    await dialog().getByRole('button', { name: '发送', exact: true }).click();
    await scope.getByText(new RegExp(`范围确认已进入发件队列，收件人：.*${customer.wu.address}`)).waitFor();

    const sent = await server.waitForSent((m) => (m.text ?? '').includes('400-818-0055'));
    expect(sent.envelope.to).toContain(customer.wu.address);
    expect(sent.mail.subject).toMatch(new RegExp(`^\\[案例号:\\s${caseNumber}\\s\\].*初次响应 CMIT:\\d{7}$`));
    await timelineItem(/发给客户的邮件/)
      .filter({ hasText: '400-818-0055' })
      .waitFor();
    await expectNoSeriousAxeViolations();
  });

  it('sends the log request with the credentials of a new upload workspace', async () => {
    await page.getByRole('tab', { name: '回复' }).click();
    await page.getByRole('textbox', { name: '模板' }).click();
    await page.getByRole('option', { name: '日志收集请求' }).click();
    await page.getByRole('button', { name: '开通上传空间，并把账号和密码填入正文' }).click();
    const body = page.getByRole('textbox', { name: '正文' });
    // Until the workspace is open the text shows the template's placeholders.
    await expect.poll(() => body.inputValue(), { timeout: 15_000 }).toContain(`${server.url}/upload/`);
    expect(await body.inputValue()).not.toContain('{{');
    await page.getByRole('button', { name: '发送回复' }).click();
    await page.getByText('回复已排队发送').waitFor();

    const sent = await server.waitForSent(
      (m) => (m.text ?? '').includes('日志收集') || /用户名：/.test(m.text ?? ''),
    );
    expect(sent.envelope.to).toContain(customer.wu.address);
    // The seed's subject convention (with its thin spaces): "[案例号: CAS-… ] % |P3|ICBC|title % stage token".
    expect(sent.mail.subject).toMatch(
      new RegExp(
        `^\\[案例号:\\s${caseNumber}\\s\\] %\\s\\|P3\\|ICBC\\|补丁更新失败\\s% 日志收集 CMIT:\\d{7}$`,
      ),
    );
    const text = sent.mail.text ?? '';
    upload.user = text.match(/用户名：(\S+)/)?.[1] ?? '';
    upload.password = text.match(/密码：(\S+)/)?.[1] ?? '';
    expect(upload.user).not.toBe('');
    expect(upload.password).not.toBe('');
    await timelineItem(/发给客户的邮件/)
      .filter({ hasText: upload.user })
      .waitFor();
  });

  it('the customer uploads the CBS log through the upload page with those credentials', async () => {
    const customerBrowser = await openChromium({ locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
    try {
      const customerPage = await customerBrowser.context.newPage();
      await customerPage.goto(`${server.url}/upload/`);
      await customerPage.fill('#user', upload.user);
      await customerPage.fill('#password', upload.password);
      await customerPage.click('#sign-in');
      await customerPage.waitForSelector('#workspace:not([hidden])');
      expect(await customerPage.textContent('#who')).toContain(caseNumber);
      await customerPage.setInputFiles('.uppy-Dashboard-input', cbsLog);
      await customerPage.waitForSelector('#receipts tbody tr', { timeout: 20_000 });
      expect(await customerPage.textContent('#receipts')).toContain(
        'alborz25_cbs_ws2012_hash_mismatch_0x800f081f.log',
      );
    } finally {
      await customerBrowser.close();
    }
  });

  it('shows the upload and the triage finding on the open case page, without a reload', async () => {
    await timelineItem(`${upload.user} 上传了 alborz25_cbs_ws2012_hash_mismatch_0x800f081f.log`).waitFor({
      timeout: 30_000,
    });
    const triage = timelineItem(/日志分析 alborz25_cbs_ws2012_hash_mismatch_0x800f081f\.log：\d+ 项发现/);
    await triage.waitFor({ timeout: 60_000 });
    const findings = await triage.innerText();
    expect(findings).toContain('0x800f081f');
    expect(findings).toContain('CBS_E_SOURCE_MISSING');
    await expectNoSeriousAxeViolations();
  });

  it('hands the case over to Jia Wei with a note', async () => {
    await page.getByRole('tab', { name: '转交' }).click();
    await page.getByRole('textbox', { name: '转交给' }).click();
    await page.getByRole('option', { name: /Jia Wei/ }).click();
    await page.getByLabel('交接说明').fill('李工休假，由贾工跟进；日志已上传，0x800f081f。');
    await page.getByRole('button', { name: '转交', exact: true }).click();
    await timelineItem(/将案例从 .* 转给 Jia Wei/).waitFor();
    await header().getByText('Jia Wei').waitFor();
  });

  it('logs a call that reached nobody', async () => {
    await page.getByRole('tab', { name: '电话' }).click();
    await page.locator('label:visible', { hasText: '无人接听' }).click();
    await page.getByLabel('拨打对象').fill(customer.xu.name);
    await page.getByLabel('通话内容').fill('电话未能联系到徐先生，稍后邮件跟进。');
    await page.getByRole('button', { name: '记录电话' }).click();
    await timelineItem(`Li Qi 致电 ${customer.xu.name}：无人接听`).waitFor();
  });

  it('sends the remediation steps from their template', async () => {
    await page.getByRole('tab', { name: '回复' }).click();
    await page.getByRole('textbox', { name: '模板' }).click();
    await page.getByRole('option', { name: '处理步骤' }).click();
    const body = page.getByRole('textbox', { name: '正文' });
    await expect.poll(() => body.inputValue()).not.toBe('');
    // The template leaves the steps to the engineer: the composer names the variable still empty.
    await page.getByText('以下变量还没有值：remediationSteps').waitFor();
    const steps = [
      '1、关闭 Windows Update 服务。',
      '2、清空 C:\\Windows\\SoftwareDistribution\\Download。',
      '3、手动安装 KB5005112 与 KB5005030。',
    ].join('\n');
    await body.fill((await body.inputValue()).replace('{{remediationSteps}}', steps));
    await page.getByRole('button', { name: '发送回复' }).click();
    await page.getByText('回复已排队发送').waitFor();
    const sent = await server.waitForSent((m) => (m.text ?? '').includes('KB5005112'));
    expect(sent.mail.text).not.toContain('{{');
    expect(sent.mail.subject).toMatch(/% 问题处理 CMIT:\d{7}$/);
    remediation.messageId = sent.mail.messageId ?? '';
    remediation.subject = sent.mail.subject ?? '';
    expect(remediation.messageId).not.toBe('');
  });

  it("receives the customer's consent as a reply that threads onto the case", async () => {
    await server.deliver({
      from: `"${customer.xu.name}" <${customer.xu.address}>`,
      subject: `答复: ${remediation.subject}`,
      inReplyTo: remediation.messageId,
      references: [remediation.messageId],
      text: '按上述步骤操作后补丁已安装成功，问题已解决，同意结案。谢谢！',
    });
    await timelineItem(`来自 ${customer.xu.name} <${customer.xu.address}> 的邮件`)
      .filter({ hasText: '同意结案' })
      .waitFor({ timeout: 30_000 });
  });

  it('closes the case as solved, with the consent and the summary mailed to the customer', async () => {
    await section('流程').getByRole('button', { name: '结案…' }).click();
    await dialog().getByRole('textbox', { name: '结案原因' }).click();
    await page.getByRole('option', { name: '问题已解决' }).click();
    await dialog().getByRole('textbox', { name: '客户同意' }).click();
    await page
      .getByRole('option', { name: /同意结案/ })
      .last()
      .click();
    await dialog()
      .getByLabel('根本原因（可选）')
      .fill('组件存储中 manifest 文件哈希校验失败（0x800f081f）。');
    await dialog().getByRole('button', { name: '生成总结草稿' }).click();
    const summary = dialog().getByRole('textbox', { name: '结案总结' });
    await expect.poll(() => summary.inputValue()).toContain(caseNumber);
    const drafted = await summary.inputValue();
    expect(drafted).toContain('KB5004244');
    expect(drafted).toContain('0x800f081f');
    await summary.fill(`${drafted}\n感谢您的耐心配合。`);
    await expectNoSeriousAxeViolations();
    await dialog().getByRole('button', { name: '结案', exact: true }).click();

    const closure = section('已结案：问题已解决');
    await closure.getByText(/同意结案/).waitFor();
    expect(await closure.getByTestId('closure-summary').innerText()).toContain('感谢您的耐心配合。');
    await header().getByText('已关闭', { exact: true }).waitFor();
    const sent = await server.waitForSent((m) => (m.text ?? '').includes('感谢您的耐心配合。'));
    // The summary goes to the customer's people on the case: the requester and the colleague who consented.
    expect(sent.envelope.to.sort()).toEqual([customer.wu.address, customer.xu.address].sort());
    expect(sent.mail.text).toContain(caseNumber);
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
