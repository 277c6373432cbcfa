import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Fill } from '@pounce/core';
import { perShareFees, tieredFees, type FeeModel, type MarketBar } from '@pounce/matching';
import { TradingEngine, type RiskLimits, type StrategyDefinition } from '@pounce/runtime';
import { BacktestVenue, type EquityPoint } from './BacktestVenue.ts';
import type { Metrics } from './metrics.ts';
import { RoundTripBook, type Trade } from './roundTrips.ts';

export type FeeChoice = 'tradeup' | 'zero' | `per-share:${number}`;

/** `tradeup` (the default schedule), `zero`, or `per-share:0.005`. */
export function feeModel(choice: string): FeeModel {
  if (choice === 'tradeup') return tieredFees();
  if (choice === 'zero') return perShareFees(0);
  const m = /^per-share:(\d+(?:\.\d+)?)$/.exec(choice);
  if (m) return perShareFees(Number(m[1]));
  throw new Error(`--fees: expected tradeup, zero or per-share:<amount>, got "${choice}"`);
}

export interface BacktestOptions {
  def: StrategyDefinition;
  rawParams?: Record<string, string | number | boolean>;
  symbols?: readonly string[];
  /** Bars of every symbol, or streamed time slices (see BacktestVenue). */
  bars: readonly MarketBar[] | { slices: Iterable<MarketBar[]>; steps?: number };
  /**
   * Keep every equity point, trade and fill in the result (default true; a report needs them). Off,
   * memory stays flat however long the run: metrics come from running sums, identical either way.
   */
  keepDetail?: boolean;
  cash?: number;
  fees?: string;
  slippageBps?: number;
  /** Share of bar volume an order may take per bar (default 0.1, as on the gateway). */
  participation?: number;
  risk?: RiskLimits;
  /**
   * Journal the run into this folder (journal.jsonl with venue times: intents, orders, fills), as
   * a paper run does; kept after the run. Default: no journal, the report is the record.
   */
  journalDir?: string;
  onProgress?: (done: number, total: number) => void;
}

export interface BacktestResult {
  strategy: string;
  params: Record<string, unknown>;
  symbols: string[];
  config: { cash: number; fees: string; slippageBps: number; participation: number };
  startEquity: number;
  endEquity: number;
  metrics: Metrics;
  trades: Trade[];
  fills: Fill[];
  /** Fills in the run (also when `keepDetail` is off and `fills` and `equity` are empty). */
  fillCount: number;
  equity: EquityPoint[];
}

/**
 * Replays bars through the runtime's TradingEngine and the gateway's MatchingEngine, unchanged:
 * the strategy runs exactly as it does on paper. An order sent on bar t fills from bar t+1 (at its
 * open for market orders).
 *
 * @example
 * ```ts
 * const r = await runBacktest({ def: smaCross, bars: loadData(['NVDA=nvda.csv']).bars });
 * console.log(r.metrics.sharpe, r.trades.length);
 * ```
 */
export async function runBacktest(o: BacktestOptions): Promise<BacktestResult> {
  const cash = o.cash ?? 100_000;
  const fees = o.fees ?? 'tradeup';
  const slippageBps = o.slippageBps ?? 0;
  const participation = o.participation ?? 0.1;
  const keep = o.keepDetail ?? true;
  const venue = new BacktestVenue(o.bars, { fees: feeModel(fees), initialCash: cash, slippageBps, participation, allowShort: true, retainClosed: keep }, { keepEquity: keep });
  const runDir = o.journalDir ?? mkdtempSync(join(tmpdir(), 'pounce-bt-'));
  try {
    const fills: Fill[] = [];
    const trades: Trade[] = [];
    const book = new RoundTripBook(keep ? (t) => trades.push(t) : undefined);
    let notional = 0;
    const engine = await TradingEngine.start({ def: o.def, rawParams: o.rawParams, symbols: o.symbols, venue, runDir, journal: o.journalDir ? 'file' : 'none', marketJournal: false, risk: o.risk });
    const sub = engine.execution.fills$.subscribe((f) => {
      if (keep) fills.push(f);
      book.add(f);
      notional += f.price * f.quantity;
    });
    await venue.run(o.onProgress);
    await engine.stop();
    sub.unsubscribe();
    return {
      strategy: o.def.name, params: engine.params, symbols: [...engine.symbols], config: { cash, fees, slippageBps, participation },
      startEquity: cash, endEquity: venue.finalEquity ?? cash, metrics: venue.curve.metrics(book.stats, notional), trades, fills,
      equity: venue.equity, fillCount: engine.status().fills,
    };
  } finally {
    if (!o.journalDir) rmSync(runDir, { recursive: true, force: true });
  }
}
