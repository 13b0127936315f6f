import { businessSecondsBetween, endOfNthBusinessDayAfter } from '../src/sla/calendar-arithmetic.js';
import { builtInCnCalendar } from '../src/sla/cn-calendar.js';
import { evaluateSla, type SlaActivity, type SlaInput } from '../src/sla/sla-evaluator.js';
import type { BenchModule } from './lib.js';

/** Deterministic PRNG (mulberry32) so every run measures the same synthetic data. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const FROM = Date.parse('2021-01-01T00:00:00Z');
const SPAN = Date.parse('2026-12-01T00:00:00Z') - FROM;
const HOUR = 3_600_000;

function arithmeticOpsPerSecond(seconds: number): { ops: number; calls: number } {
  const cal = builtInCnCalendar();
  const next = rng(1);
  const instants = Array.from({ length: 10_000 }, () => new Date(FROM + Math.floor(next() * SPAN)));
  const spans = instants.map(() => Math.floor(next() * 30 * 24 * HOUR));
  let sink = 0;
  const pass = (limit: number) => {
    let calls = 0;
    for (let i = 0; i < limit; i++) {
      const a = instants[i % instants.length] as Date;
      const due = endOfNthBusinessDayAfter(cal, a, 1 + (i % 5)).value;
      sink += businessSecondsBetween(
        cal,
        a,
        new Date(a.getTime() + (spans[i % spans.length] as number)),
      ).value;
      sink += due.getTime() % 7;
      calls += 2;
    }
    return calls;
  };
  pass(instants.length); // warm up: resolves every day of the range once
  let calls = 0;
  const start = performance.now();
  while (performance.now() - start < seconds * 1000) calls += pass(5_000);
  const elapsed = (performance.now() - start) / 1000;
  if (sink === Number.NEGATIVE_INFINITY) console.log(sink); // keep the work observable
  return { ops: calls / elapsed, calls };
}

function syntheticCases(count: number): SlaInput[] {
  const cal = builtInCnCalendar();
  const next = rng(2);
  const now = new Date('2026-12-15T00:00:00Z');
  return Array.from({ length: count }, (_, i) => {
    let t = FROM + Math.floor(next() * (SPAN - 60 * 24 * HOUR));
    const activities: SlaActivity[] = [
      { at: new Date(t), kind: 'email', fromEngineer: false, hasContent: true },
    ];
    const n = 8 + Math.floor(next() * 5); // 8..12 more activities, ~10 on average
    for (let k = 0; k < n; k++) {
      t += Math.floor((0.5 + next() * 71.5) * HOUR);
      const r = next();
      activities.push({
        at: new Date(t),
        kind: r < 0.2 ? 'call' : 'email',
        fromEngineer: r < 0.75,
        hasContent: r > 0.05,
      });
    }
    return {
      caseNumber: `CAS-${String(i).padStart(5, '0')}-BENCH0`,
      calendar: cal,
      cadenceBusinessDays: 1 + Math.floor(next() * 3),
      activities,
      closedAt: null,
      now,
    };
  });
}

export const run: BenchModule['run'] = async ({ quick }) => {
  const arithmetic = arithmeticOpsPerSecond(quick ? 0.3 : 2);

  const cases = syntheticCases(100_000);
  for (const c of cases.slice(0, 2_000)) evaluateSla(c); // warm up JIT and the day cache
  const start = performance.now();
  let windows = 0;
  for (const c of cases) windows += evaluateSla(c).followUps.length;
  const seconds = (performance.now() - start) / 1000;

  return [
    {
      name: 'calendar_arithmetic_ops_per_s',
      value: Math.round(arithmetic.ops),
      unit: 'ops/s',
      // 100k cases × ~10 windows in 2 s needs ≥ 500k calendar ops/s.
      target: 500_000,
      better: 'higher',
      params: {
        calendar: 'CN',
        mix: 'endOfNthBusinessDayAfter(n=1..5) + businessSecondsBetween(span 0..30 days), 2021–2026',
        calls: arithmetic.calls,
        quick,
      },
    },
    {
      name: 'sla_recompute_100k_cases_seconds',
      value: Number(seconds.toFixed(3)),
      unit: 's',
      target: 2,
      better: 'lower',
      params: {
        cases: cases.length,
        activitiesPerCase: '9..13',
        followUpWindows: windows,
        calendar: 'CN',
        quick,
      },
    },
  ];
};
