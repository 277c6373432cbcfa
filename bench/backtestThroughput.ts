import { runBacktest } from '@pounce/backtest';
import smaCross from '../strategies/sma-cross/index.ts';
import { median, replicatedSlices } from './benchData.ts';
import type { BenchResult } from './types.ts';

/**
 * sma-cross through runBacktest in this process: TradingEngine, RiskEngine (no limits set),
 * BacktestVenue and MatchingEngine, on bars generated in memory (no CSV parsing, no journal, no
 * report). Per-step costs are shared by every symbol of a step, so the same bar count is slower
 * with one symbol than with 500: both are measured.
 */
export async function backtestThroughput(runs = 5, bars = 2_000_000, symbols = 500): Promise<BenchResult[]> {
  const many = await measure(runs, bars, symbols);
  const one = await measure(3, 1_000_000, 1);
  const what = 'runBacktest in-process, bars generated in memory (no CSV, no journal, no report)';
  return [
    { name: `backtest throughput (sma-cross, ${bars / 1e6}M bars, ${symbols} symbols per step)`, value: many.rate, unit: 'bars/s', target: 1_000_000, better: 'higher', detail: `${what}; median of ${runs}; ${many.fills} fills per run; runs: ${many.rates.join(', ')}` },
    // Issue 18 sets the engine 2M bars/s with one symbol (every per-step cost falls on one bar).
    { name: 'backtest throughput (sma-cross, 1M bars, one symbol)', value: one.rate, unit: 'bars/s', target: 2_000_000, better: 'higher', detail: `${what}; median of 3; ${one.fills} fills per run; runs: ${one.rates.join(', ')}` },
  ];
}

async function measure(runs: number, bars: number, symbols: number): Promise<{ rate: number; rates: number[]; fills: number }> {
  const rates: number[] = [];
  let fills = 0;
  for (let r = 0; r < runs; r++) {
    const data = replicatedSlices(symbols, bars);
    const t0 = performance.now();
    // The data's own bars: the bench measures the engine, not the calendar (its replicated days include weekends).
    const res = await runBacktest({ def: smaCross, bars: data, symbols: data.symbols, cash: 1e9, timeframe: 'venue' });
    const ms = performance.now() - t0;
    rates.push((data.steps * symbols) / (ms / 1000));
    fills = res.fills.length;
  }
  return { rate: median(rates), rates: rates.map((x) => Math.round(x)), fills };
}
