import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Fill } from '@pounce/core';
import { feeModel, runBacktest } from '@pounce/backtest';
import { DEFAULT_STARTING_CASH, type MarketBar } from '@pounce/matching';
import { TradingEngine, type RiskLimits, type StrategyDefinition } from '@pounce/runtime';
import { startEmbeddedVenue } from '../venue/embeddedVenue.ts';

export interface ParityOptions {
  def: StrategyDefinition;
  rawParams?: Record<string, string | number | boolean>;
  symbols?: readonly string[];
  bars: readonly MarketBar[];
  cash?: number;
  fees?: string;
  participation?: number;
  slippageBps?: number;
  /** Replay steps per second on the paper side (default `max`): the fills must not depend on it. */
  speed?: number | 'max';
  /** Pre-trade risk limits, applied to both sides. */
  risk?: RiskLimits;
  onProgress?: (done: number, total: number) => void;
}

/** A fill as both sides must agree on it (ids and accounts differ by venue). */
export interface ComparableFill {
  symbol: string;
  action: string;
  quantity: number;
  price: number;
  time: number;
}

export interface ParityResult {
  backtest: ComparableFill[];
  paper: ComparableFill[];
  differences: string[];
}

const comparable = (f: Fill): ComparableFill => ({ symbol: f.symbol, action: f.action, quantity: f.quantity, price: f.price, time: f.time });
const key = (f: ComparableFill) => `${new Date(f.time).toISOString()} ${f.symbol} ${f.action} ${f.quantity} @ ${f.price}`;

/** Lists every position where the two fill lists differ. */
export function diffFills(a: readonly ComparableFill[], b: readonly ComparableFill[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const x = a[i] ? key(a[i]!) : '(none)';
    const y = b[i] ? key(b[i]!) : '(none)';
    if (x !== y) out.push(`#${i + 1}: backtest ${x} | paper ${y}`);
  }
  return out;
}

/**
 * Runs the same strategy, parameters and bars through the backtester and through the local
 * gateway (signed HTTP + TLS push, paper venue), and compares the fills. The gateway replays in
 * lockstep with the client (LockstepReplay), as every embedded paper run does.
 */
export async function runParity(o: ParityOptions): Promise<ParityResult> {
  const cash = o.cash ?? DEFAULT_STARTING_CASH;
  const fees = o.fees ?? 'tradeup';
  const participation = o.participation ?? 0.1;
  const slippageBps = o.slippageBps ?? 0;
  const bt = await runBacktest({ def: o.def, rawParams: o.rawParams, symbols: o.symbols, bars: o.bars, cash, fees, participation, slippageBps, risk: o.risk });

  const dir = mkdtempSync(join(tmpdir(), 'pounce-parity-'));
  const symbols = o.symbols ?? o.def.symbols;
  const { venue, gateway, replay } = await startEmbeddedVenue({
    bars: o.bars, symbols, stateDir: join(dir, 'gateway'), speed: o.speed ?? 'max', matching: { fees: feeModel(fees), initialCash: cash, participation, slippageBps, allowShort: true },
  });
  try {
    const paperFills: Fill[] = [];
    const engine = await TradingEngine.start({ def: o.def, rawParams: o.rawParams, symbols: o.symbols, venue, runDir: join(dir, 'run'), journal: 'none', risk: o.risk });
    engine.execution.fills$.subscribe((f) => paperFills.push(f));
    replay.holdWhile(() => engine.execution.lookupsInProgress > 0);
    const total = gateway.replay.length;
    const progress = o.onProgress && setInterval(() => o.onProgress?.(gateway.replay.position, total), 250);
    try {
      await replay.start();
    } finally {
      clearInterval(progress);
    }
    if (replay.stalls > 0) throw new Error(`parity: the paper run fell behind the replay ${replay.stalls} time(s); its fills cannot be compared`);
    o.onProgress?.(total, total);
    await engine.stop();
    const paper = paperFills.map(comparable).sort((a, b) => a.time - b.time);
    const backtest = bt.fills.map(comparable);
    return { backtest, paper, differences: diffFills(backtest, paper) };
  } finally {
    await venue.stop().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  }
}
