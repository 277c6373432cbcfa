import { describe, expect, it } from 'vitest';
import type { AccountAssets, Fill, Order } from '@pounce/core';
import { perShareFees } from '@pounce/matching';
import { Portfolio } from '../src/index.ts';

const fill = (f: Partial<Fill> = {}): Fill => ({ id: 'f1', orderId: 'o1', account: 'A', symbol: 'XYZ', action: 'BUY', price: 100, quantity: 10, time: 1_000, ...f });
const assets = (cashBalance: number, time: number): AccountAssets => ({
  account: 'A', currency: 'USD', cashBalance, buyingPower: cashBalance, netLiquidation: cashBalance, grossPositionValue: 0, realizedPnl: 0, unrealizedPnl: 0, time,
});
const order = (o: Partial<Order> = {}): Order => ({
  id: 'o1', account: 'A', symbol: 'XYZ', action: 'BUY', orderType: 'MKT', limitPrice: undefined, auxPrice: undefined, trailingPercent: undefined, totalQuantity: 10,
  filledQuantity: 10, avgFillPrice: 100, timeInForce: 'DAY', status: 'Filled', commission: 0, realizedPnl: 0, remark: '', userMark: '', openTime: 900, updateTime: 1_000, ...o,
});

describe('Portfolio cash moves with each fill and is corrected by the venue', () => {
  it('BUY: -qty*price - fee; SELL: +qty*price - fee (the fee the fill reports)', () => {
    const p = new Portfolio();
    p.setAssets(assets(10_000, 500));
    p.applyFill(fill({ commission: 1.5 }));
    expect(p.cash).toBe(10_000 - 1_000 - 1.5);
    p.applyFill(fill({ id: 'f2', orderId: 'o2', action: 'SELL', price: 110, quantity: 4, commission: 1, time: 2_000 }));
    expect(p.cash).toBe(10_000 - 1_000 - 1.5 + 440 - 1);
    expect(p.equity()).toBe(p.cash + 6 * 110);
  });

  it('an asset push stamped before a fill that arrives after it does not undo the fill; one stamped at or after it replaces cash', () => {
    const p = new Portfolio();
    p.setAssets(assets(10_000, 500));
    p.applyFill(fill({ commission: 1 }));
    p.setAssets(assets(10_000, 900)); // computed before the fill at 1000
    expect(p.cash).toBe(8_999);
    p.setAssets(assets(8_999.5, 1_000)); // the venue's figure, with its own rounding
    expect(p.cash).toBe(8_999.5);
    p.setAssets(assets(10_000, 950)); // older than the figure held: stale
    expect(p.cash).toBe(8_999.5);
    p.applyFill(fill({ id: 'f0', time: 800, commission: 1 })); // older than the figure held: already in it
    expect(p.cash).toBe(8_999.5);
  });

  it('an asset figure without a time reflects everything that arrived before it', () => {
    const p = new Portfolio();
    p.applyFill(fill({ commission: 1 }));
    p.setAssets(assets(5_000, 0));
    expect(p.cash).toBe(5_000);
  });

  it('without a fee on the fill, the schedule estimates it and the order\'s reported commission replaces the estimate', () => {
    const p = new Portfolio(perShareFees(0.5)); // estimates 5.00 for 10 shares
    p.setAssets(assets(10_000, 500));
    p.applyFill(fill());
    expect(p.cash).toBe(10_000 - 1_000 - 5);
    p.applyOrder(order({ commission: 2 }));
    expect(p.cash).toBe(10_000 - 1_000 - 2);
    p.applyOrder(order({ commission: 2 })); // a repeat changes nothing
    expect(p.cash).toBe(8_998);
  });

  it('an order update that arrives before its fill books the venue\'s fee once', () => {
    const p = new Portfolio();
    p.setAssets(assets(10_000, 500));
    p.applyOrder(order({ commission: 2 }));
    expect(p.cash).toBe(9_998);
    p.applyFill(fill({ commission: 2 }));
    expect(p.cash).toBe(8_998);
  });

  it('a book no venue figure corrects (a node strategy\'s own) keeps no moves waiting, however many fills, and its cash is exact', () => {
    const own = new Portfolio(perShareFees(0.01, 1), { venueFigures: false });
    const waiting = new Portfolio(perShareFees(0.01, 1));
    for (const p of [own, waiting]) p.setAssets(assets(1_000_000, 0));
    let expected = 1_000_000;
    for (let k = 0; k < 5_000; k++) {
      const f = fill({ id: `f${k}`, orderId: `o${k}`, action: k % 2 ? 'SELL' : 'BUY', price: 100 + (k % 7), quantity: 10, time: 1_000 + k, commission: 1 });
      own.applyFill(f);
      waiting.applyFill(f);
      expected += (k % 2 ? 1 : -1) * 10 * (100 + (k % 7)) - 1;
    }
    expect(own.cash).toBeCloseTo(expected, 6);
    expect(waiting.cash).toBeCloseTo(expected, 6);
    expect(own.movesWaiting).toBe(0);
    // An engine's book keeps them until the venue's next figure takes them in.
    expect(waiting.movesWaiting).toBe(10_000); // a notional and a fee per fill
    waiting.setAssets(assets(expected, 10_000));
    expect(waiting.movesWaiting).toBe(0);
  });
  it('a GTC order that fills again after 25,000 other orders has its commission booked once (its fee entry is kept while it works)', () => {
    const p = new Portfolio(undefined, { venueFigures: false });
    p.setAssets(assets(10_000_000, 0));
    let expected = 10_000_000;
    const gtc = (filled: number, commission: number, time: number) => order({ id: 'gtc', totalQuantity: 10, filledQuantity: filled, commission, status: filled === 10 ? 'Filled' : 'Submitted', timeInForce: 'GTC', updateTime: time });
    p.applyFill(fill({ id: 'g1', orderId: 'gtc', quantity: 5, commission: 1, time: 1 }));
    p.applyOrder(gtc(5, 1, 1));
    expected -= 5 * 100 + 1;
    for (let k = 0; k < 25_000; k++) {
      const id = `o${k}`;
      const action = k % 2 ? 'SELL' : 'BUY';
      p.applyFill(fill({ id: `f${k}`, orderId: id, action, quantity: 1, commission: 1, time: 2 + k }));
      p.applyOrder(order({ id, action, totalQuantity: 1, filledQuantity: 1, commission: 1, updateTime: 2 + k }));
      expected += (k % 2 ? 1 : -1) * 100 - 1;
    }
    // Only the GTC order, which the venue last said works, is kept however many orders came after.
    expect(p.feeEntriesWorking).toBe(1);
    p.applyFill(fill({ id: 'g2', orderId: 'gtc', quantity: 5, commission: 1, time: 30_000 }));
    p.applyOrder(gtc(10, 2, 30_000));
    expected -= 5 * 100 + 1;
    expect(p.cash).toBeCloseTo(expected, 6);
    expect(p.feeEntriesWorking).toBe(0);
  });

  it('keeps no fee entry for orders whose final update never comes (a resumed book\'s old fills) or that a stale update after the final one names', () => {
    const p = new Portfolio(undefined, { venueFigures: false });
    for (let k = 0; k < 30_000; k++) p.applyFill(fill({ id: `f${k}`, orderId: `o${k}`, quantity: 1, commission: 1, time: 1 + k }));
    expect(p.feeEntriesWorking).toBe(0);
    p.applyOrder(order({ id: 'x', status: 'Submitted', filledQuantity: 5, commission: 1 }));
    expect(p.feeEntriesWorking).toBe(1);
    p.applyOrder(order({ id: 'x', status: 'Filled', filledQuantity: 10, commission: 2 }));
    const cash = p.cash;
    p.applyOrder(order({ id: 'x', status: 'Submitted', filledQuantity: 5, commission: 1 })); // stale, after the final one
    expect(p.feeEntriesWorking).toBe(0);
    expect(p.cash).toBe(cash); // and it books nothing
  });
});
