import { fileURLToPath } from 'node:url';
import { runBuilt } from './builtProcess.ts';
import type { BenchResult } from './types.ts';

/**
 * Peak RSS of a 10M-bar backtest through runBacktest with keepDetail off (no equity curve, fills
 * or trades kept: metrics from running sums), bars generated per step and never held whole, in a
 * process that runs the build as the CLI does (streamingMemoryProcess.ts). This is not what
 * `npm run backtest` does by default: the `cli-memory` row measures that.
 */
export async function streamingMemory(bars = 10_000_000, symbols = 500): Promise<BenchResult[]> {
  const line = await runBuilt(fileURLToPath(new URL('./streamingMemoryProcess.ts', import.meta.url)), [String(bars), String(symbols)]);
  return JSON.parse(line) as BenchResult[];
}
