import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, OpenApiClient, PushClient, type Fill } from '@pounce/core';
import { feeModel, runBacktest } from '@pounce/backtest';
import { Gateway } from '@pounce/gateway';
import type { MarketBar } from '@pounce/matching';
import { OpenApiVenue, TradingEngine, type RiskLimits, type StrategyDefinition } from '@pounce/runtime';

export interface ParityOptions {
  def: StrategyDefinition;
  rawParams?: Record<string, string | number | boolean>;
  symbols?: readonly string[];
  bars: readonly MarketBar[];
  cash?: number;
  fees?: string;
  participation?: number;
  slippageBps?: number;
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
 * gateway (signed HTTP + TLS push, paper venue), and compares the fills. The gateway replays as
 * fast as the strategy keeps up: each step is taken once the previous step's bar has reached the
 * strategy and every order call it caused has been answered.
 */
export async function runParity(o: ParityOptions): Promise<ParityResult> {
  const cash = o.cash ?? 100_000;
  const fees = o.fees ?? 'tradeup';
  const participation = o.participation ?? 0.1;
  const slippageBps = o.slippageBps ?? 0;
  const bt = await runBacktest({ def: o.def, rawParams: o.rawParams, symbols: o.symbols, bars: o.bars, cash, fees, participation, slippageBps, risk: o.risk });

  const dir = mkdtempSync(join(tmpdir(), 'pounce-parity-'));
  const gw = await Gateway.start({ stateDir: join(dir, 'gateway'), bars: o.bars, speed: 'manual', matching: { fees: feeModel(fees), initialCash: cash, participation, slippageBps, allowShort: true } });
  try {
    const cfg = loadConfig({ path: gw.clientConfigPath, env: {} });
    const api = OpenApiClient.fromConfig(cfg, { rateLimit: false });
    const push = new PushClient({ tigerId: cfg.tigerId, privateKey: cfg.privateKey, host: cfg.push.host, port: cfg.push.port, caPem: cfg.push.caPem });
    const venue = new OpenApiVenue('embedded-paper', api, push, o.symbols ?? o.def.symbols, () => gw.replay.now());
    const paperFills: Fill[] = [];
    const engine = await TradingEngine.start({ def: o.def, rawParams: o.rawParams, symbols: o.symbols, venue, runDir: join(dir, 'run'), journal: 'none', risk: o.risk });
    engine.execution.fills$.subscribe((f) => paperFills.push(f));
    let seen = 0;
    venue.bars$(engine.symbols).subscribe(() => seen++);
    await new Promise((r) => setTimeout(r, 50)); // let the SUBSCRIBEs land
    let expected = 0;
    const total = gw.replay.length;
    for (let i = 0; i < total; i++) {
      expected += stepBars(gw, engine.symbols);
      const deadline = Date.now() + 10_000;
      while (seen < expected || engine.execution.inFlight > 0) {
        if (Date.now() > deadline) throw new Error(`parity: the strategy did not settle at step ${i + 1}`);
        await new Promise((r) => setImmediate(r));
      }
      await new Promise((r) => setImmediate(r));
      if (o.onProgress && i % 500 === 0) o.onProgress(i, total);
    }
    await engine.stop();
    const paper = paperFills.map(comparable).sort((a, b) => a.time - b.time);
    const backtest = bt.fills.map(comparable);
    return { backtest, paper, differences: diffFills(backtest, paper) };
  } finally {
    await gw.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Advances the gateway one step; returns how many bars of `symbols` it published. */
function stepBars(gw: Gateway, symbols: readonly string[]): number {
  if (gw.advance(1) === 0) return 0;
  const t = gw.replay.now();
  return symbols.filter((s) => gw.replay.latest(s)?.time === t).length;
}
