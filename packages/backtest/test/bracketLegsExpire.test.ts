import { describe, expect, it } from 'vitest';
import type { Order } from '@pounce/core';
import type { MarketBar } from '@pounce/matching';
import { defineStrategy } from '@pounce/runtime';
import { runBacktest } from '../src/index.ts';

const DAY = 86_400_000;
const T0 = Date.UTC(2024, 0, 2, 21, 0); // daily bars at the New York close
/** Quiet daily bars around 100: neither leg (take profit 130, stop 70) is ever reached. */
const bars: MarketBar[] = Array.from({ length: 6 }, (_, i) => ({ symbol: 'XYZ', time: T0 + i * DAY, open: 100, high: 101, low: 99, close: 100, volume: 1e6 }));

describe('bracket legs without a time in force', () => {
  it('are DAY orders: they expire with their session, and the position they guarded stays', async () => {
    const legs: Order[] = [];
    let held = 0;
    const def = defineStrategy({
      name: 'bracket-once', params: {}, symbols: ['XYZ'],
      setup(ctx) {
        let sent = false;
        ctx.orders$.subscribe((o) => {
          if (o.parentId !== undefined) legs.push(o);
        });
        ctx.bars$().subscribe(() => {
          held = ctx.position('XYZ').quantity;
          if (sent) return;
          sent = true;
          void ctx.submit({ symbol: 'XYZ', side: 'BUY', quantity: 10, type: 'limit', limitPrice: 101, takeProfit: { limitPrice: 130 }, stopLoss: { stopPrice: 70 } });
        });
      },
    });
    const r = await runBacktest({ def, bars, symbols: ['XYZ'], fees: 'zero', participation: 1 });
    expect(r.fills.map((f) => [f.action, f.quantity])).toEqual([['BUY', 10]]);
    const final = new Map(legs.map((o) => [o.id, o]));
    expect([...final.values()].map((o) => [o.action, o.timeInForce, o.status])).toEqual([['SELL', 'DAY', 'Cancelled'], ['SELL', 'DAY', 'Cancelled']]);
    // Sent on bar 0, filled at bar 1's open, working from bar 2, expired as bar 3's session began: not at the end of the data.
    expect([...final.values()].map((o) => o.updateTime)).toEqual([bars[3]!.time, bars[3]!.time]);
    expect(held).toBe(10);
  });
});
