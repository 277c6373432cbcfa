import { bollinger, bySymbol, defineStrategy } from '@pounce/runtime';

const cents = (x: number) => Math.round(x * 100) / 100;

/**
 * Bollinger-band mean reversion with limit orders: when the close falls below the lower band,
 * bid at the lower band; once long, offer at the middle band. DAY limit orders, one at a time per
 * symbol, re-placed each bar while the condition holds.
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
    ctx.bars$().pipe(bySymbol(bollinger(period, k))).subscribe(({ bar: { symbol, close }, value: band }) => {
      if (ctx.workingOrders(symbol) > 0) return;
      const held = ctx.position(symbol).quantity;
      if (held === 0 && close < band.lower) void ctx.submit({ symbol, side: 'BUY', quantity: size, type: 'limit', limitPrice: cents(band.lower) });
      else if (held > 0) void ctx.submit({ symbol, side: 'SELL', quantity: held, type: 'limit', limitPrice: cents(Math.max(band.middle, close)) });
    });
  },
});
