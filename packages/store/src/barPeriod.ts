const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** A store period name: `day`, `week`, `month`, or `<n>min` (the kline method's names). */
export function checkPeriod(period: string): string {
  if (!/^(day|week|month|[1-9]\d*min)$/.test(period)) throw new Error(`--period: expected day, week, month or <n>min (e.g. 1min, 5min), got "${period}"`);
  return period;
}

/**
 * The period of bars from their smallest gap: daily bars are a day apart give or take a DST hour
 * (20 h and more counts as a day), intraday bars are whole minutes apart. Undefined when there are
 * fewer than two bars or the gap fits no period: the caller asks for --period then.
 *
 * @example
 * ```ts
 * inferPeriod(new Float64Array([0, 300_000, 600_000])); // '5min'
 * ```
 */
export function inferPeriod(times: Float64Array): string | undefined {
  let gap = Infinity;
  for (let i = 1; i < times.length; i++) {
    const d = times[i]! - times[i - 1]!;
    if (d > 0 && d < gap) gap = d;
  }
  if (gap === Infinity) return undefined;
  if (gap >= 27 * DAY) return 'month';
  if (gap >= 6 * DAY) return 'week';
  if (gap >= 20 * HOUR) return 'day';
  return gap % MINUTE === 0 ? `${gap / MINUTE}min` : undefined;
}
