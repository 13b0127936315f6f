/**
 * The CaseDesk subject-line convention: every outgoing case mail carries the case tag, priority,
 * account, title, stage and a tracking token, and every reply is parsed back whatever reply/forward
 * prefixes mail clients put in front.
 *
 * @example
 * formatSubject({ caseNumber: 'CAS-04814-C9T9D0', priority: 'P3', account: 'ICBC', title: '补丁更新失败',
 *   stage: '初次响应', trackingToken: 'CMIT:0001334' });
 * // '[案例号:\u2009CAS-04814-C9T9D0\u2009] %\u2009|P3|ICBC|补丁更新失败\u2009% 初次响应 CMIT:0001334'
 * parseSubject('RE: 答复: [Case: CAS-04814-C9T9D0] printer broken').caseNumber; // 'CAS-04814-C9T9D0'
 *
 * How the title round-trips for ANY text (no escaping, so customers see their own title unchanged):
 * - the account cannot contain `|`, so the title starts right after the third `|` of the block;
 * - the stage cannot contain `%` (checked by formatSubject), so the title ends at the LAST `%`;
 * - the title is written followed by exactly one U+2009 before that `%`; parsing removes exactly one
 *   U+2009 there (or, when a mail client has mangled it, all whitespace), so titles may start or end
 *   with any whitespace and may contain `|`, `%`, `[`, `]`, case numbers and tokens;
 * - the tag and the block are matched at their FIRST occurrence and the token at its LAST one, so look-alikes
 *   inside the title never win.
 * Full parsing needs the default layout (or a template that keeps `%|{priority}|{account}|{title}% {stage}
 * {trackingToken}`); for other templates the case number and token are still found anywhere.
 */
import { invalid } from '../platform/errors.js';

export type Priority = 'P1' | 'P2' | 'P3' | 'P4';

export type SubjectFields = {
  caseNumber: string;
  priority: Priority;
  account: string;
  title: string;
  stage: string;
  trackingToken: string;
};

/** `prefixes`: reply/forward prefix words as written (`['RE', '答复']`); `rest`: the subject without them, trimmed. */
export type ParsedSubject = Partial<SubjectFields> & { prefixes: string[]; rest: string };

export type SubjectLocale = 'zh-CN' | 'en';

export type FormatSubjectOptions = { template?: string; locale?: SubjectLocale };

/** `tokenPrefixes`: letters before `:NNNNNNN` that count as tracking tokens in free text (default `['CMIT']`). */
export type ParseSubjectOptions = { tokenPrefixes?: readonly string[] };

/** The seed layout, byte for byte (U+2009 thin spaces inside the tag and around the block). */
export const DEFAULT_SUBJECT_TEMPLATE =
  '[{caseLabel}:\u2009{caseNumber}\u2009] %\u2009|{priority}|{account}|{title}\u2009% {stage} {trackingToken}';

export const CASE_LABELS: Readonly<Record<SubjectLocale, string>> = { 'zh-CN': '案例号', en: 'Case' };

export const DEFAULT_TOKEN_PREFIXES: readonly string[] = ['CMIT'];

const PLACEHOLDERS = [
  'caseLabel',
  'caseNumber',
  'priority',
  'account',
  'title',
  'stage',
  'trackingToken',
] as const;
type Placeholder = (typeof PLACEHOLDERS)[number];

const CASE_NUMBER_EXACT = /^CAS-\d{5}-[0-9A-Z]{6}$/;
const TOKEN_EXACT = /^[A-Z]+:\d{7}$/;
const PRIORITIES: readonly string[] = ['P1', 'P2', 'P3', 'P4'];

// Longer words first so that `FWD` is not read as `FW` + garbage; Latin ones are case-insensitive.
const PREFIX_WORDS = [
  '回复',
  '答复',
  '转发',
  '回覆',
  '答覆',
  '轉寄',
  '转寄',
  'ANTW',
  'FWD',
  'ENC',
  'RE',
  'FW',
  'AW',
  'WG',
  'SV',
  'VS',
  'TR',
  'RV',
  'R',
  'I',
];
// A prefix word, an optional counter (`RE[2]:`, `Re(3):`), then `:` or full-width `：`, whitespace anywhere.
const PREFIX_RE = new RegExp(
  `^\\s*(${PREFIX_WORDS.join('|')})\\s*(?:\\[\\d+\\]|\\(\\d+\\))?\\s*[:：]\\s*`,
  'iu',
);

