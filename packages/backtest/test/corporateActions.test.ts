import { describe, expect, it } from 'vitest';
import type { Bar } from '@pounce/core';
import { defineStrategy } from '@pounce/runtime';
import type { CorporateAction, MarketBar } from '@pounce/matching';
import smaCross from '../../../strategies/sma-cross/index.ts';
import { loadData, runBacktest } from '../src/index.ts';

const DAY = 86_400_000;
const T0 = Date.UTC(2024, 0, 2, 14, 30); // 2024-01-02 09:30 New York
const closes = [10, 11, 12, 6.5, 7, 7.5]; // raw prices: a 2:1 split on day 3 (2024-01-05)
const bars: MarketBar[] = closes.map((c, i) => ({ symbol: 'XYZ', time: T0 + i * DAY, open: c, high: c, low: c, close: c, volume: 1_000_000 }));

describe('backtests on raw prices with corporate actions', () => {
  it('a held position through a 2:1 split and a dividend with withholding: hand-computed equity', async () => {
    const seen: Bar[] = [];
    const buyAndHold = defineStrategy({
      name: 'buy-and-hold', params: {}, symbols: ['XYZ'],
      setup(ctx) {
        ctx.bars$().subscribe((b) => {
          seen.push(b);
          if (seen.length === 1) void ctx.submit({ symbol: b.symbol, side: 'BUY', quantity: 100 });
        });
      },
    });
    const actions: CorporateAction[] = [
      { kind: 'split', symbol: 'XYZ', exDate: '2024-01-05', ratio: 2 },
      { kind: 'dividend', symbol: 'XYZ', exDate: '2024-01-06', amount: 0.25 },
    ];
    const r = await runBacktest({ def: buyAndHold, bars, cash: 10_000, fees: 'zero', corporateActions: actions, withholdingTax: 0.3 });
    expect(r.fills.map((f) => [f.action, f.quantity, f.price])).toEqual([['BUY', 100, 11]]);
    // 100 @ 11 -> 200 @ 5.50; dividend 200 x 0.25 = 50, 15 withheld; marked at 7.50:
    // cash 10,000 - 1,100 + 35 = 8,935, plus 200 x 7.50 = 10,435.
    expect(r.endEquity).toBeCloseTo(10_435, 9);
    expect(r.config).toMatchObject({ corporateActions: 2, withholdingTax: 0.3 });
    expect(r.dividends).toEqual({ net: 35, withholdingTax: 15 });
    // The strategy is told on the ex-date's bar, and only there.
    expect(seen.map((b) => b.splitRatio)).toEqual([undefined, undefined, undefined, 2, undefined, undefined]);
  });

  it('indicators stay continuous across a split: sma-cross on raw bars + the split trades when it does on adjusted bars', async () => {
    const adjusted = loadData(['NVDA=packages/gateway/data/nvda-1999-2014.csv']).bars;
    // Un-adjust a 2:1 split on 2007-09-11 (NVDA had one then): earlier raw prices are twice the adjusted ones.
    const ex = Date.UTC(2007, 8, 11);
    const raw = adjusted.map((b) => (b.time < ex ? { ...b, open: b.open * 2, high: b.high * 2, low: b.low * 2, close: b.close * 2, volume: b.volume / 2 } : b));
    const split: CorporateAction[] = [{ kind: 'split', symbol: 'NVDA', exDate: '2007-09-11', ratio: 2 }];
    const params = { fast: 10, slow: 30, size: 100 };
    const when = (r: Awaited<ReturnType<typeof runBacktest>>) => r.fills.map((f) => [f.time, f.action]);
    const onAdjusted = await runBacktest({ def: smaCross, rawParams: params, bars: adjusted, fees: 'zero' });
    const onRaw = await runBacktest({ def: smaCross, rawParams: params, bars: raw, fees: 'zero', corporateActions: split });
    const ignoringSplit = await runBacktest({ def: smaCross, rawParams: params, bars: raw, fees: 'zero' });
    expect(when(onRaw)).toEqual(when(onAdjusted));
    // Without the split the halved price is a false cross: the trades differ.
    expect(when(ignoringSplit)).not.toEqual(when(onAdjusted));
  });
});

describe('venueCorporateActions', () => {
  it('turns the broker\'s from/to factors into split ratios, in ex-date order', async () => {
    const { venueCorporateActions } = await import('../src/index.ts');
    expect(venueCorporateActions(
      [{ symbol: 'UVXY', exDate: '2024-04-11', fromFactor: 5, toFactor: 1, market: 'US' }, { symbol: 'NVDA', exDate: '2024-06-10', fromFactor: 1, toFactor: 10, market: 'US' }],
      [{ symbol: 'NVDA', exDate: '2024-06-11', amount: 0.01, currency: 'USD', recordDate: undefined, payDate: undefined, market: 'US' }],
    )).toEqual([
      { kind: 'split', symbol: 'UVXY', exDate: '2024-04-11', ratio: 0.2 },
      { kind: 'split', symbol: 'NVDA', exDate: '2024-06-10', ratio: 10 },
      { kind: 'dividend', symbol: 'NVDA', exDate: '2024-06-11', amount: 0.01 },
    ]);
  });
});
