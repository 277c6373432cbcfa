import { seededRandom } from '@pounce/gateway';
import { defineStrategy } from '../src/index.ts';

/**
 * The soaks' strategy (one-strategy and node): random market and limit orders and cancels on its
 * symbols, drawn from a seed, so a seed replays the same decisions on the same bars.
 */
export const chaosTrader = defineStrategy({
  name: 'chaos-trader', params: { seed: { type: 'integer', default: 1 } }, symbols: ['AAA', 'BBB'],
  setup(ctx) {
    const rnd = seededRandom(ctx.params.seed);
    const open: string[] = [];
    ctx.orders$.subscribe((o) => {
      if (['Filled', 'Cancelled', 'Inactive'].includes(o.status)) {
        const i = open.indexOf(o.id);
        if (i >= 0) open.splice(i, 1);
      }
    });
    ctx.bars$().subscribe((b) => {
      const r = rnd();
      if (r < 0.25) void ctx.submit({ symbol: b.symbol, side: rnd() < 0.5 ? 'BUY' : 'SELL', quantity: 1 + Math.floor(rnd() * 20) });
      else if (r < 0.35) {
        void ctx.submit({ symbol: b.symbol, side: 'BUY', quantity: 5, type: 'limit', limitPrice: Math.round(b.close * 0.995 * 100) / 100 }).then((s) => s.orderId && open.push(s.orderId));
      } else if (r < 0.4 && open.length > 0) void ctx.cancel(open.shift()!).catch(() => undefined);
    });
  },
});
