import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getCaseDetail } from '../../src/cases/cases.service.js';
import type { Actor } from '../../src/cases/timeline.repo.js';
import { renderTemplate } from '../../src/kb/template-render.js';
import { templateVariableNames } from '../../src/kb/template-variables.js';
import {
  builtInTemplateKeys,
  createReplyTemplate,
  deleteReplyTemplate,
  getReplyTemplate,
  listReplyTemplates,
  updateReplyTemplate,
} from '../../src/kb/templates.service.js';
import { getCaseSla } from '../../src/sla/case-sla.service.js';
import { renderTemplateForCase } from '../../src/workflow/render-for-case.js';
import { getScope, sendScopeAgreement, setScope } from '../../src/workflow/scope.service.js';
import { type WorkflowDeps, workflowDeps } from '../../src/workflow/workflow-deps.js';
import { openTestDatabase, type TestDatabase } from '../support/test-db.js';
import { importSeed, SEED, testAppDeps } from './workflow-support.js';

let database: TestDatabase;
let deps: WorkflowDeps;
let li: Actor;

const seedScope = {
  problemDefinition: '用户反馈系统补丁在线安装及本地安装失败，相关补丁：KB5004244,KB5003646,KB5003171。',
  scope: '协助分析补丁安装失败的原因，并给出处理建议。',
  closureConditions: ['solved', 'by_design', 'third_party'] as ('solved' | 'by_design' | 'third_party')[],
  cadenceBusinessDays: 2,
  contactChannels: ['email', 'phone'] as ('email' | 'phone')[],
  hotline: '400-818-0055',
  locale: 'zh-CN' as const,
};

beforeAll(async () => {
  database = await openTestDatabase();
  const app = testAppDeps(database, '2021-09-22T17:10:00Z');
  deps = workflowDeps(app);
  ({ li } = await importSeed(app));
});
afterAll(async () => database.drop());

describe('built-in reply templates', () => {
  it('ships the five templates in zh-CN and en, each using only known variables', async () => {
    const all = await listReplyTemplates(deps);
    for (const key of builtInTemplateKeys) {
      for (const locale of ['zh-CN', 'en'] as const) {
        const t = all.find((x) => x.key === key && x.locale === locale);
        expect(t, `${key} ${locale}`).toBeDefined();
        expect(t?.builtIn).toBe(true);
      }
    }
    const logs = await getReplyTemplate(deps, 'log_collection', 'en');
    expect(logs.variables).toEqual(
      expect.arrayContaining(['caseNumber', 'uploadUrl', 'uploadUser', 'uploadPassword', 'engineerName']),
    );
  });

  it('renders every built-in completely when every variable has a value', async () => {
    const values = Object.fromEntries(templateVariableNames.map((n) => [n, `<${n}>`]));
    for (const t of await listReplyTemplates(deps)) {
      const r = renderTemplate(t.body, values);
      expect(r.missing, t.key).toEqual([]);
      expect(r.text).not.toContain('{{');
    }
  });

  it('does not repeat the seed mails word for word', async () => {
    const scope = await getReplyTemplate(deps, 'scope_agreement', 'zh-CN');
    for (const sentence of [
      '我谨以此邮件阐述我们双方针对这个问题所涉及范围界定',
      '如果您对以上的问题范围界定有任何异议',
    ]) {
      expect(scope.body).not.toContain(sentence);
    }
    const follow = await getReplyTemplate(deps, 'follow_up_no_answer', 'zh-CN');
    expect(follow.body).not.toContain('刚刚电话未能联系到您。来信是想咨询当前案件日志收集情况');
  });
});

