import { fileURLToPath } from 'node:url';
import { combinations, parseSweep, runSweep } from '@pounce/backtest';
import type { MarketBar } from '@pounce/matching';
import { replicatedSlices } from './benchData.ts';
import type { BenchResult } from './types.ts';

const STRATEGY = fileURLToPath(new URL('../strategies/sma-cross/index.ts', import.meta.url));

/** A 100-combination sweep on 1 worker and on 2; the speed-up on this 2-core machine. */
export async function sweepScaling(label = ''): Promise<BenchResult[]> {
  // 20 symbols x 4000 steps per backtest, so each combination is real work (worker start-up,
  // which compiles the TypeScript sources, is then a small share).
  const bars: MarketBar[] = [...replicatedSlices(20, 80_000).slices].flat();
  const combos = combinations({}, [parseSweep('fast=2:20:2'), parseSweep('slow=25:70:5')]);
  const job = { strategyPath: STRATEGY, bars, symbols: [...new Set(bars.map((b) => b.symbol))], cash: 1e9, fees: 'tradeup', slippageBps: 0, participation: 0.1 };
  // Total time, and the rate once every worker is up (start-up compiles the TypeScript sources in
  // each worker, ~0.35 s, and copies the bars to it).
  const time = async (w: number) => {
    const t0 = performance.now();
    let first = 0;
    await runSweep(job, combos, w, (n) => void (n === 1 && (first = performance.now())));
    const end = performance.now();
    return { total: end - t0, steady: (end - first) / (combos.length - 1) };
  };
  const one = await time(1);
  const two = await time(2);
  return [
    { name: `sweep speed-up, ${combos.length} combinations, 2 workers vs 1${label}`, value: one.total / two.total, unit: 'x', target: Infinity, better: 'higher', detail: `report only (the issue sets no number); 1 worker ${(one.total / 1000).toFixed(1)} s, 2 workers ${(two.total / 1000).toFixed(1)} s; ideal 2.0x` },
    { name: `sweep speed-up once workers are up${label}`, value: one.steady / two.steady, unit: 'x', target: Infinity, better: 'higher', detail: `per combination after the first result: 1 worker ${one.steady.toFixed(1)} ms, 2 workers ${two.steady.toFixed(1)} ms` },
  ];
}