const CASE_LABEL_PATTERN = '(?:案例编号|案例号|Case\\s*(?:No\\.?|Number|ID|#)?)';
const TAG_RE = new RegExp(
  `[\\[【]\\s*${CASE_LABEL_PATTERN}\\s*[:：#]?\\s*(CAS-\\d{5}-[0-9A-Z]{6})\\s*[\\]】]`,
  'iu',
);
const CASE_NUMBER_RE = /(?<![0-9A-Za-z])CAS-\d{5}-[0-9A-Z]{6}(?![0-9A-Za-z])/giu;
// `%|P3|ACCOUNT|`: the start of the block; the title follows it.
const BLOCK_RE = /%\s*\|\s*(P[1-4])\s*\|([^|]*)\|/iu;
// Inside the block any letters may prefix a token: the position already says what it is.
const ANY_TOKEN_RE = /(?<![A-Za-z0-9])([A-Za-z]+)[:：](\d{7})(?!\d)/gu;

/** Builds a subject line from the fields; throws `mail.bad_subject` when a field cannot round-trip. */
export function formatSubject(fields: SubjectFields, options: FormatSubjectOptions = {}): string {
  const template = options.template ?? DEFAULT_SUBJECT_TEMPLATE;
  checkTemplate(template);
  checkFields(fields);
  const values: Record<Placeholder, string> = {
    caseLabel: CASE_LABELS[options.locale ?? 'zh-CN'],
    caseNumber: fields.caseNumber,
    priority: fields.priority,
    account: fields.account,
    title: fields.title,
    stage: fields.stage,
    trackingToken: fields.trackingToken,
  };
  // One pass, so a title containing `{stage}` is never substituted again.
  return template.replace(/\{(\w+)\}/g, (_, name: string) => values[name as Placeholder]);
}

/** Removes any chain of reply/forward prefixes (`回复: RE[2]: Fwd：…`). */
export function stripSubjectPrefixes(subject: string): { prefixes: string[]; rest: string } {
  const prefixes: string[] = [];
  let rest = subject;
  for (let m = PREFIX_RE.exec(rest); m; m = PREFIX_RE.exec(rest)) {
    prefixes.push(m[1] ?? '');
    rest = rest.slice(m[0].length);
  }
  return { prefixes, rest: rest.trim() };
}

/**
 * Reads whatever parts of the convention a subject carries; missing parts are simply absent.
 * @example parseSubject('Re:\u3000CMIT:0001334 follow-up').trackingToken // 'CMIT:0001334'
 */
export function parseSubject(subject: string, options: ParseSubjectOptions = {}): ParsedSubject {
  const tokenPrefixes = options.tokenPrefixes ?? DEFAULT_TOKEN_PREFIXES;
  const { prefixes, rest } = stripSubjectPrefixes(subject);
  const parsed: ParsedSubject = { prefixes, rest };

  const tag = TAG_RE.exec(rest);
  const caseNumber = tag?.[1]?.toUpperCase() ?? findCaseNumbers(rest)[0];
  if (caseNumber !== undefined) parsed.caseNumber = caseNumber;

  const block = BLOCK_RE.exec(rest);
  if (block) {
    parsed.priority = (block[1] ?? '').toUpperCase() as Priority;
    parsed.account = block[2] ?? '';
    Object.assign(parsed, parseBlockTail(rest.slice(block.index + block[0].length)));
  }
  if (parsed.trackingToken === undefined) {
    const token = findTrackingTokens(rest, tokenPrefixes)[0];
    if (token !== undefined) parsed.trackingToken = token;
  }
  return parsed;
}

