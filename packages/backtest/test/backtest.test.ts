import { describe, expect, it } from 'vitest';
import type { Bar } from '@pounce/core';
import { defineStrategy } from '@pounce/runtime';
import { perShareFees } from '@pounce/matching';
import { BACKTEST_ACCOUNT, BacktestVenue, computeMetrics, RoundTripBook, roundTrips, runBacktest } from '../src/index.ts';

const DAY = 86_400_000;
const T0 = Date.UTC(2024, 0, 2, 14, 30);
// Prices chosen to be exact in float32 so what the strategy sees equals the data.
const series = [
  [10, 10.5, 9.5, 10], [11, 11.5, 10.5, 11], [12, 12.5, 11.5, 12], [13, 13.5, 12.5, 13], [14, 14.5, 13.5, 14], [15, 15.5, 14.5, 15],
];
const bars: Bar[] = series.map(([o, h, l, c], i) => ({ symbol: 'XYZ', time: T0 + i * DAY, open: o!, high: h!, low: l!, close: c!, volume: 1_000_000 }));

/** Buys on the first bar, sells on the third: hand-checkable fills. */
const buyThenSell = defineStrategy({
  name: 'buy-then-sell', params: { qty: { type: 'integer', default: 100 } }, symbols: ['XYZ'],
  setup(ctx) {
    let n = 0;
    ctx.bars$().subscribe((b) => {
      n++;
      if (n === 1) void ctx.submit({ symbol: b.symbol, side: 'BUY', quantity: ctx.params.qty });
      if (n === 3) void ctx.submit({ symbol: b.symbol, side: 'SELL', quantity: ctx.params.qty });
    });
  },
});

