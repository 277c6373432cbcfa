import { runBacktest } from '@pounce/backtest';
import smaCross from '../strategies/sma-cross/index.ts';
import { replicatedSlices } from './benchData.ts';
import type { BenchResult } from './types.ts';

/**
 * Peak RSS of a 10M-bar backtest through runBacktest with keepDetail off (no equity curve, fills
 * or trades kept: metrics from running sums), bars generated per step and never held whole. This
 * is not what `npm run backtest` does by default: the `cli-memory` row measures that.
 */
export async function streamingMemory(bars = 10_000_000, symbols = 500): Promise<BenchResult[]> {
  const data = replicatedSlices(symbols, bars);
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
  const t0 = performance.now();
  const res = await runBacktest({ def: smaCross, bars: data, symbols: data.symbols, cash: 1e9, timeframe: 'venue', keepDetail: false });
  const ms = performance.now() - t0;
  clearInterval(timer);
  peak = Math.max(peak, process.memoryUsage().rss);
  return [{ name: 'backtest memory, 10M generated bars, keepDetail off (not the CLI default)', value: peak / 1e6, unit: 'MB RSS', target: 300, better: 'lower', detail: `${data.steps * symbols} bars in ${(ms / 1000).toFixed(1)} s (${Math.round((data.steps * symbols) / (ms / 1000))} bars/s), ${res.fillCount} fills (runBacktest in-process, keepDetail off: metrics from running sums, no report)` }];
}
