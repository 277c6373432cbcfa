import { DateTime } from 'luxon';
import { marketOf, shippedCalendar, timeframeOfPeriod, type Timeframe } from '@pounce/calendar';
import type { MarketBar as Bar } from '@pounce/matching';

/**
 * The replayed data's own period, read from its bar spacing: `1d` when a symbol's bars are at
 * least 20 hours apart, else the greatest common divisor of the spacings in minutes (sparse
 * minute data, with minutes that had no trade, is still minute data).
 *
 * @example
 * ```ts
 * dataTimeframe(loadBarFiles(['NVDA=nvda-1999-2014.csv'])).text; // '1d'
 * ```
 */
export function dataTimeframe(bars: readonly Bar[]): Timeframe {
  const last = new Map<string, number>();
  let gap = Infinity;
  let minutes = 0;
  const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));
  for (const b of bars.slice(0, 5000)) {
    const prev = last.get(b.symbol);
    if (prev !== undefined && b.time > prev) {
      gap = Math.min(gap, b.time - prev);
      if (b.time - prev < 20 * 3_600_000) minutes = gcd(minutes, Math.max(1, Math.round((b.time - prev) / 60_000)));
    }
    last.set(b.symbol, b.time);
  }
  if (gap >= 20 * 3_600_000) return { kind: 'session', text: '1d' };
  minutes = Math.max(1, minutes);
  return { kind: 'intraday', minutes, text: `${minutes}m` };
}

export class KlinePeriodError extends Error {}

/**
 * The bars of an OpenAPI kline `period` from the replayed bars of one symbol up to `now`, as the
 * service serves them: the data's own period as stored; coarser intraday periods and `day` built
 * on the exchange calendar's sessions (regular hours), a daily bar stamped at midnight of its date
 * in the exchange's zone (the service's stamp), an intraday bar at its period's start. The bar of
 * the period in progress is built from the data so far; replaying daily data, a session's bar
 * exists only once the session has closed. `week`, `month`, `year` group the daily bars.
 */
export function replayKlines(history: readonly Bar[], symbol: string, period: string, data: Timeframe, now: number): Bar[] {
  const cal = shippedCalendar(marketOf(symbol));
  const midnight = (date: string) => DateTime.fromISO(date, { zone: cal.zone }).toMillis();
  if (['week', 'month', 'year'].includes(period)) {
    const daily = replayKlines(history, symbol, 'day', data, now);
    const unit = period as 'week' | 'month' | 'year';
    return group(daily, (b) => DateTime.fromMillis(b.time, { zone: cal.zone }).startOf(unit).toISODate()!, (first) => first.time);
  }
  const tf = timeframeOfPeriod(period);
  if (!tf) throw new KlinePeriodError(`period ${period} is not supported`);
  if (tf.kind === 'intraday' && data.kind === 'session') throw new KlinePeriodError(`period ${period} is finer than the replayed data (daily bars)`);
  if (tf.kind === 'intraday' && data.kind === 'intraday') {
    if (tf.minutes === data.minutes) return [...history];
    if (tf.minutes % data.minutes !== 0) throw new KlinePeriodError(`period ${period} is not a multiple of the replayed data's ${data.text} bars`);
  }
  const inPeriod: Array<{ key: number; stamp: number; closed: boolean; bar: Bar }> = [];
  for (const b of history) {
    const p = cal.periodAt(b.time, tf);
    if (!p) continue;
    const stamp = tf.kind === 'session' ? midnight(p.session.date) : p.start;
    inPeriod.push({ key: p.start, stamp, closed: p.end <= now, bar: b });
  }
  const out: Bar[] = [];
  for (let i = 0; i < inPeriod.length; ) {
    let j = i;
    while (j < inPeriod.length && inPeriod[j]!.key === inPeriod[i]!.key) j++;
    const part = inPeriod.slice(i, j);
    // Replaying daily bars, the day's bar is not known before the close.
    if (data.kind === 'session' && !part[0]!.closed) break;
    out.push(fold(part.map((x) => x.bar), part[0]!.stamp));
    i = j;
  }
  return out;
}

function group(bars: readonly Bar[], key: (b: Bar) => string, stamp: (first: Bar) => number): Bar[] {
  const out: Bar[] = [];
  for (let i = 0; i < bars.length; ) {
    let j = i;
    const k = key(bars[i]!);
    while (j < bars.length && key(bars[j]!) === k) j++;
    out.push(fold(bars.slice(i, j), stamp(bars[i]!)));
    i = j;
  }
  return out;
}

function fold(parts: readonly Bar[], time: number): Bar {
  const first = parts[0]!;
  const bar: Bar = { symbol: first.symbol, time, open: first.open, high: first.high, low: first.low, close: first.close, volume: 0 };
  for (const p of parts) {
    bar.high = Math.max(bar.high, p.high);
    bar.low = Math.min(bar.low, p.low);
    bar.close = p.close;
    bar.volume += p.volume;
  }
  return bar;
}
