import type {
  ClosureCondition,
  ClosureReason,
  ContactChannel,
  TemplateLocale,
} from '../kb/workflow.tables.js';

/** Words for workflow values as they appear in mail to customers, per language. */
export const closureConditions = ['solved', 'by_design', 'third_party'] as const;
export const closureReasons = ['solved', 'by_design', 'third_party', 'no_response', 'duplicate'] as const;
export const contactChannels = ['email', 'phone'] as const;
export const locales = ['zh-CN', 'en'] as const;

const reasonWords: Record<TemplateLocale, Record<ClosureReason, string>> = {
  'zh-CN': {
    solved: '问题已解决',
    by_design: '问题属于产品设计行为',
    third_party: '问题涉及第三方产品或服务',
    no_response: '长期未收到回复',
    duplicate: '与其他案例重复',
  },
  en: {
    solved: 'the problem is solved',
    by_design: 'the behaviour is by design',
    third_party: 'the problem lies with a third party',
    no_response: 'we have had no reply for a long time',
    duplicate: 'it duplicates another case',
  },
};

const channelWords: Record<TemplateLocale, Record<ContactChannel, string>> = {
  'zh-CN': { email: '邮件', phone: '电话' },
  en: { email: 'email', phone: 'phone' },
};

const joiners: Record<TemplateLocale, { list: string; or: string; and: string }> = {
  'zh-CN': { list: '、', or: '或', and: '和' },
  en: { list: ', ', or: ' or ', and: ' and ' },
};

function joinWords(words: string[], locale: TemplateLocale, last: 'or' | 'and'): string {
  if (words.length <= 1) return words[0] ?? '';
  const j = joiners[locale];
  return `${words.slice(0, -1).join(j.list)}${j[last]}${words[words.length - 1]}`;
}

export const closureReasonText = (reason: ClosureReason, locale: TemplateLocale): string =>
  reasonWords[locale][reason];

export const closureConditionsText = (conditions: ClosureCondition[], locale: TemplateLocale): string =>
  joinWords(
    conditions.map((c) => reasonWords[locale][c]),
    locale,
    'or',
  );

export const contactChannelsText = (channels: ContactChannel[], locale: TemplateLocale): string =>
  joinWords(
    channels.map((c) => channelWords[locale][c]),
    locale,
    'and',
  );
