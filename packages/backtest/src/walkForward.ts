import type { MarketBar } from '@pounce/matching';
import type { StrategyDefinition } from '@pounce/runtime';
import { CurveStats, type Metrics } from './metrics.ts';
import type { TradeStats } from './roundTrips.ts';
import { runBacktest } from './runBacktest.ts';
import { rankSweep, runSweep, type SweepJob } from './sweep.ts';

/** `train=2y,test=6m[,anchored][,warmup=250]`: window lengths in years, months or days; warm-up in bars. */
export interface WalkForwardSpec {
  train: Span;
  test: Span;
  /** Every training window starts at the first bar (otherwise it rolls forward by `test`). */
  anchored: boolean;
  /** Bars before each window fed to the strategy for its indicators (as many as exist). */
  warmUpBars: number;
}

/** A calendar length: months (a year is 12) and days. */
export interface Span {
  months: number;
  days: number;
}

function parseSpan(key: string, v: string | undefined): Span {
  const m = /^(\d+)([ymd])$/.exec(v ?? '');
  if (!m || Number(m[1]) === 0) throw new Error(`--walk-forward ${key}: expected a length like 2y, 6m or 90d, got "${v ?? ''}"`);
  const n = Number(m[1]);
  return m[2] === 'y' ? { months: 12 * n, days: 0 } : m[2] === 'm' ? { months: n, days: 0 } : { months: 0, days: n };
}

export function parseWalkForward(spec: string): WalkForwardSpec {
  const parts = new Map<string, string | undefined>();
  for (const p of spec.split(',').map((s) => s.trim()).filter(Boolean)) {
    const eq = p.indexOf('=');
    parts.set(eq < 0 ? p : p.slice(0, eq), eq < 0 ? undefined : p.slice(eq + 1));
  }
  for (const k of parts.keys()) if (!['train', 'test', 'anchored', 'warmup'].includes(k)) throw new Error(`--walk-forward: unknown part "${k}"; expected train=, test=, anchored, warmup=`);
  const warm = parts.get('warmup');
  const warmUpBars = warm === undefined ? 250 : Number(warm);
  if (!Number.isInteger(warmUpBars) || warmUpBars < 0) throw new Error(`--walk-forward warmup: expected a whole number of bars, got "${warm ?? ''}"`);
  return { train: parseSpan('train', parts.get('train')), test: parseSpan('test', parts.get('test')), anchored: parts.has('anchored'), warmUpBars };
}

/** `t` moved by `k` spans on the UTC calendar (month ends clamp: Jan 31 + 1m = Feb 28/29). */
export function addSpan(t: number, span: Span, k = 1): number {
  const d = new Date(t);
  const months = d.getUTCMonth() + span.months * k;
  const y = d.getUTCFullYear() + Math.floor(months / 12);
  const m = ((months % 12) + 12) % 12;
  const lastDay = new Date(Date.UTC(y, m + 1, 0)).getUTCDate();
  return Date.UTC(y, m, Math.min(d.getUTCDate(), lastDay), d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds(), d.getUTCMilliseconds()) + span.days * k * 86_400_000;
}

/** One walk-forward step: optimise on [trainStart, trainEnd), trade the choice on [testStart, testEnd). */
export interface WalkForwardWindow {
  trainStart: number;
  trainEnd: number;
  testStart: number;
  testEnd: number;
}

/**
 * The windows over data from `first` to `last` (bar times): test windows follow each other without
 * gap or overlap from `first + train`; each training window ends where its test window starts and
 * starts `train` before (rolling) or at `first` (anchored). The last test window may end after the data.
 */
export function walkForwardWindows(first: number, last: number, spec: WalkForwardSpec): WalkForwardWindow[] {
  const out: WalkForwardWindow[] = [];
  for (let k = 0; ; k++) {
    const trainEnd = addSpan(addSpan(first, spec.train), spec.test, k);
    if (trainEnd > last) break;
    out.push({ trainStart: spec.anchored ? first : addSpan(first, spec.test, k), trainEnd, testStart: trainEnd, testEnd: addSpan(trainEnd, spec.test) });
  }
  if (out.length === 0) throw new Error('--walk-forward: the data is shorter than one training window');
  return out;
}

