import { describe, expect, it } from 'vitest';
import { MatchingEngine, OrderValidationError, perShareFees, type MarketBar, type NewOrder } from '../src/index.ts';

const DAY = 86_400_000;
const T0 = Date.UTC(2024, 0, 2, 14, 30);
let t = T0;
const bar = (open: number, high: number, low: number, close: number, volume = 1_000_000): MarketBar => {
  t += DAY;
  return { symbol: 'XYZ', time: t, open, high, low, close, volume };
};
const order = (o: Partial<NewOrder>): NewOrder => ({ account: 'A', symbol: 'XYZ', action: 'BUY', orderType: 'LMT', limitPrice: 10, quantity: 100, timeInForce: 'GTC', ...o });
const engine = (extra: ConstructorParameters<typeof MatchingEngine>[0] = {}) => new MatchingEngine({ fees: perShareFees(0), initialCash: 1_000_000, ...extra });
const fills = (e: MatchingEngine) => e.fillsOf('A').map((f) => [f.action, f.quantity, f.price]);
const legs = { profit: { limitPrice: 12, timeInForce: 'GTC' as const }, loss: { stopPrice: 9, timeInForce: 'GTC' as const } };

describe('attached legs (bracket: entry + take-profit + stop-loss)', () => {
  it('the legs appear with the entry fill, work from the next bar, and the first to fill cancels the other', () => {
    const e = engine();
    const { order: entry } = e.submit(order({ legs }), T0);
    expect(e.legsOfParent(entry.id)).toEqual([]);
    e.onBar(bar(10.5, 10.6, 9.8, 10.2)); // entry fills at 10; legs created, not matched on this bar (its low 9.8 > 9 anyway)
    const [tp, sl] = e.legsOfParent(entry.id);
    expect([tp!.orderType, tp!.action, tp!.quantity, tp!.limitPrice, tp!.parentId]).toEqual(['LMT', 'SELL', 100, 12, entry.id]);
    expect([sl!.orderType, sl!.action, sl!.quantity, sl!.auxPrice]).toEqual(['STP', 'SELL', 100, 9]);
    e.onBar(bar(11, 12.5, 10.8, 12.2)); // take-profit fills at 12; stop-loss cancelled
    expect(fills(e)).toEqual([['BUY', 100, 10], ['SELL', 100, 12]]);
    expect(e.order(sl!.id)).toMatchObject({ status: 'Cancelled' });
    expect(e.position('A', 'XYZ').quantity).toBe(0);
  });

  it('a bracket\'s two exit legs count once as working sells (they can only fill as one)', () => {
    const e = engine();
    const { order: entry } = e.submit(order({ legs }), T0);
    e.onBar(bar(10.5, 10.6, 9.8, 10.2));
    expect(e.legsOfParent(entry.id)).toHaveLength(2);
    expect(e.workingQuantity('A', 'XYZ', 'SELL')).toBe(100);
  });

  it('partial entry fills: the legs cover what has filled, growing with each fill; a cancelled entry leaves them for its filled part', () => {
    const e = engine({ participation: 0.1 });
    const { order: entry } = e.submit(order({ legs }), T0);
    e.onBar(bar(10, 10.2, 9.9, 10, 300)); // 30 of 100 fill
    expect(e.legsOfParent(entry.id).map((c) => c.quantity)).toEqual([30, 30]);
    e.onBar(bar(10, 10.2, 9.9, 10, 200)); // 20 more
    expect(e.legsOfParent(entry.id).map((c) => c.quantity)).toEqual([50, 50]);
    e.cancel(entry.id, t);
    expect(e.legsOfParent(entry.id).map((c) => c.quantity)).toEqual([50, 50]);
    e.onBar(bar(9.5, 9.6, 8.5, 8.8)); // stop-loss triggers at 9 for the 50 held (participation caps 100k volume at 100k: all 50)
    expect(fills(e).at(-1)).toEqual(['SELL', 50, 9]);
    expect(e.position('A', 'XYZ').quantity).toBe(0);
    expect(e.openOrders('A')).toEqual([]);
  });

  it('a partial fill of one leg shrinks the other by as much', () => {
    const e = engine({ participation: 0.1 });
    const { order: entry } = e.submit(order({ legs }), T0);
    e.onBar(bar(10, 10.1, 9.9, 10)); // all 100 fill (volume 1e6)
    e.onBar(bar(12, 12.5, 11.9, 12, 400)); // take-profit: 40 of 100
    const [tp, sl] = e.legsOfParent(entry.id);
    expect([tp!.filled, tp!.quantity, sl!.quantity]).toEqual([40, 100, 60]);
    e.onBar(bar(9.5, 9.6, 8.5, 8.8)); // stop for the 60 left; take-profit's rest no longer reachable... it is cancelled by the stop's fill
    expect(e.position('A', 'XYZ').quantity).toBe(0);
    expect(e.order(tp!.id)).toMatchObject({ status: 'Cancelled', filled: 40, quantity: 40 });
  });

  it('the parent must be a limit order; legs need valid prices', () => {
    const e = engine();
    expect(() => e.submit(order({ orderType: 'MKT', limitPrice: undefined, legs }), T0)).toThrow(OrderValidationError);
    expect(() => e.submit(order({ legs: { loss: { stopPrice: 9, trailingPercent: 2 } } }), T0)).toThrow(/exactly one/);
    expect(() => e.submit(order({ legs: {} }), T0)).toThrow(/PROFIT or LOSS/);
  });

  it('stop-limit and trailing stop-loss legs', () => {
    const e = engine();
    const a = e.submit(order({ legs: { loss: { stopPrice: 9, limitPrice: 8.9 } } }), T0).order;
    const b = e.submit(order({ legs: { loss: { trailingPercent: 5 } } }), T0).order;
    e.onBar(bar(10, 10.1, 9.9, 10));
    expect(e.legsOfParent(a.id).map((c) => [c.orderType, c.auxPrice, c.limitPrice])).toEqual([['STP_LMT', 9, 8.9]]);
    expect(e.legsOfParent(b.id).map((c) => [c.orderType, c.trailingPercent])).toEqual([['TRAIL', 5]]);
  });
});

