import { bySymbol, cross, defineStrategy, ParamError, sma } from '@pounce/runtime';

/**
 * Moving-average crossover: buys `size` when the fast SMA crosses above the slow one and closes
 * the position on the cross back down (a cross as backtrader's CrossOver counts it). Market
 * orders; long only. No value before both averages are warm.
 */
export default defineStrategy({
  name: 'sma-cross',
  description: 'Buy when the fast SMA crosses above the slow SMA, close on the cross back down',
  params: {
    fast: { type: 'integer', default: 10, min: 1, description: 'fast SMA length (bars)' },
    slow: { type: 'integer', default: 30, min: 2, description: 'slow SMA length (bars)' },
    size: { type: 'integer', default: 100, min: 1, description: 'shares per entry' },
  },
  symbols: ['NVDA'],
  // Daily bars at each session's close; the slow average is primed before the first decision.
  timeframe: '1d',
  warmUp: (p) => p.slow,
  setup(ctx) {
    const { fast, slow, size } = ctx.params;
    if (fast >= slow) throw new ParamError(`parameter fast (${fast}) must be below slow (${slow})`);
    ctx.bars$().pipe(bySymbol(cross(sma(fast), sma(slow)))).subscribe(({ bar: { symbol }, value: crossed }) => {
      const held = ctx.position(symbol).quantity;
      if (crossed > 0 && held <= 0) void ctx.submit({ symbol, side: 'BUY', quantity: size, type: 'market' });
      else if (crossed < 0 && held > 0) void ctx.submit({ symbol, side: 'SELL', quantity: held, type: 'market' });
    });
  },
});
