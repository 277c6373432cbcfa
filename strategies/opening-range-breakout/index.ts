import { DateTime } from 'luxon';
import { defineStrategy } from '@pounce/runtime';

/**
 * Opening-range breakout on intraday bars: the first `rangeBars` bars of each session set a high
 * and a low; a buy stop above the high and a sell stop below the low bracket the range; the first
 * to fill cancels the other; positions are closed at `exitTime` (exchange time).
 */
export default defineStrategy({
  name: 'opening-range-breakout',
  description: 'Stop orders at the opening range high/low; flat by the exit time',
  params: {
    rangeBars: { type: 'integer', default: 6, min: 1, description: 'bars that form the opening range' },
    size: { type: 'integer', default: 1, min: 1 },
    exitTime: { type: 'string', default: '14:45', description: 'HH:MM exchange time to flatten' },
    zone: { type: 'string', default: 'America/New_York' },
  },
  symbols: ['IDX'],
  setup(ctx) {
    const { rangeBars, size, exitTime, zone } = ctx.params;
    const [eh, em] = exitTime.split(':').map(Number);
    if (!Number.isInteger(eh) || !Number.isInteger(em)) throw new Error(`parameter exitTime: expected HH:MM, got "${exitTime}"`);
    type Day = { key: string; n: number; high: number; low: number; armed: boolean; done: boolean; flattened: boolean; stops: string[] };
    const days = new Map<string, Day>();
    ctx.fills$.subscribe(async (f) => {
      const d = days.get(f.symbol);
      if (!d || d.done) return;
      // First breakout filled: cancel the opposite stop.
      d.done = true;
      for (const id of d.stops) if (id !== f.orderId) await ctx.cancel(id).catch(() => undefined);
    });
    ctx.bars$().subscribe((bar) => {
      const t = DateTime.fromMillis(bar.time, { zone });
      const key = t.toISODate() ?? '';
      let d = days.get(bar.symbol);
      if (!d || d.key !== key) {
        d = { key, n: 0, high: -Infinity, low: Infinity, armed: false, done: false, flattened: false, stops: [] };
        days.set(bar.symbol, d);
      }
      d.n++;
      if (d.n <= rangeBars) {
        d.high = Math.max(d.high, bar.high);
        d.low = Math.min(d.low, bar.low);
        return;
      }
      if (t.hour * 60 + t.minute >= eh! * 60 + em!) {
        // Flatten once per day: a flatten already sent is not repeated while its order works.
        if (!d.flattened) {
          d.done = true;
          d.flattened = true;
          void ctx.flatten(bar.symbol);
        }
        return;
      }
      if (!d.armed) {
        d.armed = true;
        const day = d;
        void Promise.all([
          ctx.submit({ symbol: bar.symbol, side: 'BUY', quantity: size, type: 'stop', stopPrice: Math.round(d.high * 100 + 1) / 100 }),
          ctx.submit({ symbol: bar.symbol, side: 'SELL', quantity: size, type: 'stop', stopPrice: Math.round(d.low * 100 - 1) / 100 }),
        ]).then((rs) => {
          day.stops = rs.flatMap((r) => (r.orderId ? [r.orderId] : []));
        });
      }
    });
  },
});
