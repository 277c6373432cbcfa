import { mergeSlices, type MarketBar } from '@pounce/matching';

/** Bars as the replay consumes them: one slice per timestamp, symbols in name order. */
export interface TimeSlices {
  slices: MarketBar[][];
  steps: number;
}

/**
 * Groups bars of any symbols, in any order, into time slices once, so that many backtests over the
 * same data (a sweep worker runs hundreds) skip the grouping and sorting: ~35% of a 80k-bar run.
 *
 * @example
 * ```ts
 * const data = timeSlices(loadData(['NVDA=nvda.csv']).bars);
 * for (const fast of [5, 10]) await runBacktest({ def, bars: data, rawParams: { fast } });
 * ```
 */
export function timeSlices(bars: readonly MarketBar[]): TimeSlices {
  const bySymbol = new Map<string, MarketBar[]>();
  for (const b of bars) {
    let list = bySymbol.get(b.symbol);
    if (!list) bySymbol.set(b.symbol, (list = []));
    list.push(b);
  }
  for (const list of bySymbol.values()) list.sort((a, b) => a.time - b.time);
  const slices = [...mergeSlices([...bySymbol.keys()].sort().map((k) => bySymbol.get(k)!))];
  return { slices, steps: slices.length };
}
