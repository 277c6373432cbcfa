import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { CorporateAction, MarketBar } from '@pounce/matching';
import type { RiskLimits } from '@pounce/runtime';
import type { Metrics } from './metrics.ts';

/** `fast=5:20:5` -> fast: [5, 10, 15, 20]; `mode=a,b` -> mode: ['a', 'b']. */
export function parseSweep(spec: string): { name: string; values: Array<string | number> } {
  const eq = spec.indexOf('=');
  if (eq <= 0) throw new Error(`--sweep ${spec}: expected name=start:stop:step or name=a,b,c`);
  const name = spec.slice(0, eq);
  const body = spec.slice(eq + 1);
  const range = /^(-?\d+(?:\.\d+)?):(-?\d+(?:\.\d+)?):(\d+(?:\.\d+)?)$/.exec(body);
  if (range) {
    const [a, b, s] = [Number(range[1]), Number(range[2]), Number(range[3])];
    if (s <= 0 || b < a) throw new Error(`--sweep ${spec}: expected start <= stop and a positive step`);
    const values: number[] = [];
    for (let x = a; x <= b + 1e-9; x += s) values.push(Math.round(x * 1e9) / 1e9);
    if (values.length > 10_000) throw new Error(`--sweep ${spec}: ${values.length} values is too many`);
    return { name, values };
  }
  const values = body.split(',').map((v) => v.trim()).filter(Boolean);
  if (values.length === 0) throw new Error(`--sweep ${spec}: no values`);
  return { name, values };
}

/** Every combination of the swept values, merged over the fixed params. */
export function combinations(fixed: Record<string, string | number | boolean>, sweeps: ReadonlyArray<{ name: string; values: Array<string | number> }>): Array<Record<string, string | number | boolean>> {
  let out: Array<Record<string, string | number | boolean>> = [{ ...fixed }];
  for (const s of sweeps) out = out.flatMap((c) => s.values.map((v) => ({ ...c, [s.name]: v })));
  return out;
}

export interface SweepJob {
  strategyPath: string;
  bars: MarketBar[];
  symbols?: string[];
  cash: number;
  fees: string;
  slippageBps: number;
  participation: number;
  /** The same pre-trade risk limits for every combination (as on paper). */
  risk?: RiskLimits;
  /** Splits and dividends for raw bars (see runBacktest). */
  corporateActions?: readonly CorporateAction[];
  withholdingTax?: number;
  /** Bars before this time only warm the strategy up (walk-forward windows). */
  tradeFrom?: number;
}

export interface SweepResult {
  params: Record<string, string | number | boolean>;
  metrics?: Metrics;
  endEquity?: number;
  error?: string;
}

/**
 * Runs every combination across worker threads (one per core by default), each worker running
 * full backtests through the same engine. Results come back in input order.
 */
/** From the build the worker is plain JavaScript; from sources it first needs a TypeScript loader. */
const WORKER = import.meta.url.endsWith('.ts') ? new URL('./sweepWorkerEntry.mjs', import.meta.url) : new URL('./sweepWorker.js', import.meta.url);

export async function runSweep(job: SweepJob, combos: Array<Record<string, string | number | boolean>>, workers = availableParallelism(), onDone?: (n: number) => void): Promise<SweepResult[]> {
  const results: SweepResult[] = new Array(combos.length);
  let next = 0;
  let done = 0;
  const n = Math.max(1, Math.min(workers, combos.length));
  await Promise.all(
    Array.from({ length: n }, () => new Promise<void>((resolve, reject) => {
      const w = new Worker(WORKER, { workerData: job });
      const feed = () => {
        if (next >= combos.length) {
          void w.terminate().then(() => resolve());
          return;
        }
        const i = next++;
        w.postMessage({ i, params: combos[i] });
      };
      w.on('message', (m: { i: number; result: SweepResult }) => {
        results[m.i] = m.result;
        onDone?.(++done);
        feed();
      });
      w.on('error', reject);
      w.once('online', feed);
    })),
  );
  return results;
}

/** A sweep result with its place in the grid (the combination's index). */
export interface IndexedSweepResult extends SweepResult {
  index: number;
}

/**
 * The ranking of a sweep: results with metrics, best Sharpe first, ties in grid order. A total
 * order on (sharpe, index), so ranking the merged shards of a grid gives the single run's ranking.
 */
export function rankSweep<R extends IndexedSweepResult>(results: readonly R[]): R[] {
  return results.filter((r) => r.metrics).sort((a, b) => b.metrics!.sharpe - a.metrics!.sharpe || a.index - b.index);
}
