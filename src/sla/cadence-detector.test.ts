import { describe, expect, it } from 'vitest';
import { detectCadence } from './cadence-detector.js';

describe('detectCadence', () => {
  const positives: [string, number][] = [
    ['鉴于您当前无法确定具体方便处理问题的时间，我将每两个工作日与您联系一次，确认该案例的进度', 2],
    ['每两个工作日', 2],
    ['每2个工作日', 2],
    ['每 2 个工作日', 2],
    ['每２个工作日跟进一次', 2],
    ['每隔两个工作日', 2],
    ['每隔 3 个工作日联系您', 3],
    ['每三个工作日', 3],
    ['每四个工作日', 4],
    ['每五个工作日', 5],
    ['每六个工作日', 6],
    ['每七个工作日', 7],
    ['每八个工作日', 8],
    ['每九个工作日', 9],
    ['每十个工作日', 10],
    ['每十二个工作日', 12],
    ['每二十个工作日', 20],
    ['每一个工作日', 1],
    ['每个工作日都会更新', 1],
    ['每工作日', 1],
    ['每隔一个工作日', 2],
    ['每两个工作天联系一次', 2],
    ['I will contact you every two business days.', 2],
    ['every 2 working days', 2],
    ['Every three business days', 3],
    ['every other business day', 2],
    ['every other working day', 2],
    ['every 2nd business day', 2],
    ['every second working day', 2],
    ['every third business day', 3],
    ['every two (2) business days', 2],
    ['every 5 work days', 5],
    ['every business day', 1],
    ['every working-day', 1],
    ['We will follow up every ten business days', 10],
  ];
  for (const [text, n] of positives) {
    it(`"${text}" → ${n}`, () => expect(detectCadence(text)).toBe(n));
  }

  const negatives = [
    '请在两个工作日内回复',
    '我们会在2个工作日内联系您',
    '每天联系您',
    '每周跟进一次',
    '每两天',
    '每隔两天联系一次',
    '工作日 9:00-18:00 可拨打热线',
    'We will reply within two business days.',
    'in 2 working days',
    'every two weeks',
    'every day',
    'every few business days',
    'business days: Monday to Friday',
    '',
  ];
  for (const text of negatives) {
    it(`"${text}" → null`, () => expect(detectCadence(text)).toBeNull());
  }

  it('takes the first cadence when a text names two', () => {
    expect(detectCadence('每三个工作日……or every two business days')).toBe(3);
    expect(detectCadence('every two business days (每三个工作日)')).toBe(2);
  });
});
