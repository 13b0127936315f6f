import { describe, expect, it } from 'vitest';
import type { Activity } from '../cases/timeline.repo.js';
import { resolveActivityRef } from './cli-helpers.js';
import { draftClosureFacts, mailFacts } from './closure-draft.js';
import { closureConditionsText, contactChannelsText } from './workflow-labels.js';

const mail = (id: string, direction: 'inbound' | 'outbound', text: string): Activity => ({
  id,
  type: 'email',
  occurredAt: '2021-10-12T15:58:15.657000Z',
  actor: { type: direction === 'inbound' ? 'contact' : 'engineer', id: null, name: id },
  payload: {},
  email: {
    direction,
    from: { name: id, address: null },
    to: [],
    cc: [],
    subject: '',
    text,
    html: null,
    sentAt: null,
    messageId: null,
    inReplyTo: null,
    references: [],
    attachments: [],
  },
});

describe('closure facts from mail', () => {
  it('keeps what the writer added: no greeting, no quoted history, no separator lines', () => {
    expect(
      mailFacts(
        '徐先生，您好：\n       根据日志，报错 0x80073712。\n--------------\n\n发件人: 徐先生\n发送时间: 2021-10-11\n主题: 回复\n\n旧邮件',
      ),
    ).toBe('根据日志，报错 0x80073712。');
    expect(mailFacts('Dear Mr Xu,\nReplace the manifest.\n> old')).toBe('Replace the manifest.');
    expect(mailFacts('Replace the manifest.')).toBe('Replace the manifest.');
  });

  it('skips empty mails and the scope agreement mail when looking for the fix', () => {
    const timeline = [
      mail('customer', 'inbound', '您好：\n补丁装不上。'),
      mail('steps', 'outbound', '您好：\n1、删除 SoftwareDistribution\\Download。'),
      mail('scope', 'outbound', '范围界定……'),
      mail('empty', 'outbound', '   '),
    ];
    const scope = {
      problemDefinition: '',
      scope: '',
      closureConditions: [],
      cadenceBusinessDays: null,
      contactChannels: [],
      hotline: null,
      locale: 'zh-CN' as const,
      sentActivityId: 'scope',
      sentAt: null,
      updatedBy: null,
      createdAt: '',
      updatedAt: '',
    };
    const facts = draftClosureFacts({ scope: { ...scope, problemDefinition: '补丁安装失败' }, timeline });
    expect(facts).toMatchObject({
      problemDescription: '补丁安装失败',
      fix: '1、删除 SoftwareDistribution\\Download。',
      sources: {
        problemDescription: 'scope',
        fix: 'remediation_mail',
        remediationActivityId: 'steps',
        rootCause: 'none',
      },
    });
    expect(facts.rootCause).toBeUndefined();
    const noScope = draftClosureFacts({ scope: null, timeline, rootCause: ' 组件存储损坏 ' });
    expect(noScope).toMatchObject({ problemDescription: '补丁装不上。', rootCause: '组件存储损坏' });
  });
});

describe('words in mail', () => {
  it('joins closure conditions and channels naturally in both languages', () => {
    expect(closureConditionsText(['solved'], 'en')).toBe('the problem is solved');
    expect(closureConditionsText(['solved', 'by_design', 'third_party'], 'zh-CN')).toBe(
      '问题已解决、问题属于产品设计行为或问题涉及第三方产品或服务',
    );
    expect(contactChannelsText(['email', 'phone'], 'en')).toBe('email and phone');
  });
});

describe('mail references on the command line', () => {
  it('turns mail:N into the N-th mail of the case and passes ids through', () => {
    const timeline = [
      mail('a', 'outbound', 'x'),
      { ...mail('n', 'outbound', ''), type: 'note' as const },
      mail('b', 'inbound', 'y'),
    ];
    expect(resolveActivityRef(timeline, 'mail:2')).toBe('b');
    expect(resolveActivityRef(timeline, 'some-id')).toBe('some-id');
    expect(() => resolveActivityRef(timeline, 'mail:3')).toThrow(/no mail number 3/);
  });
});
