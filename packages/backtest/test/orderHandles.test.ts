import { describe, expect, it } from 'vitest';
import type { MarketBar } from '@pounce/matching';
import { orderRefusal } from '@pounce/matching';
import type { Fill, Order } from '@pounce/core';
import { defineStrategy, type OrderHandle, type PositionView } from '@pounce/runtime';
import { runBacktest } from '../src/index.ts';

const STEP = 5 * 60_000; // five-minute bars of one session: DAY orders and legs live through them
const T0 = Date.UTC(2024, 0, 2, 14, 30);
/** Closes 10, 11, 12, ... with a 1-wide range around each. */
const bars: MarketBar[] = Array.from({ length: 12 }, (_, i) => ({ symbol: 'XYZ', time: T0 + i * STEP, open: 10 + i, high: 10.5 + i, low: 9.5 + i, close: 10 + i, volume: 1e6 }));

describe('order handles (what submit resolves with)', () => {
  it('status$ replays the latest state and completes when final; fills$ carries the order fills; no flags needed', async () => {
    const seen: { statuses: string[]; fills: Fill[]; completed: boolean; positions: PositionView[]; refused?: Order[]; cancelled?: string[] } = { statuses: [], fills: [], completed: false, positions: [] };
    const def = defineStrategy({
      name: 'handles', params: {}, symbols: ['XYZ'],
      setup(ctx) {
        let n = 0;
        ctx.bars$().subscribe(async (bar) => {
          n++;
          if (n === 1) {
            const h = await ctx.submit({ symbol: 'XYZ', side: 'BUY', quantity: 10 });
            // Subscribed after the venue's first events: the latest is replayed.
            h.status$.subscribe({ next: (o) => seen.statuses.push(o.status), complete: () => (seen.completed = true) });
            h.fills$.subscribe((f) => seen.fills.push(f));
          }
          if (n === 3) void ctx.submit({ symbol: 'XYZ', side: 'SELL', quantity: 4 });
          if (n === 5) {
            seen.positions.push(ctx.position('XYZ'));
            const refused = await ctx.submit({ symbol: 'XYZ', side: 'BUY', quantity: 0 });
            const statuses: Order[] = [];
            refused.status$.subscribe((o) => statuses.push(o));
            seen.refused = statuses;
            await expect(refused.cancel()).rejects.toThrow(/not accepted/);
            const far = await ctx.submit({ symbol: 'XYZ', side: 'BUY', quantity: 1, type: 'limit', limitPrice: 1 });
            const cancelled: string[] = [];
            far.status$.subscribe((o) => cancelled.push(o.status));
            await far.cancel();
            seen.cancelled = cancelled;
          }
        });
      },
    });
    await runBacktest({ def, bars, fees: 'zero' });
    expect(seen.statuses).toEqual(['Submitted', 'Filled']);
    expect(seen.completed).toBe(true);
    expect(seen.fills.map((f) => [f.action, f.quantity, f.price])).toEqual([['BUY', 10, 11]]);
    // Bought 10 at 11 (bar 2's open), sold 4 at 13 (bar 4's open), marked at bar 5's close 14.
    expect(seen.positions[0]).toEqual({ symbol: 'XYZ', quantity: 6, averagePrice: 11, unrealizedPnl: 18, realizedPnl: 8 });
    expect(seen.refused!.map((o) => [o.status, o.remark])).toEqual([['Inactive', expect.stringContaining('total_quantity')]]);
    expect(seen.cancelled).toEqual(['Submitted', 'PendingCancel', 'Cancelled']);
  });

  it('a bracket from a strategy: the handle is the entry; its legs show on orders$ with parentId', async () => {
    const legs: Order[] = [];
    let entry: OrderHandle | undefined;
    const def = defineStrategy({
      name: 'bracket', params: {}, symbols: ['XYZ'],
      setup(ctx) {
        ctx.orders$.subscribe((o) => o.parentId !== undefined && legs.push(o));
        ctx.bars$().subscribe(async (bar) => {
          if (entry) return;
          entry = await ctx.submit({ symbol: 'XYZ', side: 'BUY', quantity: 10, type: 'limit', limitPrice: bar.close + 1, takeProfit: { limitPrice: bar.close + 3 }, stopLoss: { stopPrice: bar.close - 3 } });
        });
      },
    });
    const r = await runBacktest({ def, bars, fees: 'zero' });
    expect(r.fills.map((f) => [f.action, f.quantity, f.price])).toEqual([['BUY', 10, 11], ['SELL', 10, 13]]);
    expect(new Set(legs.map((o) => o.parentId))).toEqual(new Set([entry!.orderId]));
    expect(legs.filter((o) => o.status === 'Filled').map((o) => o.orderType)).toEqual(['LMT']);
    expect(legs.filter((o) => o.status === 'Cancelled').map((o) => o.orderType)).toEqual(['STP']);
  });

  it('an OCA group passes the risk checks whole or not at all', async () => {
    const handles: OrderHandle[][] = [];
    const def = defineStrategy({
      name: 'oca-risk', params: {}, symbols: ['XYZ'],
      setup(ctx) {
        ctx.bars$().subscribe(async (bar) => {
          if (handles.length > 0) return;
          handles.push([]);
          handles[0] = await ctx.submitOca([
            { symbol: 'XYZ', side: 'BUY', quantity: 10, type: 'stop', stopPrice: bar.close + 1 },
            { symbol: 'XYZ', side: 'SELL', quantity: 50, type: 'stop', stopPrice: bar.close - 1 },
          ]);
        });
      },
    });
    const r = await runBacktest({ def, bars, fees: 'zero', risk: { maxOrderQuantity: 20 } });
    expect(handles[0]!.map((h) => h.rejected)).toEqual([expect.stringMatching(/OCA group; the group is refused whole/), expect.stringMatching(/OCA group; the group is refused whole/)]);
    expect(r.fills).toEqual([]);
  });

  it('paper accounts refuse GTC on attached legs as on the order itself', () => {
    const ctx = { accountKind: 'paper' as const, knownSymbol: () => true, position: () => 0 };
    const order = { account: 'A', symbol: 'XYZ', action: 'BUY' as const, orderType: 'LMT' as const, quantity: 1, limitPrice: 10, attachType: 'LOSS' as const };
    expect(orderRefusal({ ...order, legs: { loss: { stopPrice: 9, timeInForce: 'GTC' } } }, ctx)?.rule).toBe('paper-gtc');
    expect(orderRefusal({ ...order, legs: { loss: { stopPrice: 9, timeInForce: 'DAY' } } }, ctx)).toBeUndefined();
  });
});