describe('OCA groups', () => {
  it('a buy stop above and a sell stop below: the first to fill cancels the other', () => {
    const e = engine();
    const { orders } = e.submitOca([order({ orderType: 'STP', limitPrice: undefined, auxPrice: 11 }), order({ action: 'SELL', orderType: 'STP', limitPrice: undefined, auxPrice: 9 })], T0);
    e.onBar(bar(10, 10.5, 9.5, 10));
    expect(fills(e)).toEqual([]);
    e.onBar(bar(10.8, 11.5, 10.7, 11.2));
    expect(fills(e)).toEqual([['BUY', 100, 11]]);
    expect(e.order(orders[1]!.id)).toMatchObject({ status: 'Cancelled', remark: `OCA: order ${orders[0]!.id} of its group filled` });
    e.onBar(bar(9, 9.1, 8, 8.5));
    expect(fills(e)).toHaveLength(1);
  });

  it('both legs reachable in one bar: the older order fills, the other is cancelled before it is matched', () => {
    const e = engine();
    e.submitOca([order({ action: 'SELL', orderType: 'LMT', limitPrice: 11, quantity: 50 }), order({ action: 'SELL', orderType: 'STP', limitPrice: undefined, auxPrice: 9, quantity: 50 })], T0);
    e.onBar(bar(10, 10.1, 9.9, 10)); // nothing
    e.onBar(bar(10, 11.5, 8.5, 10)); // both reachable
    expect(fills(e)).toEqual([['SELL', 50, 11]]);
  });

  it('a partial fill shrinks the others; a malformed member refuses the whole group before anything is recorded', () => {
    const e = engine({ participation: 0.1 });
    const { orders } = e.submitOca([order({ limitPrice: 10 }), order({ limitPrice: 9 })], T0);
    e.onBar(bar(10, 10.1, 9.95, 10, 300)); // first: 30 of 100 at 10
    expect([orders[0]!.filled, orders[1]!.quantity]).toEqual([30, 70]);
    const before = e.ordersOf('A').length;
    expect(() => e.submitOca([order({}), order({ quantity: 0 })], t)).toThrow(OrderValidationError);
    expect(e.ordersOf('A')).toHaveLength(before);
  });
});
