import { runBacktest } from '@pounce/backtest';
import smaCross from '../strategies/sma-cross/index.ts';
import { median, replicatedSlices } from './benchData.ts';
import type { BenchResult } from './types.ts';

/** sma-cross over >= 2M streamed bars through the full strategy API and matching engine. */
export async function backtestThroughput(runs = 5, bars = 2_000_000, symbols = 500): Promise<BenchResult[]> {
  const rates: number[] = [];
  let fills = 0;
  for (let r = 0; r < runs; r++) {
    const data = replicatedSlices(symbols, bars);
    const t0 = performance.now();
    const res = await runBacktest({ def: smaCross, bars: data, symbols: data.symbols, cash: 1e9 });
    const ms = performance.now() - t0;
    rates.push((data.steps * symbols) / (ms / 1000));
    fills = res.fills.length;
  }
  return [{ name: 'backtest throughput (sma-cross, 2M bars, 500 symbols)', value: median(rates), unit: 'bars/s', target: 1_000_000, better: 'higher', detail: `median of ${runs}; ${fills} fills per run; runs: ${rates.map((x) => Math.round(x)).join(', ')}` }];
}
