import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DomainError } from '../platform/errors.js';
import {
  DEFAULT_SUBJECT_TEMPLATE,
  findCaseNumbers,
  findTrackingTokens,
  formatSubject,
  parseSubject,
  type SubjectFields,
  stripSubjectPrefixes,
} from './subject.js';

// The seed subject, byte for byte (U+2009 THIN SPACE around the case number and the block).
const SEED_SUBJECT =
  '回复: [案例号:\u2009CAS-04814-C9T9D0\u2009] %\u2009|P3|ICBC|补丁更新失败\u2009% 初次响应 CMIT:0001334';
const SEED_FIELDS: SubjectFields = {
  caseNumber: 'CAS-04814-C9T9D0',
  priority: 'P3',
  account: 'ICBC',
  title: '补丁更新失败',
  stage: '初次响应',
  trackingToken: 'CMIT:0001334',
};

function fieldsOf(p: Partial<SubjectFields>): Partial<SubjectFields> {
  const { caseNumber, priority, account, title, stage, trackingToken } = p;
  return { caseNumber, priority, account, title, stage, trackingToken };
}

function domainCode(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    return e instanceof DomainError ? e.code : 'not-a-domain-error';
  }
  return undefined;
}

describe('formatSubject', () => {
  it('reproduces the seed subject exactly (after the reply prefix)', () => {
    expect(`回复: ${formatSubject(SEED_FIELDS)}`).toBe(SEED_SUBJECT);
    expect(formatSubject(SEED_FIELDS, { locale: 'zh-CN', template: DEFAULT_SUBJECT_TEMPLATE })).toBe(
      SEED_SUBJECT.slice('回复: '.length),
    );
  });

  it('uses the English case label in en', () => {
    expect(formatSubject(SEED_FIELDS, { locale: 'en' })).toBe(
      '[Case:\u2009CAS-04814-C9T9D0\u2009] %\u2009|P3|ICBC|补丁更新失败\u2009% 初次响应 CMIT:0001334',
    );
  });

  it('fills a custom template once, never re-expanding placeholders found in a title', () => {
    const subject = formatSubject(
      { ...SEED_FIELDS, title: 'literal {stage}' },
      { template: '{caseNumber} {title} ({stage})', locale: 'en' },
    );
    expect(subject).toBe('CAS-04814-C9T9D0 literal {stage} (初次响应)');
  });

  it('rejects templates with unknown placeholders or without the case number', () => {
    expect(domainCode(() => formatSubject(SEED_FIELDS, { template: '{caseNumber} {owner}' }))).toBe(
      'mail.bad_subject_template',
    );
    expect(domainCode(() => formatSubject(SEED_FIELDS, { template: '{title}' }))).toBe(
      'mail.bad_subject_template',
    );
  });

  it.each<[string, Partial<SubjectFields>]>([
    ['bad case number', { caseNumber: 'CAS-4814-C9T9D0' }],
    ['lower-case case number', { caseNumber: 'CAS-04814-c9t9d0' }],
    ['bad priority', { priority: 'P5' as SubjectFields['priority'] }],
    ['account with |', { account: 'IC|BC' }],
    ['stage with %', { stage: '50% done' }],
    ['empty stage', { stage: '' }],
    ['stage with surrounding space', { stage: ' 初次响应' }],
    ['token without prefix', { trackingToken: '0001334' }],
    ['token with 6 digits', { trackingToken: 'CMIT:001334' }],
  ])('refuses fields that could not be parsed back: %s', (_, patch) => {
    expect(domainCode(() => formatSubject({ ...SEED_FIELDS, ...patch }))).toBe('mail.bad_subject');
  });
});

