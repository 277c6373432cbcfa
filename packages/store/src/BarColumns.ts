import type { Bar } from '@pounce/core';

/**
 * Bars of one symbol as columns, in time order: what the store writes and reads. A column read
 * from disk is a typed array over the file's bytes, so reading costs no object per bar; `barAt`
 * and `barsOf` make bar objects only for a consumer that needs them.
 */
export interface BarColumns {
  symbol: string;
  /** Bar start, epoch ms (whole numbers: exact in a double). */
  time: Float64Array;
  open: Float64Array;
  high: Float64Array;
  low: Float64Array;
  close: Float64Array;
  volume: Float64Array;
}

/** The value columns, in file order after `time`. */
export const VALUE_COLUMNS = ['open', 'high', 'low', 'close', 'volume'] as const;

/**
 * Columns of bars already in time order.
 *
 * @example
 * ```ts
 * const cols = columnsOf('NVDA', [{ symbol: 'NVDA', time: 0, open: 1, high: 2, low: 1, close: 2, volume: 10 }]);
 * cols.close[0]; // 2
 * ```
 */
export function columnsOf(symbol: string, bars: readonly Bar[]): BarColumns {
  const n = bars.length;
  const c = emptyColumns(symbol, n);
  for (let i = 0; i < n; i++) {
    const b = bars[i]!;
    c.time[i] = b.time;
    c.open[i] = b.open;
    c.high[i] = b.high;
    c.low[i] = b.low;
    c.close[i] = b.close;
    c.volume[i] = b.volume;
  }
  return c;
}

export function emptyColumns(symbol: string, n: number): BarColumns {
  return { symbol, time: new Float64Array(n), open: new Float64Array(n), high: new Float64Array(n), low: new Float64Array(n), close: new Float64Array(n), volume: new Float64Array(n) };
}

/** The i-th bar as an object. */
export function barAt(c: BarColumns, i: number): Bar {
  return { symbol: c.symbol, time: c.time[i]!, open: c.open[i]!, high: c.high[i]!, low: c.low[i]!, close: c.close[i]!, volume: c.volume[i]! };
}

/** Bar objects in time order, made one at a time as they are consumed. */
export function* barsOf(c: BarColumns): Generator<Bar> {
  for (let i = 0; i < c.time.length; i++) yield barAt(c, i);
}

/** Rows [from, to) of the columns (views, no copy). */
export function sliceColumns(c: BarColumns, from: number, to: number): BarColumns {
  return { symbol: c.symbol, time: c.time.subarray(from, to), open: c.open.subarray(from, to), high: c.high.subarray(from, to), low: c.low.subarray(from, to), close: c.close.subarray(from, to), volume: c.volume.subarray(from, to) };
}

/** Index of the first bar at or after `t` (binary search; times ascend). */
export function firstAtOrAfter(times: Float64Array, t: number): number {
  let lo = 0;
  let hi = times.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (times[mid]! < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
