/**
 * A bar period a strategy trades on: `Nm` / `Nh` (intraday, counted from each session segment's
 * start) or `1d` (one bar per trading session).
 */
export type Timeframe = { readonly kind: 'intraday'; readonly minutes: number; readonly text: string } | { readonly kind: 'session'; readonly text: '1d' };

/**
 * Reads `1m`, `5m`, `15m`, `30m`, `1h`, `2h`, `1d`. Errors name what was expected.
 *
 * @example
 * ```ts
 * parseTimeframe('15m'); // { kind: 'intraday', minutes: 15, text: '15m' }
 * ```
 */
export function parseTimeframe(text: string): Timeframe {
  if (text === '1d') return { kind: 'session', text: '1d' };
  const m = /^([1-9]\d*)(m|h)$/.exec(text);
  if (!m) throw new Error(`timeframe "${text}": expected minutes or hours such as 1m, 5m, 15m, 1h, or 1d`);
  const minutes = Number(m[1]) * (m[2] === 'h' ? 60 : 1);
  if (minutes > 24 * 60) throw new Error(`timeframe "${text}": at most 24h; use 1d for a session bar`);
  return { kind: 'intraday', minutes, text };
}

/** The OpenAPI `kline` period for a timeframe (`1min`, `5min`, `60min`, `day`, ...). */
export function klinePeriod(tf: Timeframe): string {
  if (tf.kind === 'session') return 'day';
  return `${tf.minutes}min`;
}

/** The timeframe of an OpenAPI `kline` period, or undefined when it is not one Pounce aggregates. */
export function timeframeOfPeriod(period: string): Timeframe | undefined {
  if (period === 'day') return parseTimeframe('1d');
  const m = /^(\d+)(min|hour)$/.exec(period);
  if (!m) return undefined;
  const minutes = Number(m[1]) * (m[2] === 'hour' ? 60 : 1);
  return { kind: 'intraday', minutes, text: minutes % 60 === 0 ? `${minutes / 60}h` : `${minutes}m` };
}
