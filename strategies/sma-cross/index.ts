import { defineStrategy, ParamError, RollingWindow } from '@pounce/runtime';

/**
 * Moving-average crossover: buys `size` when the fast SMA crosses above the slow one
 * (fast[t-1] < slow[t-1] and fast[t] > slow[t]) and closes the position on the opposite cross.
 * Market orders; long only.
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
    const state = new Map(ctx.symbols.map((s) => [s, { f: new RollingWindow(fast), s: new RollingWindow(slow), prevF: NaN, prevS: NaN, busy: false }]));

    // One order in flight per symbol: it is done when it fills completely or ends otherwise.
    ctx.orders$.subscribe((o) => {
      const st = state.get(o.symbol);
      if (st && ['Filled', 'Cancelled', 'Inactive', 'Invalid'].includes(o.status)) st.busy = false;
    });

    ctx.bars$().subscribe((bar) => {
      const st = state.get(bar.symbol);
      if (!st) return;
      st.f.push(bar.close);
      st.s.push(bar.close);
      if (!st.s.full) return;
      const f = st.f.mean;
      const s = st.s.mean;
      const held = ctx.position(bar.symbol);
      if (!st.busy && st.prevF < st.prevS && f > s && held <= 0) {
        st.busy = true;
        void ctx.submit({ symbol: bar.symbol, side: 'BUY', quantity: size, type: 'market' }).then((r) => r.rejected && (st.busy = false));
      } else if (!st.busy && st.prevF > st.prevS && f < s && held > 0) {
        st.busy = true;
        void ctx.submit({ symbol: bar.symbol, side: 'SELL', quantity: held, type: 'market' }).then((r) => r.rejected && (st.busy = false));
      }
      st.prevF = f;
      st.prevS = s;
    });
  },
});
