/**
 * `new Date(ms).toISOString()` without the Date: the SLA scheduler formats about ten instants per
 * open case on every pass, and allocating a Date for each was a tenth of its time. The date part
 * is cached per day (a pass touches a few hundred days); the time of day is plain arithmetic.
 * Same output as toISOString for every instant, including before 1970 and after 9999.
 */
const DAY_MS = 86_400_000;
const pad = (n: number, width: number) => String(n).padStart(width, '0');
const TWO = Array.from({ length: 60 }, (_, i) => pad(i, 2));
const THREE = Array.from({ length: 1000 }, (_, i) => pad(i, 3));
const dates = new Map<number, string>();
const MAX_CACHED_DAYS = 20_000;

export function isoInstant(ms: number): string {
  // Fractions and instants out of Date's range: as toISOString does them (or throws).
  if (!Number.isInteger(ms) || Math.abs(ms) > 8.64e15) return new Date(ms).toISOString();
  const day = Math.floor(ms / DAY_MS);
  let date = dates.get(day);
  if (date === undefined) {
    date = new Date(day * DAY_MS).toISOString().slice(0, -14); // "YYYY-MM-DD" (or ±YYYYYY-MM-DD)
    if (dates.size >= MAX_CACHED_DAYS) dates.clear();
    dates.set(day, date);
  }
  let rest = ms - day * DAY_MS;
  const h = Math.floor(rest / 3_600_000);
  rest -= h * 3_600_000;
  const m = Math.floor(rest / 60_000);
  rest -= m * 60_000;
  const s = Math.floor(rest / 1000);
  return `${date}T${TWO[h]}:${TWO[m]}:${TWO[s]}.${THREE[rest - s * 1000]}Z`;
}
