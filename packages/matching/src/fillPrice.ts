import type { EngineOrder, MarketBar } from './types.ts';

/**
 * The price at which a working order executes against `bar`, or undefined if it does not. Rules
 * (the same for backtest and gateway, so fills agree):
 * - MKT: the bar's open.
 * - LMT: the open if it is already through the limit, else the limit if the bar trades through it.
 * - STP: the open if it gaps through the stop, else the stop if the bar reaches it. Once triggered
 *   (e.g. left unfilled by the volume cap) it is a market order.
 * - STP_LMT: triggers like STP, then behaves as LMT; triggered mid-bar at the stop it fills at the
 *   stop only if the stop is within the limit, else it rests as a limit from the next bar.
 * - TRAIL: a stop that follows the best price since submission by auxPrice or trailingPercent; it
 *   is checked before it is moved with the bar, so a bar never triggers on its own extreme.
 * Mutates `order.triggered` / `order.trailStop` as the rules advance.
 */
export function fillPrice(o: EngineOrder, bar: MarketBar): number | undefined {
  const buy = o.action === 'BUY';
  switch (o.orderType) {
    case 'MKT':
      return bar.open;
    case 'LMT':
      return limitPrice(buy, o.limitPrice!, bar);
    case 'STP': {
      if (o.triggered) return bar.open;
      const p = stopTrigger(buy, o.auxPrice!, bar);
      if (p !== undefined) o.triggered = true;
      return p;
    }
    case 'STP_LMT': {
      if (o.triggered) return limitPrice(buy, o.limitPrice!, bar);
      const p = stopTrigger(buy, o.auxPrice!, bar);
      if (p === undefined) return undefined;
      o.triggered = true;
      if (p === bar.open) return limitPrice(buy, o.limitPrice!, bar);
      return (buy ? p <= o.limitPrice! : p >= o.limitPrice!) ? p : undefined;
    }
    case 'TRAIL': {
      if (o.triggered) return bar.open;
      if (o.trailStop === undefined) o.trailStop = trailFrom(o, bar.open);
      const p = stopTrigger(buy, o.trailStop, bar);
      if (p !== undefined) {
        o.triggered = true;
        return p;
      }
      const moved = trailFrom(o, buy ? bar.low : bar.high);
      o.trailStop = buy ? Math.min(o.trailStop, moved) : Math.max(o.trailStop, moved);
      return undefined;
    }
  }
}

function limitPrice(buy: boolean, limit: number, bar: MarketBar): number | undefined {
  if (buy) return bar.open <= limit ? bar.open : bar.low <= limit ? limit : undefined;
  return bar.open >= limit ? bar.open : bar.high >= limit ? limit : undefined;
}

function stopTrigger(buy: boolean, stop: number, bar: MarketBar): number | undefined {
  if (buy) return bar.open >= stop ? bar.open : bar.high >= stop ? stop : undefined;
  return bar.open <= stop ? bar.open : bar.low <= stop ? stop : undefined;
}

/** The trailing stop level implied by a reference (best) price. */
export function trailFrom(o: EngineOrder, ref: number): number {
  const dist = o.trailingPercent !== undefined ? (ref * o.trailingPercent) / 100 : o.auxPrice!;
  return o.action === 'BUY' ? ref + dist : ref - dist;
}
