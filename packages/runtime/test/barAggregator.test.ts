import { describe, expect, it } from 'vitest';
import { from, lastValueFrom, toArray } from 'rxjs';
import type { Quote } from '@pounce/core';
import { aggregateBars, RollingWindow, timeframeMs } from '../src/index.ts';

const q = (symbol: string, time: number, latestPrice: number, volume = 0): Quote => ({
  symbol, time, latestPrice, volume, bidPrice: undefined, askPrice: undefined, bidSize: undefined, askSize: undefined, open: undefined, high: undefined, low: undefined, preClose: undefined,
});

describe('aggregateBars', () => {
  it('builds OHLCV per symbol and period, emitting a bar only once the next period starts', async () => {
    const quotes = [q('A', 0, 10, 1), q('B', 1000, 50), q('A', 20_000, 12, 2), q('A', 59_999, 9, 3), q('A', 60_000, 11, 4), q('B', 61_000, 51)];
    const bars = await lastValueFrom(aggregateBars(from(quotes), timeframeMs('1m')).pipe(toArray()));
    expect(bars).toEqual([
      { symbol: 'A', time: 0, open: 10, high: 12, low: 9, close: 9, volume: 6 },
      { symbol: 'B', time: 0, open: 50, high: 50, low: 50, close: 50, volume: 0 },
      // the open periods are flushed when the source completes
      { symbol: 'A', time: 60_000, open: 11, high: 11, low: 11, close: 11, volume: 4 },
      { symbol: 'B', time: 60_000, open: 51, high: 51, low: 51, close: 51, volume: 0 },
    ]);
  });
  it('parses timeframes and rejects bad ones', () => {
    expect(timeframeMs('5m')).toBe(300_000);
    expect(timeframeMs('1d')).toBe(86_400_000);
    expect(() => timeframeMs('5 minutes')).toThrow(/expected a number and a unit/);
  });
});

describe('RollingWindow', () => {
  it('keeps mean and standard deviation over the last n values', () => {
    const w = new RollingWindow(3);
    [1, 2, 3, 4].forEach((x) => w.push(x));
    expect(w.full).toBe(true);
    expect(w.mean).toBe(3);
    expect(w.stddev).toBeCloseTo(Math.sqrt(2 / 3), 12);
  });
});
