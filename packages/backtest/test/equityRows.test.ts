import { describe, expect, it } from 'vitest';
import { perShareFees, type MarketBar } from '@pounce/matching';
import { BacktestVenue, BuyAndHold, type EquityPoint } from '../src/index.ts';
import { EquityRows } from '../src/equityRows.ts';

const DAY = 86_400_000;
const T0 = Date.UTC(2024, 0, 2, 14, 30);

describe('EquityRows (the kept equity curve)', () => {
  it('gives back exactly the values appended, across several chunks, with a benchmark only when the curve has one', () => {
    const withB = new EquityRows(true);
    const without = new EquityRows(false);
    const expected: EquityPoint[] = [];
    // Values no float32 or integer store would keep: thirds, -0, tiny and huge magnitudes.
    for (let i = 0; i < 40_000; i++) {
      const p = { time: T0 + i * 60_000, equity: i === 7 ? -0 : 1e6 / 3 + i * 1e-9, gross: i * Math.PI * 1e12, benchmark: 1 / (i + 3) };
      expected.push(p);
      withB.append(p.time, p.equity, p.gross, p.benchmark);
      without.append(p.time, p.equity, p.gross, undefined);
    }
    expect(withB.length).toBe(40_000);
    expect(withB.points()).toEqual(expected);
    expect(Object.is(withB.points()[7]!.equity, -0)).toBe(true);
    expect(without.points()).toEqual(expected.map(({ time, equity, gross }) => ({ time, equity, gross })));
    expect(Object.keys(without.points()[0]!)).toEqual(['time', 'equity', 'gross']);
    expect(Object.keys(withB.points()[0]!)).toEqual(['time', 'equity', 'gross', 'benchmark']);
  });

  it('makes the points once per read of an unchanged curve, and again after an append', () => {
    const c = new EquityRows(false);
    c.append(1, 2, 3, undefined);
    const first = c.points();
    expect(c.points()).toBe(first);
    c.append(4, 5, 6, undefined);
    expect(c.points()).toEqual([{ time: 1, equity: 2, gross: 3 }, { time: 4, equity: 5, gross: 6 }]);
  });

  it('a venue keeps the same points it hands to onEquity', async () => {
    const bars: MarketBar[] = Array.from({ length: 3000 }, (_, i) => ({ symbol: 'XYZ', time: T0 + i * DAY, open: 10 + Math.sin(i), high: 11 + Math.sin(i), low: 9 + Math.sin(i), close: 10.3 + Math.sin(i), volume: 1e6 }));
    const streamed: EquityPoint[] = [];
    const v = new BacktestVenue(bars, { fees: perShareFees(0.005), initialCash: 1e5 }, { onEquity: (p) => streamed.push(p), benchmark: new BuyAndHold(1e5, ['XYZ']) });
    v.bars$(['XYZ']).subscribe((b) => {
      if ((b.time - T0) % (5 * DAY) === 0) void v.placeOrder({ symbol: 'XYZ', action: (b.time - T0) % (10 * DAY) === 0 ? 'BUY' : 'SELL', orderType: 'MKT', quantity: 100 });
    });
    await v.run();
    expect(streamed).toHaveLength(3000);
    expect(v.equity).toEqual(streamed);
    expect(new BacktestVenue(bars, { fees: perShareFees(0), initialCash: 1e5 }, { keepEquity: false }).equity).toEqual([]);
  });
});