describe('parseSubject', () => {
  it('reads every field of the seed subject', () => {
    const parsed = parseSubject(SEED_SUBJECT);
    expect(fieldsOf(parsed)).toEqual(SEED_FIELDS);
    expect(parsed.prefixes).toEqual(['回复']);
    expect(parsed.rest).toBe(SEED_SUBJECT.slice('回复: '.length));
  });

  it.each([
    ['RE: 答复: 转发：', ['RE', '答复', '转发']],
    ['Re:\u3000', ['Re']],
    ['回覆：\u00a0AW: WG: SV: VS: ', ['回覆', 'AW', 'WG', 'SV', 'VS']],
    ['R: R: R: I: ', ['R', 'R', 'R', 'I']],
    ['RE[2]: Fwd: fw: ', ['RE', 'Fwd', 'fw']],
    ['  re (3) ： FW : ', ['re', 'FW']],
    ['\u2009回复\u2009:\u2009答复:', ['回复', '答复']],
  ])('strips the prefix chain %j', (chain, expected) => {
    const parsed = parseSubject(chain + SEED_SUBJECT);
    expect(parsed.prefixes).toEqual([...expected, '回复']);
    expect(fieldsOf(parsed)).toEqual(SEED_FIELDS);
  });

  it('gives the subject proper as rest for mail with no tag', () => {
    expect(parseSubject('RE: 答复: Printer broken')).toEqual({
      prefixes: ['RE', '答复'],
      rest: 'Printer broken',
    });
    expect(parseSubject('Printer broken')).toEqual({ prefixes: [], rest: 'Printer broken' });
    expect(parseSubject('Reply needed: printer').prefixes).toEqual([]);
    expect(parseSubject('Invoice: March').prefixes).toEqual([]);
  });

  it('reads a bare case tag, in any accepted label', () => {
    for (const tag of [
      '[案例号: CAS-04814-C9T9D0]',
      '[案例编号：CAS-04814-C9T9D0]',
      '[Case No: CAS-04814-C9T9D0]',
      '[Case No.: CAS-04814-C9T9D0]',
      '[Case #CAS-04814-C9T9D0]',
      '[case:\u2009CAS-04814-C9T9D0\u2009]',
      '【案例号：CAS-04814-C9T9D0】',
    ]) {
      const parsed = parseSubject(`答复: ${tag}`);
      expect(parsed.caseNumber, tag).toBe('CAS-04814-C9T9D0');
      expect(parsed.title, tag).toBeUndefined();
    }
  });

  it('finds a case number or a token anywhere when the layout is gone', () => {
    expect(parseSubject('FW: about cas-04814-c9t9d0 again').caseNumber).toBe('CAS-04814-C9T9D0');
    const tokenOnly = parseSubject('Re:\u3000日志已上传 CMIT:0001334');
    expect(tokenOnly.trackingToken).toBe('CMIT:0001334');
    expect(tokenOnly.caseNumber).toBeUndefined();
    expect(parseSubject('ref CMIT：0001334').trackingToken).toBe('CMIT:0001334');
    expect(parseSubject('tel 400:8180055').trackingToken).toBeUndefined();
    expect(parseSubject('XX:0001334', { tokenPrefixes: ['XX'] }).trackingToken).toBe('XX:0001334');
  });

  it('survives mail clients that turn the thin spaces into other whitespace or drop them', () => {
    const mangled = [
      SEED_SUBJECT.replaceAll('\u2009', ' '),
      SEED_SUBJECT.replaceAll('\u2009', ''),
      SEED_SUBJECT.replaceAll('\u2009', '\u3000').replaceAll(' ', '\u00a0'),
    ];
    for (const subject of mangled) expect(fieldsOf(parseSubject(subject))).toEqual(SEED_FIELDS);
  });

  it('keeps what is there when parts are missing', () => {
    const noStage = parseSubject('[案例号: CAS-04814-C9T9D0] % |P2|ICBC|蓝屏 %');
    expect(fieldsOf(noStage)).toEqual({
      ...fieldsOf({}),
      caseNumber: 'CAS-04814-C9T9D0',
      priority: 'P2',
      account: 'ICBC',
      title: '蓝屏',
    });
    const noClose = parseSubject('[案例号: CAS-04814-C9T9D0] % |P1|ICBC|蓝屏 CMIT:0001334');
    expect(noClose.title).toBe('蓝屏');
    expect(noClose.trackingToken).toBe('CMIT:0001334');
    expect(noClose.stage).toBeUndefined();
  });
});

