import { describe, expect, it } from 'vitest';
import { MatchingEngine, parseCorporateActions, perShareFees, type CorporateAction, type MarketBar } from '../src/index.ts';

const DAY = 86_400_000;
const T0 = Date.UTC(2024, 0, 2, 14, 30); // Tuesday 2024-01-02 09:30 New York
const at = (day: number, minute = 0) => T0 + day * DAY + minute * 60_000;
const bar = (day: number, o: number, h: number, l: number, c: number, symbol = 'XYZ', minute = 0): MarketBar => ({ symbol, time: at(day, minute), open: o, high: h, low: l, close: c, volume: 1_000_000 });
const engine = (actions: CorporateAction[], extra: ConstructorParameters<typeof MatchingEngine>[0] = {}) =>
  new MatchingEngine({ fees: perShareFees(0), initialCash: 1_000_000, corporateActions: actions, ...extra });

describe('corporate actions in the ledger (raw prices, hand-computed P&L)', () => {
  it('a 2:1 split doubles a held position and halves its cost; a working limit order moves to the new shares', () => {
    // Ex-date 2024-01-04 = day 2 of the data.
    const e = engine(parseCorporateActions('date,symbol,type,value\n2024-01-04,XYZ,split,2:1'));
    e.submit({ account: 'A', symbol: 'XYZ', action: 'BUY', orderType: 'MKT', quantity: 100 }, at(0) - 1);
    e.onBar(bar(0, 100, 101, 99, 100)); // bought 100 @ 100
    const { order: sell } = e.submit({ account: 'A', symbol: 'XYZ', action: 'SELL', orderType: 'LMT', limitPrice: 120, quantity: 50, timeInForce: 'GTC' }, at(0));
    e.onBar(bar(1, 100, 102, 98, 100));
    const events = e.onBar(bar(2, 50, 51, 49, 50)); // raw prices: the split is in the bar
    expect(events.some((ev) => ev.kind === 'corporateAction')).toBe(true);
    expect(e.position('A', 'XYZ')).toMatchObject({ quantity: 200, averageCost: 50, lastPrice: 50 });
    expect(sell).toMatchObject({ quantity: 100, limitPrice: 60, status: 'Submitted' });
    // The split changes no value: 990,000 cash + 200 x 50.
    expect(e.summary('A').netLiquidation).toBe(1_000_000);
    e.onBar(bar(3, 55, 61, 54, 60)); // the adjusted limit 60 trades
    expect(e.fillsOf('A').map((f) => [f.action, f.quantity, f.price])).toEqual([['BUY', 100, 100], ['SELL', 100, 60]]);
    // 100 sold 10 above the adjusted cost, 100 held 10 above it: +2,000.
    expect(e.summary('A')).toMatchObject({ realizedPnl: 1000, unrealizedPnl: 1000, netLiquidation: 1_002_000, cash: 996_000 });
    expect(e.ledger.summaryByScan('A').netLiquidation).toBeCloseTo(1_002_000, 6);
  });

  it('applies once, at the first bar of the ex-date session (minute bars)', () => {
    const e = engine([{ kind: 'split', symbol: 'XYZ', exDate: '2024-01-03', ratio: 2 }]);
    e.submit({ account: 'A', symbol: 'XYZ', action: 'BUY', orderType: 'MKT', quantity: 10 }, at(0) - 1);
    e.onBar(bar(0, 100, 100, 100, 100));
    e.onBar(bar(0, 100, 100, 100, 100, 'XYZ', 389));
    expect(e.position('A', 'XYZ').quantity).toBe(10);
    for (let m = 0; m < 3; m++) e.onBar(bar(1, 50, 50, 50, 50, 'XYZ', m));
    expect(e.position('A', 'XYZ').quantity).toBe(20);
  });

  it('a fractional share left by a 3:2 split is paid as cash in lieu at the adjusted price', () => {
    const e = engine([{ kind: 'split', symbol: 'XYZ', exDate: '2024-01-03', ratio: 1.5 }]);
    e.submit({ account: 'A', symbol: 'XYZ', action: 'BUY', orderType: 'MKT', quantity: 101 }, at(0) - 1);
    e.onBar(bar(0, 90, 90, 90, 90));
    e.onBar(bar(1, 60, 60, 60, 60));
    // 101 x 1.5 = 151.5: 151 shares at cost 60, half a share paid at 60.
    expect(e.position('A', 'XYZ')).toMatchObject({ quantity: 151, averageCost: 60 });
    expect(e.summary('A').cash).toBe(1_000_000 - 101 * 90 + 30);
    expect(e.summary('A').netLiquidation).toBe(1_000_000);
  });

  it('a dividend pays longs net of withholding and charges shorts the whole amount', () => {
    const e = engine([{ kind: 'dividend', symbol: 'XYZ', exDate: '2024-01-03', amount: 0.5 }], { withholdingTax: 0.15 });
    e.submit({ account: 'LONG', symbol: 'XYZ', action: 'BUY', orderType: 'MKT', quantity: 100 }, at(0) - 1);
    e.submit({ account: 'SHORT', symbol: 'XYZ', action: 'SELL', orderType: 'MKT', quantity: 100 }, at(0) - 1);
    e.onBar(bar(0, 100, 100, 100, 100));
    e.onBar(bar(1, 99.5, 99.5, 99.5, 99.5)); // ex-date: the raw price drops by the dividend
    // Long: 100 x 0.50 = 50 gross, 7.50 withheld. Short: pays 50.
    expect(e.summary('LONG')).toMatchObject({ cash: 990_042.5, dividends: 42.5, withholdingTax: 7.5 });
    expect(e.summary('SHORT')).toMatchObject({ cash: 1_009_950, dividends: -50, withholdingTax: 0 });
    // The 0.50 drop is offset by the dividend: long loses only the tax, the short nothing.
    expect(e.summary('LONG').netLiquidation).toBeCloseTo(1_000_000 - 7.5, 9);
    expect(e.summary('SHORT').netLiquidation).toBeCloseTo(1_000_000, 9);
  });

  it('a 1:5 reverse split cancels a working order left with no whole share and keeps the rest of another', () => {
    const e = engine(parseCorporateActions('date,symbol,type,value\n2024-01-03,XYZ,split,1:5'));
    const { order: four } = e.submit({ account: 'A', symbol: 'XYZ', action: 'BUY', orderType: 'LMT', limitPrice: 10, quantity: 4, timeInForce: 'GTC' }, at(0) - 1);
    const { order: twelve } = e.submit({ account: 'A', symbol: 'XYZ', action: 'BUY', orderType: 'LMT', limitPrice: 10, quantity: 12, timeInForce: 'GTC' }, at(0) - 1);
    e.onBar(bar(0, 12, 12, 11, 12)); // above both limits: nothing fills
    const events = e.onBar(bar(1, 60, 61, 58, 60)); // ex-date: raw prices x5
    // 4 x 0.2 = 0.8: no whole share, cancelled; 12 x 0.2 = 2.4: 2 shares at 10 x 5 = 50 (not reached by the low of 58).
    expect(four).toMatchObject({ status: 'Cancelled', quantity: 0, remark: 'split 0.2: no whole share left to trade' });
    expect(events.some((ev) => ev.kind === 'order' && ev.order.id === four.id && ev.order.status === 'Cancelled')).toBe(true);
    expect(twelve).toMatchObject({ status: 'Submitted', quantity: 2, limitPrice: 50 });
    expect(e.openOrders('A').map((o) => o.id)).toEqual([twelve.id]);
  });

  it('a 2:1 split halves stop and stop-limit prices of working orders', () => {
    const e = engine([{ kind: 'split', symbol: 'XYZ', exDate: '2024-01-03', ratio: 2 }]);
    e.submit({ account: 'A', symbol: 'XYZ', action: 'BUY', orderType: 'MKT', quantity: 100 }, at(0) - 1);
    e.onBar(bar(0, 100, 100, 100, 100));
    const { order: stop } = e.submit({ account: 'A', symbol: 'XYZ', action: 'SELL', orderType: 'STP', auxPrice: 90, quantity: 30, timeInForce: 'GTC' }, at(0));
    const { order: stopLimit } = e.submit({ account: 'A', symbol: 'XYZ', action: 'SELL', orderType: 'STP_LMT', auxPrice: 91, limitPrice: 89, quantity: 30, timeInForce: 'GTC' }, at(0));
    e.onBar(bar(1, 50, 51, 49, 50));
    expect(stop).toMatchObject({ status: 'Submitted', quantity: 60, auxPrice: 45 });
    expect(stopLimit).toMatchObject({ status: 'Submitted', quantity: 60, auxPrice: 45.5, limitPrice: 44.5 });
    // The halved stop trades: a low of 44.9 reaches 45, and the stop-limit triggers at 45.5 within its limit.
    e.onBar(bar(2, 46, 46, 44.9, 45));
    expect(e.fillsOf('A').filter((f) => f.action === 'SELL').map((f) => [f.orderId, f.quantity, f.price])).toEqual([[stop.id, 60, 45], [stopLimit.id, 60, 45.5]]);
  });

  it('a 2:1 split halves a trailing amount and the trailing stop level; the stop then trails by the new amount', () => {
    const e = engine([{ kind: 'split', symbol: 'XYZ', exDate: '2024-01-04', ratio: 2 }]);
    e.submit({ account: 'A', symbol: 'XYZ', action: 'BUY', orderType: 'MKT', quantity: 10 }, at(0) - 1);
    e.onBar(bar(0, 100, 100, 100, 100));
    const { order: trail } = e.submit({ account: 'A', symbol: 'XYZ', action: 'SELL', orderType: 'TRAIL', auxPrice: 4, quantity: 10, timeInForce: 'GTC' }, at(0));
    e.onBar(bar(1, 100, 102, 99, 100)); // starts at 100 - 4 = 96, trails the high to 102 - 4 = 98
    expect(trail.trailStop).toBe(98);
    e.onBar(bar(2, 50, 50.5, 49.5, 50)); // ex-date: amount 2, stop 49 (50.5 - 2 = 48.5 does not lower it)
    expect(trail).toMatchObject({ quantity: 20, auxPrice: 2, trailStop: 49 });
    e.onBar(bar(3, 50, 55, 50, 55)); // trails to 55 - 2 = 53 (the old amount would give 51)
    expect(trail.trailStop).toBe(53);
    e.onBar(bar(4, 54, 54, 52.5, 53)); // the low of 52.5 reaches 53
    expect(e.fillsOf('A').filter((f) => f.action === 'SELL').map((f) => [f.quantity, f.price])).toEqual([[20, 53]]);
  });

  it('a 2:1 split leaves a trailing percent as it is and halves the trailing stop level', () => {
    const e = engine([{ kind: 'split', symbol: 'XYZ', exDate: '2024-01-04', ratio: 2 }]);
    e.submit({ account: 'A', symbol: 'XYZ', action: 'BUY', orderType: 'MKT', quantity: 10 }, at(0) - 1);
    e.onBar(bar(0, 100, 100, 100, 100));
    const { order: trail } = e.submit({ account: 'A', symbol: 'XYZ', action: 'SELL', orderType: 'TRAIL', trailingPercent: 5, quantity: 10, timeInForce: 'GTC' }, at(0));
    e.onBar(bar(1, 100, 102, 99, 100)); // starts at 95, trails the high to 102 x 0.95 = 96.9
    expect(trail.trailStop).toBeCloseTo(96.9, 9);
    e.onBar(bar(2, 50, 52, 49.5, 51)); // ex-date: stop 48.45, still 5%: trails to 52 x 0.95 = 49.4
    expect(trail).toMatchObject({ quantity: 20, trailingPercent: 5 });
    expect(trail.trailStop).toBeCloseTo(49.4, 9);
    e.onBar(bar(3, 50, 50, 49, 49)); // the low of 49 reaches 49.4 (a halved percent, 2.5%, would have filled at the open, 50)
    expect(e.fillsOf('A').filter((f) => f.action === 'SELL').map((f) => [f.quantity, f.price])).toEqual([[20, 49.4]]);
  });

  it('actions dated before the symbol\'s first bar are not applied', () => {
    const e = engine([{ kind: 'split', symbol: 'XYZ', exDate: '2023-06-01', ratio: 2 }]);
    e.submit({ account: 'A', symbol: 'XYZ', action: 'BUY', orderType: 'LMT', limitPrice: 100, quantity: 10, timeInForce: 'GTC' }, at(0) - 1);
    e.onBar(bar(0, 101, 102, 101, 101));
    expect(e.openOrders('A')[0]).toMatchObject({ quantity: 10, limitPrice: 100 });
  });
});

describe('parseCorporateActions', () => {
  it('reads splits as ratios and dividends as amounts', () => {
    expect(parseCorporateActions('date,symbol,type,value\n2024-06-10,NVDA,split,10:1\n2024-04-11,UVXY,split,1:5\n2024-06-11,NVDA,dividend,0.01\n')).toEqual([
      { kind: 'split', symbol: 'NVDA', exDate: '2024-06-10', ratio: 10 },
      { kind: 'split', symbol: 'UVXY', exDate: '2024-04-11', ratio: 0.2 },
      { kind: 'dividend', symbol: 'NVDA', exDate: '2024-06-11', amount: 0.01 },
    ]);
  });

  it('names the line and field of a bad row', () => {
    expect(() => parseCorporateActions('2024-06-10,NVDA,merger,1', 'ca.csv')).toThrow('ca.csv line 1: type: expected split or dividend, got "merger"');
    expect(() => parseCorporateActions('2024-13-10,NVDA,split,2')).toThrow('date: expected yyyy-mm-dd');
    expect(() => parseCorporateActions('2024-06-10,NVDA,split,0')).toThrow('value: expected a split ratio');
  });
});