describe('template administration', () => {
  it('creates, updates and deletes an admin template; refuses typos, duplicates and deleting built-ins', async () => {
    const created = await createReplyTemplate(deps, li.id, {
      key: 'kb_pointer',
      locale: 'en',
      name: 'Point to KB',
      body: 'See {{kbLinks}} about {{caseNumber}}.',
    });
    expect(created).toMatchObject({
      builtIn: false,
      updatedBy: 'Li Qi',
      variables: ['kbLinks', 'caseNumber'],
    });
    await expect(
      createReplyTemplate(deps, li.id, { key: 'kb_pointer', locale: 'en', name: 'again', body: 'x' }),
    ).rejects.toMatchObject({ code: 'template.exists', status: 409 });
    await expect(
      updateReplyTemplate(deps, li.id, 'kb_pointer', 'en', { body: 'See {{kbLink}}' }),
    ).rejects.toMatchObject({ code: 'template.unknown_variables', details: { unknown: ['kbLink'] } });
    const updated = await updateReplyTemplate(deps, li.id, 'kb_pointer', 'en', { body: 'Read {{kbLinks}}' });
    expect(updated.body).toBe('Read {{kbLinks}}');
    await deleteReplyTemplate(deps, 'kb_pointer', 'en');
    await expect(getReplyTemplate(deps, 'kb_pointer', 'en')).rejects.toMatchObject({
      code: 'template.not_found',
    });
    await expect(deleteReplyTemplate(deps, 'closure_summary', 'en')).rejects.toMatchObject({
      code: 'template.built_in',
    });
  });

  it('keeps an admin edit of a built-in template', async () => {
    const before = await getReplyTemplate(deps, 'follow_up_no_answer', 'en');
    await updateReplyTemplate(deps, li.id, 'follow_up_no_answer', 'en', {
      body: `${before.body}\nP.S. {{hotline}}`,
    });
    const after = await getReplyTemplate(deps, 'follow_up_no_answer', 'en');
    expect(after.body.endsWith('P.S. {{hotline}}')).toBe(true);
    expect(after.builtIn).toBe(true);
    await updateReplyTemplate(deps, li.id, 'follow_up_no_answer', 'en', { body: before.body });
  });
});

