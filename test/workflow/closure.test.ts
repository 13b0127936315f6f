import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getCaseDetail } from '../../src/cases/cases.service.js';
import type { Actor } from '../../src/cases/timeline.repo.js';
import { closeCase, draftClosureSummary } from '../../src/workflow/close-case.js';
import { listClosures } from '../../src/workflow/closure.repo.js';
import { reopenCase, replyAfterClosure } from '../../src/workflow/reopen-case.js';
import { setScope } from '../../src/workflow/scope.service.js';
import { type WorkflowDeps, workflowDeps } from '../../src/workflow/workflow-deps.js';
import { openTestDatabase, type TestDatabase } from '../support/test-db.js';
import { customerMail, importSeed, SEED, testAppDeps } from './workflow-support.js';

let database: TestDatabase;
let app: ReturnType<typeof testAppDeps>;
let deps: WorkflowDeps;
let li: Actor;
let jia: Actor;
let consentId = '';
let thirdPartyMailId = '';

const rootCause = '5月累积更新校验系统组件哈希值失败，验证未通过。';

beforeAll(async () => {
  database = await openTestDatabase();
  app = testAppDeps(database, '2021-11-02T08:00:00Z');
  deps = workflowDeps(app);
  const seeded = await importSeed(app);
  ({ li, jia } = seeded);
  consentId = await customerMail(app, SEED, {
    text: '问题已经解决了，可以关闭案例。\n\n发件人: Li Qi\n发送时间: 2021年10月28日 15:31\n主题: 回复\n\n旧内容',
    at: '2021-11-02T16:30:00Z',
    contactId: seeded.xuContactId,
  });
  const detail = await getCaseDetail(deps, SEED);
  thirdPartyMailId = detail.timeline.find((a) => a.actor.name === 'win10升级支持')?.id ?? '';
});
afterAll(async () => database.drop());

describe('closure summary draft', () => {
  it('takes the problem from the first customer mail and the fix from the latest engineer mail when there is no scope', async () => {
    const draft = await draftClosureSummary(deps, li, SEED, { reason: 'solved' });
    expect(draft.facts.sources).toMatchObject({
      problemDescription: 'first_customer_mail',
      fix: 'remediation_mail',
    });
    // The third party's mail is the first inbound one in the seed.
    expect(draft.facts.problemDescription).toContain('需要手动赋予域账户管理员权限');
    // Mail 11 is the seed's latest engineer mail; its greeting is left out.
    expect(draft.facts.fix).toContain('将该文件替换为正常版本后，更新安装成功');
    expect(draft.facts.fix).not.toMatch(/您好/);
    const mail8 = (await getCaseDetail(deps, SEED)).timeline.filter((a) => a.type === 'email')[7];
    const named = await draftClosureSummary(deps, li, SEED, {
      reason: 'solved',
      remediationActivityId: mail8?.id ?? '',
    });
    expect(named.facts.fix).toContain('请将用户提升管理员权限的方式提供给徐先生当地管理员');
    expect(named.facts.fix).not.toMatch(/您们好/);
    expect(draft.missing).toEqual(['rootCause']);
    expect(draft.text).toContain('{{rootCause}}');
  });

  it('prefers the scope problem definition and what the engineer writes, in the asked language', async () => {
    await setScope(deps, li, SEED, {
      problemDefinition: '补丁 KB5004244、KB5003646、KB5003171 在线及本地安装均失败。',
      scope: '分析安装失败原因。',
      closureConditions: ['solved', 'by_design'],
      cadenceBusinessDays: 2,
      contactChannels: ['email'],
      hotline: null,
      locale: 'zh-CN',
    });
    const draft = await draftClosureSummary(deps, li, SEED, {
      reason: 'solved',
      rootCause,
      fix: '替换损坏的 manifest 文件后，补丁安装成功。',
    });
    expect(draft.missing).toEqual([]);
    expect(draft.text).toContain('案例号：CAS-04814-C9T9D0');
    expect(draft.text).toContain('补丁 KB5004244、KB5003646、KB5003171 在线及本地安装均失败。');
    expect(draft.text).toContain(rootCause);
    expect(draft.text).toContain('本案例将以“问题已解决”关闭');
    expect(draft.text).toContain('14 天内直接回复本邮件');
    const en = await draftClosureSummary(deps, li, SEED, {
      reason: 'solved',
      locale: 'en',
      rootCause,
      fix: 'x',
    });
    expect(en.text).toContain('Case number: CAS-04814-C9T9D0');
    expect(en.text).toContain('(the problem is solved)');
  });

  it('refuses a remediation mail that is not an engineer mail of the case', async () => {
    await expect(
      draftClosureSummary(deps, li, SEED, { reason: 'solved', remediationActivityId: consentId }),
    ).rejects.toMatchObject({ code: 'closure.bad_remediation' });
  });
});