describe('runBacktest', () => {
  it('fails with the strategy error when the strategy throws, rather than reporting a halted run', async () => {
    const throwsOnSecondBar = defineStrategy({
      name: 'throws', params: {}, symbols: ['XYZ'],
      setup(ctx) {
        let n = 0;
        ctx.bars$().subscribe(() => {
          if (++n === 2) throw new Error('bug on bar 2');
        });
      },
    });
    await expect(runBacktest({ def: throwsOnSecondBar, bars })).rejects.toThrow('strategy error in bars$ subscriber: bug on bar 2 (1 in the run): the backtest has no valid result');
  });

  it('fills an order sent on bar t at bar t+1 open, and books commissions', async () => {
    const r = await runBacktest({ def: buyThenSell, bars, cash: 10_000, fees: 'per-share:0.01' });
    expect(r.fills.map((f) => [f.action, f.quantity, f.price, f.time])).toEqual([
      ['BUY', 100, 11, T0 + DAY],
      ['SELL', 100, 13, T0 + 3 * DAY],
    ]);
    // +2 per share on 100 shares, minus 1.00 commission each way.
    expect(r.endEquity).toBeCloseTo(10_000 + 200 - 2, 9);
    // Trade P&L is after fees: it adds up to the equity change.
    expect(r.trades).toEqual([{ symbol: 'XYZ', side: 'long', quantity: 100, entryTime: T0 + DAY, entryPrice: 11, exitTime: T0 + 3 * DAY, exitPrice: 13, fees: 2, pnl: 198 }]);
    expect(r.metrics.tradeCount).toBe(1);
    expect(r.metrics.winRate).toBe(1);
  });

  it('applies slippage against the trader on market orders', async () => {
    const r = await runBacktest({ def: buyThenSell, bars, cash: 10_000, fees: 'zero', slippageBps: 100 });
    expect(r.fills.map((f) => f.price)).toEqual([11.11, 12.87]);
  });

  it('gives no way to see the future: every bar arrives at its own time, and fills come later', async () => {
    const seen: Array<{ bar: number; now: number; maxQuote: number }> = [];
    let maxQuote = 0;
    const peek = defineStrategy({
      name: 'peek', params: {}, symbols: ['XYZ'],
      setup(ctx) {
        ctx.quotes$.subscribe((q) => (maxQuote = Math.max(maxQuote, q.time)));
        ctx.bars$().subscribe((b) => {
          seen.push({ bar: b.time, now: ctx.now(), maxQuote });
          // A limit at the next bar's low would be a sure fill only with look-ahead.
          if (seen.length === 2) void ctx.submit({ symbol: 'XYZ', side: 'BUY', quantity: 1, type: 'limit', limitPrice: 11.5 });
        });
      },
    });
    const r = await runBacktest({ def: peek, bars, cash: 10_000, fees: 'zero' });
    expect(seen.map((s) => s.bar)).toEqual(bars.map((b) => b.time));
    for (const s of seen) {
      expect(s.now).toBe(s.bar);
      expect(s.maxQuote).toBeLessThanOrEqual(s.bar);
    }
    expect(r.fills).toEqual([expect.objectContaining({ time: T0 + 2 * DAY, price: 11.5 })]);
  });

  it('gives no look-ahead across symbols: an order decided on AAA at t fills on ZZZ at t+1, not at ZZZ of t', async () => {
    // ZZZ's bars of each instant come after AAA's in the slice; before the fix the order sent on
    // AAA's bar t filled at ZZZ's open of the same instant t.
    const zzz: Bar[] = bars.map((b, i) => ({ ...b, symbol: 'ZZZ', open: 500 + i, high: 501 + i, low: 499 + i, close: 500.5 + i }));
    const aaa: Bar[] = bars.map((b) => ({ ...b, symbol: 'AAA' }));
    const decided: number[] = [];
    const crossSymbol = defineStrategy({
      name: 'cross-symbol', params: {}, symbols: ['AAA', 'ZZZ'],
      setup(ctx) {
        ctx.bars$().subscribe((b) => {
          if (b.symbol !== 'AAA' || decided.length > 0) return;
          decided.push(b.time);
          void ctx.submit({ symbol: 'ZZZ', side: 'BUY', quantity: 10 });
        });
      },
    });
    const r = await runBacktest({ def: crossSymbol, bars: [...zzz, ...aaa], cash: 100_000, fees: 'zero' });
    expect(decided).toEqual([T0]);
    expect(r.fills.map((f) => [f.symbol, f.time, f.price])).toEqual([['ZZZ', T0 + DAY, 501]]);
  });

  it('expires DAY orders still working when the data ends, as the gateway does', async () => {
    const venue = new BacktestVenue(bars, { fees: perShareFees(0), initialCash: 10_000 });
    const statuses: string[] = [];
    venue.orders$.subscribe((o) => statuses.push(`${o.timeInForce} ${o.status}`));
    venue.bars$(['XYZ']).subscribe((b) => {
      if (b.time !== bars[bars.length - 1]!.time) return;
      void venue.placeOrder({ symbol: 'XYZ', action: 'BUY', orderType: 'LMT', quantity: 1, limitPrice: 1, timeInForce: 'DAY' });
    });
    await venue.run();
    expect(statuses).toEqual(['DAY Initial', 'DAY Submitted', 'DAY Cancelled']);
    expect(venue.engine.openOrders(BACKTEST_ACCOUNT)).toEqual([]);
  });

  it('history(symbol, n) gives the last n bars seen, oldest first, up to the last 1000 (or the warm-up if longer)', async () => {
    // Prices exact in float32; 1300 bars cross every growth step of the kept ring and wrap it.
    const many: Bar[] = Array.from({ length: 1300 }, (_, i) => ({ symbol: 'XYZ', time: T0 + i * DAY, open: 10 + i / 4, high: 11 + i / 4, low: 9 + i / 4, close: 10.5 + i / 4, volume: 1000 + i }));
    const check = (warmUp: number) => {
      let wrong = 0;
      let longest = 0;
      const def = defineStrategy({
        name: 'history-check', params: {}, symbols: ['XYZ'], warmUp,
        setup(ctx) {
          const seen: Bar[] = [];
          ctx.bars$().subscribe((b) => {
            seen.push(b);
            for (const n of [0, 1, 63, 65, 1100, 1300]) {
              const h = ctx.history('XYZ', n);
              const want = seen.slice(seen.length - Math.min(n, Math.max(1000, warmUp), seen.length));
              longest = Math.max(longest, h.length);
              // Every bar whole on every 50th bar; otherwise its length and both ends.
              const same = seen.length % 50 === 0 ? JSON.stringify(h) === JSON.stringify(want) : h.length === want.length && h[0]?.time === want[0]?.time && h.at(-1)?.close === want.at(-1)?.close;
              if (!same) wrong++;
            }
          });
        },
      });
      return runBacktest({ def, bars: many, timeframe: 'venue', keepDetail: false }).then(() => ({ wrong, longest }));
    };
    expect(await check(0)).toEqual({ wrong: 0, longest: 1000 });
    expect(await check(1200)).toEqual({ wrong: 0, longest: 1200 });
  });

  it('a lean run (keepDetail off) keeps no fills or trades but gives the same metrics', async () => {
    const full = await runBacktest({ def: buyThenSell, bars, cash: 10_000, fees: 'per-share:0.01' });
    const lean = await runBacktest({ def: buyThenSell, bars, cash: 10_000, fees: 'per-share:0.01', keepDetail: false });
    expect(lean.fills).toEqual([]);
    expect(lean.trades).toEqual([]);
    expect(lean.fillCount).toBe(2);
    expect(lean.metrics).toEqual(full.metrics);
    expect(lean.endEquity).toBe(full.endEquity);
  });

  it('validates params before running', async () => {
    await expect(runBacktest({ def: buyThenSell, bars, rawParams: { qty: 'many' } })).rejects.toThrow('parameter qty: expected a number, got "many"');
  });
});

