export type MailLocale = 'zh-CN' | 'en';

/** The sign-in link mail, in the contact's language. Pure: the caller puts it in the outbox. */
export function signInLinkMail(
  locale: MailLocale,
  input: { contactName: string; accountName: string; link: string; validMinutes: number },
): { subject: string; text: string } {
  if (locale === 'zh-CN') {
    return {
      subject: 'CaseDesk 客户门户登录链接',
      text: [
        `${input.contactName}，您好：`,
        '',
        `请点击下面的链接登录客户门户，查看 ${input.accountName} 的支持案例：`,
        '',
        input.link,
        '',
        `链接 ${input.validMinutes} 分钟内有效，只能使用一次。如果您没有申请登录，请忽略本邮件。`,
      ].join('\n'),
    };
  }
  return {
    subject: 'Your CaseDesk customer portal sign-in link',
    text: [
      `Dear ${input.contactName},`,
      '',
      `Open this link to sign in to the customer portal and see the support cases of ${input.accountName}:`,
      '',
      input.link,
      '',
      `The link works once, within ${input.validMinutes} minutes. If you did not ask to sign in, ignore this mail.`,
    ].join('\n'),
  };
}