export interface WalkForwardStep {
  window: WalkForwardWindow;
  /** The best combination on the training window (rankSweep's first). */
  params: Record<string, string | number | boolean>;
  inSample: Metrics;
  outOfSample: Metrics;
  /** The test window's equity, scaled to start where the previous segment ended. */
  equity: Array<{ time: number; equity: number; gross: number }>;
}

export interface WalkForwardResult {
  steps: WalkForwardStep[];
  /** The out-of-sample segments end to end, one curve. */
  equity: Array<{ time: number; equity: number; gross: number }>;
  metrics: Metrics;
}

/** Bars of [from - warm-up, to): the window and up to `warmUpBars` bar times before it. */
function windowBars(bars: readonly MarketBar[], times: readonly number[], from: number, to: number, warmUpBars: number): MarketBar[] {
  let i = 0;
  while (i < times.length && times[i]! < from) i++;
  const start = times[Math.max(0, i - warmUpBars)] ?? from;
  return bars.filter((b) => b.time >= start && b.time < to);
}

/**
 * Walk-forward optimisation: per window, runs the sweep on the training window (bars before it
 * warm the strategy up), takes the best combination, and backtests it on the test window (warmed up
 * the same way, starting flat with the job's cash). The test segments are stitched into one curve,
 * each scaled to start at the previous one's end (returns compound).
 */
export async function runWalkForward(o: {
  def: StrategyDefinition;
  job: SweepJob;
  combos: Array<Record<string, string | number | boolean>>;
  spec: WalkForwardSpec;
  workers?: number;
  onWindow?: (done: number, total: number) => void;
}): Promise<WalkForwardResult> {
  const bars = o.job.bars;
  const times = [...new Set(bars.map((b) => b.time))].sort((a, b) => a - b);
  const windows = walkForwardWindows(times[0]!, times[times.length - 1]!, o.spec);
  const steps: WalkForwardStep[] = [];
  const stitched = new CurveStats();
  const stitchedPoints: WalkForwardResult['equity'] = [];
  const trades: TradeStats = { count: 0, wins: 0, grossWin: 0, grossLoss: 0 };
  let notional = 0;
  let level = o.job.cash;
  for (const [k, w] of windows.entries()) {
    const train = windowBars(bars, times, w.trainStart, w.trainEnd, o.spec.warmUpBars);
    const ranked = rankSweep((await runSweep({ ...o.job, bars: train, tradeFrom: w.trainStart }, o.combos, o.workers)).map((r, index) => ({ ...r, index })));
    const best = ranked[0];
    if (!best) throw new Error(`--walk-forward: no combination ran on the training window ending ${new Date(w.trainEnd).toISOString().slice(0, 10)}`);
    const test = await runBacktest({
      def: o.def, rawParams: best.params, symbols: o.job.symbols, bars: windowBars(bars, times, w.testStart, w.testEnd, o.spec.warmUpBars), tradeFrom: w.testStart,
      cash: o.job.cash, fees: o.job.fees, slippageBps: o.job.slippageBps, participation: o.job.participation, risk: o.job.risk,
      corporateActions: o.job.corporateActions, withholdingTax: o.job.withholdingTax,
    });
    const scale = level / o.job.cash;
    const equity = test.equity.filter((p) => p.time >= w.testStart && p.time < w.testEnd).map((p) => ({ time: p.time, equity: p.equity * scale, gross: p.gross * scale }));
    for (const p of equity) {
      stitched.add(p.time, p.equity, p.gross);
      stitchedPoints.push(p);
    }
    for (const t of test.trades) {
      trades.count++;
      if (t.pnl > 0) {
        trades.wins++;
        trades.grossWin += t.pnl * scale;
      } else if (t.pnl < 0) trades.grossLoss -= t.pnl * scale;
    }
    notional += test.fills.reduce((n, f) => n + f.price * f.quantity, 0) * scale;
    if (equity.length > 0) level = equity[equity.length - 1]!.equity;
    steps.push({ window: w, params: best.params, inSample: best.metrics!, outOfSample: test.metrics, equity });
    o.onWindow?.(k + 1, windows.length);
  }
  return { steps, equity: stitchedPoints, metrics: stitched.metrics(trades, notional) };
}