/** Case numbers in order of appearance, upper-cased, without duplicates. */
export function findCaseNumbers(text: string): string[] {
  return unique([...text.matchAll(CASE_NUMBER_RE)].map((m) => m[0].toUpperCase()));
}

/**
 * Tracking tokens (`CMIT:0001334`, also written with a full-width colon) whose prefix is one of `prefixes`,
 * in order of appearance, normalized to `PREFIX:NNNNNNN`, without duplicates.
 */
export function findTrackingTokens(
  text: string,
  prefixes: readonly string[] = DEFAULT_TOKEN_PREFIXES,
): string[] {
  for (const p of prefixes) {
    if (!/^[A-Za-z]+$/.test(p))
      throw invalid('mail.bad_token_prefix', `Token prefix must be letters: "${p}"`);
  }
  if (prefixes.length === 0) return [];
  const re = new RegExp(`(?<![A-Za-z0-9])(${prefixes.join('|')})[:：](\\d{7})(?!\\d)`, 'gu');
  return unique([...text.matchAll(re)].map((m) => `${m[1]}:${m[2]}`));
}

/** Splits `TITLE\u2009% STAGE TOKEN` (what follows `|account|`). */
function parseBlockTail(tail: string): Pick<ParsedSubject, 'title' | 'stage' | 'trackingToken'> {
  const close = tail.lastIndexOf('%');
  if (close < 0) {
    // Closing `%` lost: the title runs to a token that ends the subject, if any; no stage can be told apart.
    const token = lastToken(tail);
    if (token && tail.slice(token.end).trim() === '') {
      return { title: tail.slice(0, token.index).trimEnd(), trackingToken: token.text };
    }
    return { title: tail.trimEnd() };
  }
  const titlePart = tail.slice(0, close);
  const title = titlePart.endsWith('\u2009') ? titlePart.slice(0, -1) : titlePart.trimEnd();
  const after = tail.slice(close + 1);
  const token = lastToken(after);
  const stage = (token ? after.slice(0, token.index) : after).trim();
  return withToken(stage === '' ? { title } : { title, stage }, token?.text);
}

function withToken<T extends object>(fields: T, token: string | undefined): T & { trackingToken?: string } {
  return token === undefined ? fields : { ...fields, trackingToken: token };
}

function lastToken(text: string): { text: string; index: number; end: number } | undefined {
  const last = [...text.matchAll(ANY_TOKEN_RE)].at(-1);
  if (!last) return undefined;
  return { text: `${last[1]}:${last[2]}`, index: last.index, end: last.index + last[0].length };
}

function checkTemplate(template: string): void {
  const names = [...template.matchAll(/\{(\w+)\}/g)].map((m) => m[1] ?? '');
  const unknown = names.filter((n) => !(PLACEHOLDERS as readonly string[]).includes(n));
  if (unknown.length > 0) {
    throw invalid(
      'mail.bad_subject_template',
      `Unknown placeholder(s) in subject template: ${unknown.join(', ')}`,
    );
  }
  if (!names.includes('caseNumber')) {
    throw invalid('mail.bad_subject_template', 'A subject template must contain {caseNumber}');
  }
}

function checkFields(f: SubjectFields): void {
  const problems: string[] = [];
  if (!CASE_NUMBER_EXACT.test(f.caseNumber))
    problems.push(`case number "${f.caseNumber}" is not CAS-NNNNN-XXXXXX`);
  if (!PRIORITIES.includes(f.priority)) problems.push(`priority "${f.priority}" is not P1–P4`);
  if (f.account.includes('|')) problems.push('account must not contain "|"');
  if (f.stage === '' || f.stage !== f.stage.trim() || f.stage.includes('%')) {
    problems.push('stage must be non-empty, without "%" and without surrounding whitespace');
  }
  if (!TOKEN_EXACT.test(f.trackingToken))
    problems.push(`tracking token "${f.trackingToken}" is not PREFIX:NNNNNNN`);
  if (problems.length > 0) {
    throw invalid('mail.bad_subject', `Cannot build a subject: ${problems.join('; ')}`, { problems });
  }
}

function unique(items: string[]): string[] {
  return [...new Set(items)];
}