describe('finders', () => {
  it('finds distinct case numbers in order, ignoring look-alikes glued to other text', () => {
    const text = 'CAS-04814-C9T9D0, cas-00001-abcdef; XCAS-11111-AAAAAA CAS-22222-BBBBBB9 CAS-04814-C9T9D0';
    expect(findCaseNumbers(text)).toEqual(['CAS-04814-C9T9D0', 'CAS-00001-ABCDEF']);
  });

  it('finds distinct tokens for the configured prefixes only', () => {
    const text = 'CMIT:0001334 ABC:1234567 CMIT：0000001 XCMIT:7654321 CMIT:12345678 CMIT:0001334';
    expect(findTrackingTokens(text)).toEqual(['CMIT:0001334', 'CMIT:0000001']);
    expect(findTrackingTokens(text, ['ABC', 'CMIT'])).toEqual([
      'CMIT:0001334',
      'ABC:1234567',
      'CMIT:0000001',
    ]);
    expect(findTrackingTokens(text, [])).toEqual([]);
    expect(domainCode(() => findTrackingTokens(text, ['C.*']))).toBe('mail.bad_token_prefix');
  });

  it('strips prefixes without touching the rest', () => {
    expect(stripSubjectPrefixes('Fwd:Re:  hello  ')).toEqual({ prefixes: ['Fwd', 'Re'], rest: 'hello' });
  });
});

// Characters that stress the delimiters, mixed with any code point.
const tricky = fc.constantFrom(
  '|',
  '%',
  '[',
  ']',
  '【',
  ' ',
  '\u2009',
  '\u3000',
  '\u00a0',
  ':',
  '：',
  '{stage}',
  'RE: ',
  'CAS-12345-ABCDEF',
  '[案例号: CAS-99999-ZZZZZZ]',
  'CMIT:7654321',
  '% 跟进 CMIT:1111111',
  '%\u2009|P1|X|',
);
const anyText = fc.string({
  unit: fc.oneof(fc.string({ unit: 'binary', maxLength: 1 }), tricky),
  maxLength: 30,
});
const digits = (n: number) =>
  fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: n, maxLength: n });
const upperAlnum = fc.constantFrom(...'0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ');

const fieldsArb: fc.Arbitrary<SubjectFields> = fc.record({
  caseNumber: fc
    .tuple(digits(5), fc.string({ unit: upperAlnum, minLength: 6, maxLength: 6 }))
    .map(([d, s]) => `CAS-${d}-${s}`),
  priority: fc.constantFrom('P1', 'P2', 'P3', 'P4'),
  account: anyText.map((s) => s.replaceAll('|', '')),
  title: anyText,
  stage: anyText.map((s) => s.replaceAll('%', '').trim()).filter((s) => s !== ''),
  trackingToken: fc
    .tuple(
      fc.string({ unit: fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZ'), minLength: 1, maxLength: 6 }),
      digits(7),
    )
    .map(([p, d]) => `${p}:${d}`),
});

const prefixWord = fc.constantFrom(
  '回复',
  '答复',
  '转发',
  '回覆',
  'RE',
  'Re',
  're',
  'FW',
  'Fwd',
  'AW',
  'WG',
  'SV',
  'VS',
  'R',
  'I',
);
const space = fc.constantFrom('', ' ', '\u2009', '\u3000', '\u00a0', '  ');
const prefixArb = fc
  .tuple(space, prefixWord, fc.constantFrom('', '[2]', '(12)'), space, fc.constantFrom(':', '：'), space)
  .map((parts) => ({ word: parts[1], text: parts.join('') }));

describe('format → parse round trip (property)', () => {
  it('gives back every field, in both locales', () => {
    fc.assert(
      fc.property(fieldsArb, fc.constantFrom('zh-CN' as const, 'en' as const), (fields, locale) => {
        const subject = formatSubject(fields, { locale });
        const parsed = parseSubject(subject);
        expect(fieldsOf(parsed)).toEqual(fields);
        expect(parsed.prefixes).toEqual([]);
        expect(parsed.rest).toBe(subject);
      }),
      { numRuns: 2000 },
    );
  });

  it('gives back every field behind any chain of reply/forward prefixes', () => {
    fc.assert(
      fc.property(
        fieldsArb,
        fc.constantFrom('zh-CN' as const, 'en' as const),
        fc.array(prefixArb, { maxLength: 6 }),
        (fields, locale, chain) => {
          const parsed = parseSubject(chain.map((p) => p.text).join('') + formatSubject(fields, { locale }));
          expect(fieldsOf(parsed)).toEqual(fields);
          expect(parsed.prefixes).toEqual(chain.map((p) => p.word));
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('never throws on arbitrary input', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.oneof(fc.string({ unit: 'binary', maxLength: 1 }), tricky) }), (s) => {
        const parsed = parseSubject(s);
        expect(typeof parsed.rest).toBe('string');
      }),
    );
  });
});
