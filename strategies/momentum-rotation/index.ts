import { defineStrategy, ParamError, RollingWindow } from '@pounce/runtime';

/**
 * Cross-sectional momentum: at each instant for which every symbol has a bar, hold `size` shares
 * of the symbol with the best return over `lookback` bars (none while every return is negative).
 * A decision waits for every symbol's bar of the instant (bars of one instant arrive one by one).
 */
export default defineStrategy({
  name: 'momentum-rotation',
  description: 'Hold the symbol with the best lookback return; rotate on a change of leader',
  params: {
    lookback: { type: 'integer', default: 20, min: 1, description: 'return window (bars)' },
    size: { type: 'integer', default: 100, min: 1, description: 'shares held' },
  },
  symbols: ['NVDA', 'ORCL'],
  timeframe: '1d',
  // A return over `lookback` bars needs lookback + 1 closes.
  warmUp: (p) => p.lookback,
  setup(ctx) {
    const { lookback, size } = ctx.params;
    if (ctx.symbols.length < 2) throw new ParamError('momentum-rotation needs at least two symbols');
    const closes = new Map(ctx.symbols.map((s) => [s, new RollingWindow(lookback + 1)]));
    const latest = new Map<string, number>();
    let inFlight = 0;
    ctx.orders$.subscribe((o) => {
      if (['Filled', 'Cancelled', 'Inactive', 'Invalid'].includes(o.status)) inFlight = Math.max(0, inFlight - 1);
    });
    const send = (symbol: string, side: 'BUY' | 'SELL', quantity: number) => {
      inFlight++;
      void ctx.submit({ symbol, side, quantity }).then((r) => r.rejected && inFlight--);
    };
    ctx.bars$().subscribe((bar) => {
      closes.get(bar.symbol)?.push(bar.close);
      latest.set(bar.symbol, bar.time);
      // Decide once per instant, when the last symbol's bar of that instant has arrived.
      if (ctx.symbols.some((s) => latest.get(s) !== bar.time) || inFlight > 0) return;
      let leader: string | undefined;
      let best = 0;
      for (const s of ctx.symbols) {
        const w = closes.get(s)!;
        if (!w.full) return;
        const r = w.last / w.first - 1;
        if (r > best) [leader, best] = [s, r];
      }
      for (const s of ctx.symbols) {
        const held = ctx.position(s).quantity;
        if (s !== leader && held > 0) send(s, 'SELL', held);
      }
      if (leader && ctx.position(leader).quantity === 0) send(leader, 'BUY', size);
    });
  },
});
