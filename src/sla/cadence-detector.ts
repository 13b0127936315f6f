/**
 * Finds a follow-up cadence, in business days, in an engineer's text: "我将每两个工作日与您联系一次"
 * → 2. Only business-day cadences count ("每天", "每周", "two business days from now" do not).
 *
 * Readings: 每N个工作日 / 每隔N个工作日 → N (colloquially 每隔两个工作日 means every two), except
 * 每隔一个工作日 → 2 (every other day, like 隔日); 每个工作日 → 1; "every N business/working days",
 * "every other business day" → 2, "every second/third … business day" → 2/3, "every business
 * day" → 1. The first cadence in the text wins.
 */

const CN_DIGITS: Record<string, number> = {
  零: 0,
  〇: 0,
  一: 1,
  二: 2,
  两: 2,
  三: 3,
  四: 4,
  五: 5,
  六: 6,
  七: 7,
  八: 8,
  九: 9,
};
const EN_NUMBERS: Record<string, number> = {
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
  ten: 10,
  second: 2,
  third: 3,
  fourth: 4,
  fifth: 5,
  sixth: 6,
  seventh: 7,
  eighth: 8,
  ninth: 9,
  tenth: 10,
  other: 2,
};

/** 一..九十九 (十, 十二, 二十, 二十五) or ASCII/full-width digits; null if not a number. */
function parseNumber(token: string): number | null {
  const ascii = token.replace(/[０-９]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0));
  if (/^\d+$/.test(ascii)) return Number(ascii);
  const m = /^([一二两三四五六七八九])?(十)?([一二三四五六七八九])?$/.exec(token);
  if (!m || token === '') return null;
  const [, head, ten, tail] = m;
  if (!ten) return head && !tail ? (CN_DIGITS[head] ?? null) : null;
  return (head ? (CN_DIGITS[head] ?? 0) : 1) * 10 + (tail ? (CN_DIGITS[tail] ?? 0) : 0);
}

const CN_NUM = '[0-9０-９]+|[一二两三四五六七八九十]+';
const CN_PATTERN = new RegExp(`每\\s*(隔)?\\s*(${CN_NUM})?\\s*个?\\s*(?:工作日|工作天)`, 'u');
const EN_PATTERN =
  /\bevery\s+(?:(\d+|one|two|three|four|five|six|seven|eight|nine|ten)(?:\s*\(\d+\))?\s+|(\d+(?:st|nd|rd|th)|other|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth)\s+)?(?:business|working|work)[\s-]?days?\b/i;

function fromChinese(text: string): number | null {
  const m = CN_PATTERN.exec(text);
  if (!m) return null;
  const [, gap, num] = m;
  if (num === undefined) return 1; // 每个工作日
  const n = parseNumber(num);
  if (n === null || n < 1) return null;
  return gap && n === 1 ? 2 : n;
}

function fromEnglish(text: string): number | null {
  const m = EN_PATTERN.exec(text);
  if (!m) return null;
  const [, count, ordinal] = m;
  const word = (count ?? ordinal ?? '').toLowerCase();
  if (word === '') return 1; // every business day
  const n = /^\d/.test(word) ? Number.parseInt(word, 10) : (EN_NUMBERS[word] ?? null);
  return n !== null && n >= 1 ? n : null;
}

/**
 * @example detectCadence('我将每两个工作日与您联系一次') === 2
 * @example detectCadence('I will contact you every other business day') === 2
 */
export function detectCadence(text: string): number | null {
  const cn = CN_PATTERN.exec(text);
  const en = EN_PATTERN.exec(text);
  if (cn && (!en || cn.index <= en.index)) return fromChinese(text);
  if (en) return fromEnglish(text);
  return null;
}