describe('metrics on a known equity curve', () => {
  it('computes each metric as by hand', () => {
    const curve = [100, 110, 99, 121].map((equity, i) => ({ time: T0 + i * DAY, equity, gross: i === 0 ? 0 : 50 }));
    const book = new RoundTripBook();
    for (const f of [
      { id: '1', orderId: '1', account: 'A', symbol: 'X', action: 'BUY', price: 10, quantity: 10, time: 1 },
      { id: '2', orderId: '2', account: 'A', symbol: 'X', action: 'SELL', price: 12, quantity: 10, time: 2 },
      { id: '3', orderId: '3', account: 'A', symbol: 'X', action: 'BUY', price: 12, quantity: 5, time: 3 },
      { id: '4', orderId: '4', account: 'A', symbol: 'X', action: 'SELL', price: 11, quantity: 5, time: 4 },
    ] as const) book.add(f);
    const m = computeMetrics(curve, book.stats, 430);
    expect(m.totalReturn).toBeCloseTo(0.21, 12);
    // returns 0.1, -0.1, 121/99-1 = 0.2222...; mean 0.074074; population sd 0.132...
    const rs = [0.1, -0.1, 121 / 99 - 1];
    const mean = rs.reduce((a, b) => a + b) / 3;
    const sd = Math.sqrt(rs.reduce((a, r) => a + r * r, 0) / 3 - mean * mean);
    expect(m.sharpe).toBeCloseTo((mean / sd) * Math.sqrt(252), 9);
    expect(m.sortino).toBeCloseTo((mean / Math.sqrt(0.01 / 3)) * Math.sqrt(252), 9);
    expect(m.maxDrawdown).toBeCloseTo(0.1, 12); // 110 -> 99
    expect(m.maxDrawdownDurationMs).toBe(DAY);
    expect(m.winRate).toBe(0.5);
    expect(m.profitFactor).toBeCloseTo(20 / 5, 12);
    expect(m.exposure).toBe(0.75);
    expect(m.turnover).toBeCloseTo(430 / 107.5, 12);
    expect(m.tradeCount).toBe(2);
    expect(m.cagr).toBeCloseTo(1.21 ** (365.25 / 3) - 1, 6);
  });

  it('pairs fills first in, first out, through a flip to short', () => {
    const f = (id: string, action: 'BUY' | 'SELL', quantity: number, price: number, time: number) => ({ id, orderId: id, account: 'A', symbol: 'X', action, quantity, price, time });
    expect(roundTrips([f('1', 'BUY', 10, 5, 1), f('2', 'BUY', 10, 6, 2), f('3', 'SELL', 25, 7, 3), f('4', 'BUY', 5, 4, 4)]).map((t) => [t.side, t.quantity, t.entryPrice, t.exitPrice, t.pnl])).toEqual([
      ['long', 10, 5, 7, 20], ['long', 10, 6, 7, 10], ['short', 5, 7, 4, 15],
    ]);
  });
});
