import { parentPort, workerData } from 'node:worker_threads';
import { importPlugin, type StrategyDefinition } from '@pounce/runtime';
import { runBacktest } from './runBacktest.ts';
import { timeSlices } from './timeSlices.ts';
import type { SweepJob, SweepResult } from './sweep.ts';

const job = workerData as SweepJob;
const def = ((await importPlugin(job.strategyPath)) as { default: StrategyDefinition }).default;
// Sliced once per worker: every combination replays the same data.
const data = timeSlices(job.bars);

parentPort!.on('message', async (m: { i: number; params: Record<string, string | number | boolean> }) => {
  let result: SweepResult;
  try {
    const r = await runBacktest({ def, rawParams: m.params, symbols: job.symbols, bars: data, cash: job.cash, fees: job.fees, slippageBps: job.slippageBps, participation: job.participation, risk: job.risk, corporateActions: job.corporateActions, withholdingTax: job.withholdingTax, tradeFrom: job.tradeFrom });
    result = { params: m.params, metrics: r.metrics, endEquity: r.endEquity };
  } catch (err) {
    result = { params: m.params, error: (err as Error).message };
  }
  parentPort!.postMessage({ i: m.i, result });
});