describe('closing a case', () => {
  it('needs the consent of a customer mail of the case, except for no response and duplicates', async () => {
    await expect(closeCase(deps, li, SEED, { reason: 'solved', rootCause, fix: 'y' })).rejects.toMatchObject({
      code: 'closure.consent_required',
    });
    await expect(
      closeCase(deps, li, SEED, { reason: 'solved', noConsent: true, rootCause, fix: 'y' }),
    ).rejects.toMatchObject({ code: 'closure.consent_required' });
    const outbound = (await getCaseDetail(deps, SEED)).timeline.find(
      (a) => a.email?.direction === 'outbound',
    );
    await expect(
      closeCase(deps, li, SEED, {
        reason: 'solved',
        consentActivityId: outbound?.id ?? '',
        rootCause,
        fix: 'y',
      }),
    ).rejects.toMatchObject({ code: 'closure.bad_consent' });
    expect((await getCaseDetail(deps, SEED)).status).toBe('in_progress');
  });

  it('allows only the closure conditions of the scope agreement', async () => {
    await expect(
      closeCase(deps, li, SEED, { reason: 'third_party', consentActivityId: consentId, rootCause, fix: 'y' }),
    ).rejects.toMatchObject({ code: 'closure.not_agreed', details: { agreed: ['solved', 'by_design'] } });
  });

  it('will not close with a summary that still lacks facts', async () => {
    await expect(
      closeCase(deps, li, SEED, { reason: 'solved', consentActivityId: consentId }),
    ).rejects.toMatchObject({ code: 'template.missing_variables', details: { missing: ['rootCause'] } });
  });

  it('closes with reason, consent and summary, on the timeline and in the status', async () => {
    app.clock.set('2021-11-03T08:40:18Z');
    const { closure } = await closeCase(deps, li, SEED, {
      reason: 'solved',
      consentActivityId: consentId,
      rootCause,
      fix: '替换文件后更新安装成功。',
    });
    expect(closure).toMatchObject({
      reason: 'solved',
      consentActivityId: consentId,
      noConsent: false,
      closedBy: 'Li Qi',
      closedAt: '2021-11-03T08:40:18.000Z',
      reopenedAt: null,
    });
    expect(closure.summary).toContain(rootCause);
    const detail = await getCaseDetail(deps, SEED);
    expect(detail.status).toBe('closed');
    expect(detail.closedAt).toBe('2021-11-03T08:40:18.000Z');
    const tail = detail.timeline.slice(-2);
    expect(tail.map((a) => a.type)).toEqual(['status_change', 'system']);
    expect(tail[1]?.payload).toMatchObject({
      event: 'closed',
      reason: 'solved',
      consentActivityId: consentId,
    });
    await expect(
      closeCase(deps, li, SEED, { reason: 'solved', consentActivityId: consentId, summary: 'x' }),
    ).rejects.toMatchObject({ code: 'closure.already_closed' });
  });

  it('lets an engineer reopen any time with a reason, and close again', async () => {
    await expect(reopenCase(deps, jia, SEED, { reason: '  ' })).rejects.toMatchObject({
      code: 'reopen.reason_required',
    });
    app.clock.set('2022-03-01T02:00:00Z');
    const reopened = await reopenCase(deps, jia, SEED, { reason: '客户反馈其他电脑出现同样问题' });
    expect(reopened.status).toBe('in_progress');
    expect(reopened.timeline.at(-1)?.payload).toMatchObject({
      from: 'closed',
      to: 'in_progress',
      note: 'reopened: 客户反馈其他电脑出现同样问题',
    });
    await expect(reopenCase(deps, jia, SEED, { reason: 'again' })).rejects.toMatchObject({
      code: 'reopen.not_closed',
    });
    await closeCase(deps, jia, SEED, {
      reason: 'no_response',
      noConsent: true,
      summary: '客户长期未回复，案例关闭。',
    });
    const closures = await listClosures(database.db, (await getCaseDetail(deps, SEED)).id);
    expect(closures.map((c) => [c.reason, c.reopenReason, c.reopenedBy])).toEqual([
      ['no_response', null, null],
      ['solved', '客户反馈其他电脑出现同样问题', 'Jia Wei'],
    ]);
    expect(thirdPartyMailId).not.toBe('');
  });

  it('tells inbound mail to reopen within 14 days of closure and open a linked case after', () => {
    const closed = new Date('2021-11-02T08:40:18Z');
    expect(replyAfterClosure(closed, new Date('2021-11-16T08:40:18Z'))).toBe('reopen');
    expect(replyAfterClosure(closed, new Date('2021-11-16T08:40:19Z'))).toBe('new_linked_case');
  });
});