describe('scope agreement', () => {
  it('has none until it is recorded', async () => {
    await expect(getScope(deps, SEED)).rejects.toMatchObject({ code: 'scope.not_found', status: 404 });
    expect((await getCaseDetail(deps, SEED)).scope).toBeNull();
  });

  it('is recorded on the case, shown in the case detail and on the timeline', async () => {
    const scope = await setScope(deps, li, SEED, seedScope);
    expect(scope).toMatchObject({ ...seedScope, updatedBy: 'Li Qi', sentActivityId: null });
    const detail = await getCaseDetail(deps, SEED);
    expect(detail.scope).toMatchObject({ cadenceBusinessDays: 2, hotline: '400-818-0055' });
    expect(detail.timeline.filter((a) => a.payload.event === 'scope_agreed')).toMatchObject([
      { type: 'system', actor: { name: 'Li Qi' }, payload: { scope: { cadenceBusinessDays: 2 } } },
    ]);
  });

  it('records only what changed when it is updated, and nothing when nothing changed', async () => {
    const scopeEvents = async () =>
      (await getCaseDetail(deps, SEED)).timeline.filter((a) => String(a.payload.event).startsWith('scope_'));
    await setScope(deps, li, SEED, { ...seedScope, closureConditions: ['solved', 'third_party'] });
    expect((await scopeEvents()).at(-1)?.payload).toMatchObject({
      event: 'scope_updated',
      changed: ['closureConditions'],
    });
    await setScope(deps, li, SEED, { ...seedScope, closureConditions: ['solved', 'third_party', 'solved'] });
    expect(await scopeEvents()).toHaveLength(2);
    await setScope(deps, li, SEED, seedScope);
    expect(await scopeEvents()).toHaveLength(3);
  });

  it('renders the scope agreement template from the case and the scope', async () => {
    const r = await renderTemplateForCase(deps, li, {
      key: 'scope_agreement',
      locale: 'zh-CN',
      caseNumber: SEED,
    });
    expect(r.missing).toEqual([]);
    expect(r.text).toContain('徐先生，您好');
    expect(r.text).toContain('案例号：CAS-04814-C9T9D0');
    expect(r.text).toContain(seedScope.problemDefinition);
    expect(r.text).toContain('每 2 个工作日');
    expect(r.text).toContain('400-818-0055');
    expect(r.text).toContain('问题已解决、问题属于产品设计行为或问题涉及第三方产品或服务');
    expect(r.text).toContain('联系渠道：邮件和电话');
    expect(r.text.trim().endsWith('Li Qi')).toBe(true);
    const en = await renderTemplateForCase(deps, li, {
      key: 'scope_agreement',
      locale: 'en',
      caseNumber: SEED,
    });
    expect(en.text).toContain('every 2 business day(s)');
    expect(en.text).toContain('email and phone');
  });

  it('lists what a log-collection request still needs, and fills it from given values', async () => {
    const r = await renderTemplateForCase(deps, li, {
      key: 'log_collection',
      locale: 'zh-CN',
      caseNumber: SEED,
    });
    expect(r.missing).toEqual(['uploadUrl', 'uploadUser', 'uploadPassword']);
    const full = await renderTemplateForCase(deps, li, {
      key: 'log_collection',
      locale: 'zh-CN',
      caseNumber: SEED,
      variables: {
        uploadUrl: 'https://upload.example.com',
        uploadUser: 'ICBC001',
        uploadPassword: 's3cret-Pw',
      },
    });
    expect(full.missing).toEqual([]);
    expect(full.text).toContain('用户名：ICBC001');
  });

  it("makes the agreed cadence the case's follow-up cadence for the SLA", async () => {
    const sla = await getCaseSla(deps, SEED);
    expect(sla.cadence).toEqual({ businessDays: 2, source: 'engineer' });
    await setScope(deps, li, SEED, { ...seedScope, cadenceBusinessDays: 3 });
    expect((await getCaseSla(deps, SEED)).cadence).toEqual({ businessDays: 3, source: 'engineer' });
    await setScope(deps, li, SEED, seedScope);
  });

  it('sends the agreement as a reply through the outbox and remembers which mail it was', async () => {
    await expect(
      sendScopeAgreement(deps, li, SEED, { variables: { customerName: '' } }),
    ).rejects.toMatchObject({ code: 'template.missing_variables', details: { missing: ['customerName'] } });
    const sent = await sendScopeAgreement(deps, li, SEED);
    expect(sent.to).toEqual([{ name: '徐先生', address: 'xu@icbc.com.cn' }]);
    const scope = await getScope(deps, SEED);
    expect(scope.sentActivityId).toBe(sent.activityId);
    const mail = (await getCaseDetail(deps, SEED)).timeline.find((a) => a.id === sent.activityId);
    expect(mail?.email).toMatchObject({ direction: 'outbound', to: [{ address: 'xu@icbc.com.cn' }] });
    expect(mail?.email?.subject).toContain('初次响应');
    expect(mail?.email?.text).toBe(sent.text);
    expect(mail?.email?.text).toContain(seedScope.problemDefinition);
    const queued = await database.db
      .selectFrom('mail_outbox')
      .select(['subject', 'text_body'])
      .where('activity_id', '=', sent.activityId)
      .execute();
    expect(queued).toHaveLength(1);
    expect(queued[0]?.text_body).toBe(sent.text);
  });

  it('sends the text as the engineer edited it', async () => {
    const sent = await sendScopeAgreement(deps, li, SEED, {
      text: '徐先生，您好：\n范围如电话所述。',
      to: [{ name: null, address: 'wu@icbc.com.cn' }],
    });
    expect(sent.to).toEqual([{ name: null, address: 'wu@icbc.com.cn' }]);
    const mail = (await getCaseDetail(deps, SEED)).timeline.find((a) => a.id === sent.activityId);
    expect(mail?.email?.text).toBe('徐先生，您好：\n范围如电话所述。');
  });
});
