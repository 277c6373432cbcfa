import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_STARTING_CASH, perShareFees, tieredFees, type AccountKind, type CorporateAction, type FeeModel, type MarketBar } from '@pounce/matching';
import { TradingEngine, type RiskLimits, type StrategyDefinition } from '@pounce/runtime';
import { BacktestVenue, type EquityPoint } from './BacktestVenue.ts';
import { BuyAndHold, type BenchmarkSummary } from './benchmark.ts';
import { FillAudit, type BacktestFill } from './fillAudit.ts';
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

/** The fixed run nonce of a backtest's client order ids (pc1.backtest00.main.1, ...): same inputs, same ids. */
export const BACKTEST_ID_NONCE = 'backtest00';

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
  /** Keep every fill in the result (default: as keepDetail). A long run passes `onFill` instead. */
  keepFills?: boolean;
  /** Called with each fill as it happens (with its fee and client order id), e.g. to spool it to disk. */
  onFill?: (f: BacktestFill) => void;
  /** Called with each equity point as it is made (also when keepDetail is off), e.g. to spool it to disk. */
  onEquity?: (p: EquityPoint) => void;
  /** Called with each round trip as it closes (also when keepDetail is off), e.g. to spool it to disk. */
  onTrade?: (t: Trade) => void;
  cash?: number;
  fees?: string;
  slippageBps?: number;
  /** Share of bar volume an order may take per bar (default 0.1, as on the gateway). */
  participation?: number;
  /**
   * Splits and dividends (see parseCorporateActions) for bars of raw, unadjusted prices: applied
   * to positions, cash and working orders at the session open of each ex-date, as on the gateway.
   */
  corporateActions?: readonly CorporateAction[];
  /** Share of dividends withheld from longs (0..1, default 0). */
  withholdingTax?: number;
  /** Bars before this time (epoch ms) only warm the strategy up: no trading, not on the curve (see BacktestVenue). */
  tradeFrom?: number;
  /** Pre-trade risk limits, checked by the same RiskEngine as on paper (see the strategy command's flags). */
  risk?: RiskLimits;
  /** The strategy's timeframe instead of its declared one, or `venue` for the data's own bars (see RunOptions.timeframe). */
  timeframe?: string;
  /** The account the backtest predicts, whose venue rules apply (default 'paper'). */
  accountKind?: AccountKind;
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
  config: { cash: number; fees: string; slippageBps: number; participation: number; risk: RiskLimits; corporateActions?: number; withholdingTax?: number };
  startEquity: number;
  endEquity: number;
  metrics: Metrics;
  trades: Trade[];
  /** Every fill in time order, with its fee and client order id (empty when not kept). */
  fills: BacktestFill[];
  /** Fills in the run (also when `keepDetail` is off and `fills` and `equity` are empty). */
  fillCount: number;
  /** Orders refused by the risk checks or by the venue, and why. */
  rejected: RejectionSummary;
  equity: EquityPoint[];
  /** Buy-and-hold of the run's symbols with the same cash (each equity point has its value too). */
  benchmark: BenchmarkSummary;
  /** With corporate actions: dividends received net of withholding less those paid on shorts, and the tax withheld. */
  dividends?: { net: number; withholdingTax: number };
}

/** Refused orders: how many, and how many per reason (the first 100 distinct reasons). */
export interface RejectionSummary {
  count: number;
  reasons: Array<{ reason: string; count: number }>;
}

const MAX_REASONS = 100;

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
  const cash = o.cash ?? DEFAULT_STARTING_CASH;
  const fees = o.fees ?? 'tradeup';
  const slippageBps = o.slippageBps ?? 0;
  const participation = o.participation ?? 0.1;
  const keep = o.keepDetail ?? true;
  const keepFills = o.keepFills ?? keep;
  const risk = { ...o.risk };
  const benchmark = new BuyAndHold(cash, o.symbols && o.symbols.length > 0 ? o.symbols : o.def.symbols);
  const venue = new BacktestVenue(o.bars, { fees: feeModel(fees), initialCash: cash, slippageBps, participation, allowShort: true, retainClosed: keep, corporateActions: o.corporateActions, withholdingTax: o.withholdingTax }, { keepEquity: keep, onEquity: o.onEquity, accountKind: o.accountKind, benchmark, tradeFrom: o.tradeFrom });
  const tmp = o.journalDir ? undefined : mkdtempSync(join(tmpdir(), 'pounce-bt-'));
  const runDir = o.journalDir ?? join(tmp!, 'backtest');
  try {
    const fills: BacktestFill[] = [];
    const trades: Trade[] = [];
    const onTrade = o.onTrade;
    const book = new RoundTripBook(keep || onTrade ? (t) => {
      if (keep) trades.push(t);
      onTrade?.(t);
    } : undefined);
    let notional = 0;
    const rejected: RejectionSummary = { count: 0, reasons: [] };
    // Round trips from the audited fills: each carries its fee, so trade P&L is after fees.
    const audit = new FillAudit((f) => {
      if (keepFills) fills.push(f);
      // The fee passed beside the fill: a copy of every fill with its commission replaced cost more than the book.
      book.add(f, f.fee);
      o.onFill?.(f);
    });
    const engine = await TradingEngine.start({ def: o.def, rawParams: o.rawParams, symbols: o.symbols, venue, runDir, journal: o.journalDir ? 'file' : 'none', marketJournal: false, risk, idNonce: BACKTEST_ID_NONCE, timeframe: o.timeframe });
    const subs = [
      engine.execution.fills$.subscribe((f) => {
        audit.fill(f);
        notional += f.price * f.quantity;
      }),
      engine.execution.orders$.subscribe((ord) => {
        audit.order(ord);
        if (ord.status === 'Inactive') countRejection(rejected, ord.id === '' ? ord.remark : `venue: ${ord.remark}`);
      }),
    ];
    await venue.run(o.onProgress);
    await engine.stop();
    for (const s of subs) s.unsubscribe();
    audit.finish();
    // The runtime contains a strategy's exception (and halts it); a backtest of a halted strategy is not a result.
    const { strategyErrors, lastStrategyError } = engine.status();
    if (strategyErrors > 0) throw new Error(`strategy error in ${lastStrategyError ?? ''} (${strategyErrors} in the run): the backtest has no valid result`);
    return {
      strategy: o.def.name, params: engine.params, symbols: [...engine.symbols], config: { cash, fees, slippageBps, participation, risk, ...(o.corporateActions?.length ? { corporateActions: o.corporateActions.length, withholdingTax: o.withholdingTax ?? 0 } : {}) },
      startEquity: cash, endEquity: venue.finalEquity ?? cash, metrics: venue.curve.metrics(book.stats, notional), trades, fills,
      // Read from the venue's rows only when asked: a run whose curve nobody reads makes no point objects.
      get equity() {
        return venue.equity;
      },
      fillCount: engine.status().fills, rejected, benchmark: benchmark.summary(),
      ...(o.corporateActions?.length ? { dividends: dividendTotals(venue) } : {}),
    };
  } finally {
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  }
}

function dividendTotals(venue: BacktestVenue): { net: number; withholdingTax: number } {
  const s = venue.engine.summary(venue.account);
  return { net: s.dividends, withholdingTax: s.withholdingTax };
}

function countRejection(r: RejectionSummary, reason: string): void {
  r.count++;
  const known = r.reasons.find((x) => x.reason === reason);
  if (known) known.count++;
  else if (r.reasons.length < MAX_REASONS) r.reasons.push({ reason, count: 1 });
}
