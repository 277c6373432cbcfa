import { defineStrategy, RollingWindow } from '@pounce/runtime';

/**
 * Bollinger-band mean reversion with limit orders: when the close falls below the lower band,
 * bid at the lower band; once long, offer at the middle band. DAY limit orders, re-placed each bar
 * while the condition holds.
 */
export default defineStrategy({
  name: 'bollinger-reversion',
  description: 'Buy the lower Bollinger band with a limit order, sell at the middle band',
  params: {
    period: { type: 'integer', default: 20, min: 2 },
    k: { type: 'number', default: 2, min: 0.1, max: 10 },
    size: { type: 'integer', default: 100, min: 1 },
  },
  symbols: ['ORCL'],
  timeframe: '1d',
  // The band needs `period` closes: the first decision is on the period-th bar.
  warmUp: (p) => p.period - 1,
  setup(ctx) {
    const { period, k, size } = ctx.params;
    const windows = new Map(ctx.symbols.map((s) => [s, new RollingWindow(period)]));
    const working = new Set<string>();
    ctx.orders$.subscribe((o) => {
      if (['Filled', 'Cancelled', 'Inactive', 'Invalid'].includes(o.status)) working.delete(o.symbol);
    });
    ctx.bars$().subscribe((bar) => {
      const w = windows.get(bar.symbol);
      if (!w) return;
      w.push(bar.close);
      if (!w.full || working.has(bar.symbol)) return;
      const mid = w.mean;
      const lower = mid - k * w.stddev;
      const held = ctx.position(bar.symbol);
      const round = (x: number) => Math.round(x * 100) / 100;
      if (held === 0 && bar.close < lower) {
        working.add(bar.symbol);
        void ctx.submit({ symbol: bar.symbol, side: 'BUY', quantity: size, type: 'limit', limitPrice: round(lower) }).then((r) => r.rejected && working.delete(bar.symbol));
      } else if (held > 0) {
        working.add(bar.symbol);
        void ctx.submit({ symbol: bar.symbol, side: 'SELL', quantity: held, type: 'limit', limitPrice: round(Math.max(mid, bar.close)) }).then((r) => r.rejected && working.delete(bar.symbol));
      }
    });
  },
});
