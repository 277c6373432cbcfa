import { DateTime } from 'luxon';
import { defineStrategy, ParamError } from '@pounce/runtime';

const cents = (x: number) => Math.round(x * 100) / 100;

/**
 * Opening-range breakout on intraday bars: the first `rangeBars` bars of each session set a high
 * and a low; a buy stop a cent above the high and a sell stop a cent below the low go out as one
 * OCA group, so the venue cancels the other when one fills (also when both trigger in one bar);
 * positions are closed at `exitTime` (exchange time).
 */
export default defineStrategy({
  name: 'opening-range-breakout',
  description: 'OCA stop orders at the opening range high/low; flat by the exit time',
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
    if (!Number.isInteger(eh) || !Number.isInteger(em)) throw new ParamError(`parameter exitTime: expected HH:MM, got "${exitTime}"`);
    const exitMinute = eh! * 60 + em!;
    type Day = { key: string; n: number; high: number; low: number; armed: boolean; flattened: boolean };
    const days = new Map<string, Day>();
    ctx.bars$().subscribe((bar) => {
      const t = DateTime.fromMillis(bar.time, { zone });
      const key = t.toISODate() ?? '';
      let d = days.get(bar.symbol);
      if (!d || d.key !== key) days.set(bar.symbol, (d = { key, n: 0, high: -Infinity, low: Infinity, armed: false, flattened: false }));
      if (++d.n <= rangeBars) {
        d.high = Math.max(d.high, bar.high);
        d.low = Math.min(d.low, bar.low);
      } else if (t.hour * 60 + t.minute >= exitMinute) {
        // Once per day: cancels the group's open stop and closes what filled.
        if (!d.flattened) void ctx.flatten(bar.symbol);
        d.flattened = true;
      } else if (!d.armed) {
        d.armed = true;
        void ctx.submitOca([
          { symbol: bar.symbol, side: 'BUY', quantity: size, type: 'stop', stopPrice: cents(d.high + 0.01) },
          { symbol: bar.symbol, side: 'SELL', quantity: size, type: 'stop', stopPrice: cents(d.low - 0.01) },
        ]);
      }
    });
  },
});
