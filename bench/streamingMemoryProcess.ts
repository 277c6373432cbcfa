// The streaming-memory benchmark's own process (see streamingMemory.ts): prints its results as JSON.
import { runBacktest } from '@pounce/backtest';
import smaCross from '../strategies/sma-cross/index.ts';
import { replicatedSlices } from './benchData.ts';
import type { BenchResult } from './types.ts';

const bars = Number(process.argv[2] ?? 10_000_000);
const symbols = Number(process.argv[3] ?? 500);
const data = replicatedSlices(symbols, bars);
let peak = process.memoryUsage().rss;
const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
const t0 = performance.now();
const res = await runBacktest({ def: smaCross, bars: data, symbols: data.symbols, cash: 1e9, timeframe: 'venue', keepDetail: false });
const ms = performance.now() - t0;
clearInterval(timer);
peak = Math.max(peak, process.memoryUsage().rss);
const rows: BenchResult[] = [{
  name: 'backtest memory, 10M generated bars, keepDetail off (not the CLI default)', value: peak / 1e6, unit: 'MB RSS', target: 300, better: 'lower',
  detail: `${data.steps * symbols} bars in ${(ms / 1000).toFixed(1)} s (${Math.round((data.steps * symbols) / (ms / 1000))} bars/s), ${res.fillCount} fills (runBacktest in a process of its own running the build, as the CLI does: no tsx loader; keepDetail off: metrics from running sums, no report)`,
}];
process.stdout.write(JSON.stringify(rows) + '\n');
