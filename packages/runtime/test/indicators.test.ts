import { from, lastValueFrom, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { all, bySymbol, cross, CrossOver, crossover, crossunder, Highest, RollingWindow, sma, Sma, StdDev } from '../src/index.ts';

const bar = (symbol: string, close: number) => ({ symbol, time: 0, open: close, high: close, low: close, close, volume: 1 });

describe('numerical robustness', () => {
  it('a rolling mean and deviation over 2 million inputs stay exact to 1e-9 where naive running sums drift', () => {
    // Large level, small moves: the case where a plain running sum loses the low digits.
    const n = 2_000_000;
    const period = 50;
    const sma = new Sma(period);
    const sd = new StdDev(period);
    let naiveSum = 0;
    let naiveSq = 0;
    const window: number[] = [];
    let seed = 7;
    const next = () => ((seed = (seed * 16807) % 2147483647) / 2147483647 - 0.5) * 0.01;
    let x = 1e6;
    for (let i = 0; i < n; i++) {
      x += next();
      const v = x + (i % 3) * 0.1;
      sma.update(v);
      sd.update(v);
      naiveSum += v;
      naiveSq += v * v;
      window.push(v);
      if (window.length > period) {
        const old = window.shift()!;
        naiveSum -= old;
        naiveSq -= old * old;
      }
    }
    const exactMean = window.reduce((s, v) => s + v, 0) / period;
    const exactSd = Math.sqrt(window.reduce((s, v) => s + (v - exactMean) ** 2, 0) / period);
    expect(Math.abs(sma.value! - exactMean)).toBeLessThan(1e-9);
    expect(Math.abs(sd.value! - exactSd)).toBeLessThan(1e-9);
    // The old naive sums (what RollingWindow kept at 4131db9) are far off on the same data.
    const naiveSd = Math.sqrt(Math.max(0, naiveSq / period - (naiveSum / period) ** 2));
    expect(Math.abs(naiveSum / period - exactMean)).toBeGreaterThan(1e-8);
    expect(Math.abs(naiveSd - exactSd)).toBeGreaterThan(1e-3);
  });

  it('RollingWindow keeps its API: mean, stddev, first, last, full', () => {
    const w = new RollingWindow(3);
    [1, 2, 3, 4].forEach((v) => w.push(v));
    expect([w.mean, w.first, w.last, w.full]).toEqual([3, 2, 4, true]);
    expect(w.stddev).toBeCloseTo(Math.sqrt(2 / 3), 12);
  });
});

describe('warm-up', () => {
  it('values are undefined and ready false until the period is full', () => {
    const s = new Sma(3);
    expect([s.update(1), s.ready, s.update(2), s.ready]).toEqual([undefined, false, undefined, false]);
    expect([s.update(3), s.ready, s.warmUp]).toEqual([2, true, 3]);
  });

  it('Highest follows its window as values leave it', () => {
    const h = new Highest(3);
    expect([5, 1, 2, 0, 4, 4, 3].map((v) => h.update(v))).toEqual([undefined, undefined, 5, 2, 4, 4, 4]);
  });
});

describe('CrossOver ties (as backtrader: the last non-zero difference counts)', () => {
  const run = (pairs: Array<[number, number]>) => {
    const c = new CrossOver();
    return pairs.map((p) => c.update(p));
  };
  it('below, equal, above is one cross up, on the bar it goes above', () => {
    expect(run([[1, 2], [2, 2], [3, 2]])).toEqual([undefined, 0, 1]);
  });
  it('below, equal for several bars, above: still one cross', () => {
    expect(run([[1, 2], [2, 2], [2, 2], [3, 2], [4, 2]])).toEqual([undefined, 0, 0, 1, 0]);
  });
  it('above, equal, above again is no cross; above, equal, below is a cross down', () => {
    expect(run([[3, 2], [2, 2], [3, 2]])).toEqual([undefined, 0, 0]);
    expect(run([[3, 2], [2, 2], [1, 2]])).toEqual([undefined, 0, -1]);
  });
  it('the comparison of the previous values alone (prev < and now >) would miss the tie case', () => {
    const pairs: Array<[number, number]> = [[1, 2], [2, 2], [3, 2]];
    const naive = pairs.map((p, i) => (i > 0 && pairs[i - 1]![0] < pairs[i - 1]![1] && p[0] > p[1] ? 1 : 0));
    expect(naive).toEqual([0, 0, 0]);
    expect(run(pairs)[2]).toBe(1);
  });
});

describe('bySymbol', () => {
  it('keeps one indicator per symbol and emits from the first warm bar', async () => {
    const bars = [bar('A', 1), bar('B', 10), bar('A', 2), bar('B', 20), bar('A', 3)];
    const out = await lastValueFrom(from(bars).pipe(bySymbol(sma(2)), toArray()));
    expect(out.map((o) => [o.bar.symbol, o.value])).toEqual([['A', 1.5], ['B', 15], ['A', 2.5]]);
  });

  it('declared crosses and all(): values of several indicators at once', async () => {
    const closes = [3, 2, 1, 1, 2, 3, 4, 3, 2, 1];
    const out = await lastValueFrom(from(closes.map((c) => bar('A', c))).pipe(bySymbol(all({ fast: sma(1), slow: sma(3), x: cross(sma(1), sma(3)), up: crossover(sma(1), sma(3)), down: crossunder(sma(1), sma(3)) })), toArray()));
    const signals = out.map((o) => [o.bar.close, o.value.x, o.value.up, o.value.down]);
    expect(signals.filter(([, x]) => x !== 0)).toEqual([[2, 1, true, false], [3, -1, false, true]]);
  });
});
