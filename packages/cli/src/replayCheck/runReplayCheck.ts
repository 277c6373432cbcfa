import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadData, runBacktest } from '@pounce/backtest';
import { syntheticBars } from '@pounce/gateway';
import type { MarketBar } from '@pounce/matching';
import { MarketJournal, OrderJournal, type JournalEntry, type StrategyDefinition } from '@pounce/runtime';
import { compareRuns, readJournal, SliceTimes, type Difference, type DifferenceCause } from './compareRuns.ts';

export interface ReplayCheckOptions {
  /** The run folder (journal.jsonl, market.csv). */
  runDir: string;
  /** Finds the run's strategy by the name its journal recorded. */
  loadStrategy: (name: string) => Promise<StrategyDefinition>;
}

export interface ReplayCheckReport {
  run: string;
  strategy: string;
  params: Record<string, unknown>;
  symbols: string[];
  /** Where the replay's bars came from: the venue's data files, its synthetic market, or market.csv. */
  market: { source: string; bars: number; seenByStrategy: number; missed: number; late: number };
  fillModel: { cash: number; fees: string; participation: number; slippageBps: number };
  decisions: { run: number; backtest: number; matched: number };
  fills: { run: number; backtest: number };
  causes: Partial<Record<DifferenceCause, number>>;
  differences: Difference[];
}

type RunEntry = Extract<JournalEntry, { e: 'run' }>;

/** The bars the venue replayed (its data, up to the last bar the run saw), else what the run saw. */
function referenceBars(run: RunEntry, seen: readonly MarketBar[]): { bars: MarketBar[]; source: string } {
  const last = seen.reduce((m, b) => Math.max(m, b.time), -Infinity);
  const upToLast = (bars: readonly MarketBar[]) => bars.filter((b) => b.time <= last && run.symbols.includes(b.symbol));
  const m = run.model;
  if (m?.data && m.data.length > 0 && m.data.every((spec) => existsSync(spec.slice(spec.indexOf('=') + 1)))) {
    return { bars: upToLast(loadData(m.data).bars), source: `the venue's data (${m.data.join(', ')})` };
  }
  if (m?.synthetic) return { bars: upToLast(syntheticBars(m.synthetic)), source: `the venue's synthetic market (seed ${m.synthetic.seed})` };
  const unique = new Map<string, MarketBar>();
  for (const b of seen) unique.set(`${b.time}|${b.symbol}`, { symbol: b.symbol, time: b.time, open: b.open, high: b.high, low: b.low, close: b.close, volume: b.volume });
  return { bars: [...unique.values()].sort((a, b) => a.time - b.time), source: 'the bars the run saw (market.csv); missed bars cannot be told apart' };
}

/**
 * Replays a run's market through the backtester with the run's strategy, parameters, symbols,
 * risk limits and fill model (all from the journal's `run` line), and lines the backtest's
 * decisions and fills up with the run's, explaining each difference (see compareRuns).
 *
 * @example
 * ```ts
 * const r = await runReplayCheck({ runDir: '.pounce/runs/x', loadStrategy: async (n) => (await loadStrategy(n, STRATEGIES_DIR)).def });
 * console.log(r.differences.length === 0 ? 'run = backtest' : r.causes);
 * ```
 */
export async function runReplayCheck(o: ReplayCheckOptions): Promise<ReplayCheckReport> {
  if (!existsSync(join(o.runDir, 'journal.jsonl'))) throw new Error(`replay-check: ${o.runDir} has no journal.jsonl; pass a run folder (e.g. .pounce/runs/<run>)`);
  const entries = OrderJournal.read(o.runDir);
  const run = entries.find((e): e is RunEntry => e.e === 'run');
  if (!run) throw new Error(`replay-check: the journal in ${o.runDir} has no run line`);
  const market = MarketJournal.read(o.runDir);
  if (market.bars.length === 0) throw new Error(`replay-check: ${o.runDir} has no market.csv bars (run with the market journal on: without --no-market-journal)`);
  const def = await o.loadStrategy(run.strategy);
  const { bars, source } = referenceBars(run, market.bars);
  const slices = new SliceTimes(bars);
  const startEquity = join(o.runDir, 'start-equity');
  const cash = run.model?.cash ?? (existsSync(startEquity) ? Number(readFileSync(startEquity, 'utf8')) : 100_000);
  const fillModel = { cash, fees: run.model?.fees ?? 'tradeup', participation: run.model?.participation ?? 0.1, slippageBps: run.model?.slippageBps ?? 0 };
  const dir = mkdtempSync(join(tmpdir(), 'pounce-replay-check-'));
  try {
    const rawParams = Object.fromEntries(Object.entries(run.params).filter((kv): kv is [string, string | number | boolean] => ['string', 'number', 'boolean'].includes(typeof kv[1])));
    const bt = await runBacktest({ def, rawParams, symbols: run.symbols, bars, ...fillModel, risk: run.risk, journalDir: join(dir, 'backtest') });
    const runView = readJournal(entries, slices);
    const btView = readJournal(OrderJournal.read(join(dir, 'backtest')), slices);
    const c = compareRuns({ run: runView, backtest: btView, reference: bars, seen: market.bars, slices });
    const causes: ReplayCheckReport['causes'] = {};
    for (const d of c.differences) causes[d.cause] = (causes[d.cause] ?? 0) + 1;
    return {
      run: o.runDir, strategy: run.strategy, params: run.params, symbols: run.symbols,
      market: { source, bars: bars.length, seenByStrategy: new Set(market.bars.map((b) => `${b.time}|${b.symbol}`)).size, missed: c.missedBars, late: c.lateBars },
      fillModel, decisions: { run: runView.decisions.length, backtest: btView.decisions.length, matched: c.matched },
      fills: { run: entries.filter((e) => e.e === 'fill').length, backtest: bt.fills.length }, causes, differences: c.differences,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
