import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Gateway } from '@pounce/gateway';
import { syntheticBars } from '@pounce/gateway';
import { perShareFees, type MarketBar } from '@pounce/matching';
import { defineStrategy, OpenApiVenue, TradingEngine, type RiskLimits } from '@pounce/runtime';
import { clientsFor, startTestGateway } from '../../gateway/test/testGateway.ts';
import { runBacktest } from '../src/index.ts';

const RISK: RiskLimits = { maxOrderQuantity: 50, maxPositionPerSymbol: 100, allowedSymbols: ['AAA'] };
const QUANTITIES = [30, 80, 40, 30, 45, 20];

/**
 * Sends an order on every bar and records what became of it (one list per run): AAA buys of the
 * quantities above with a sell every seventh bar, BBB a buy every tenth bar.
 */
function recorder() {
  const runs: string[][] = [];
  const def = defineStrategy({
    name: 'risk-probe', params: {}, symbols: ['AAA', 'BBB'],
    setup(ctx) {
      const log: string[] = [];
      runs.push(log);
      const seen = new Map<string, number>();
      ctx.bars$().subscribe((bar) => {
        const i = seen.get(bar.symbol) ?? 0;
        seen.set(bar.symbol, i + 1);
        const held = ctx.position(bar.symbol).quantity;
        let order: { side: 'BUY' | 'SELL'; quantity: number } | undefined;
        if (bar.symbol === 'AAA') order = i % 7 === 6 && held > 0 ? { side: 'SELL', quantity: Math.min(held, 50) } : { side: 'BUY', quantity: QUANTITIES[i % QUANTITIES.length]! };
        else if (i % 10 === 0) order = { side: 'BUY', quantity: 10 };
        if (!order) return;
        const o = order;
        void ctx.submit({ symbol: bar.symbol, ...o }).then((r) => log.push(`${bar.time} ${bar.symbol} ${o.side} ${o.quantity} held ${held}: ${r.rejected ?? 'sent'}`));
      });
    },
  });
  return { def, runs };
}

const settle = () => new Promise<void>((r) => setImmediate(r));

/** Waits (without sleeping) until `cond` holds, failing after `ms`. */
async function settleUntil(cond: () => boolean, what: string, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await settle();
  }
}

let gw: Gateway | undefined;
const dirs: string[] = [];
afterEach(async () => {
  await gw?.stop();
  gw = undefined;
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/**
 * The paper path: TradingEngine on an OpenApiVenue over the local gateway, stepped one bar at a
 * time once the previous step's bars reached the strategy and its orders were answered.
 */
async function runPaper(def: ReturnType<typeof recorder>['def'], bars: MarketBar[]): Promise<void> {
  const stateDir = mkdtempSync(join(tmpdir(), 'pounce-risk-gw-'));
  const runDir = mkdtempSync(join(tmpdir(), 'pounce-risk-run-'));
  dirs.push(stateDir, runDir);
  gw = await startTestGateway({ stateDir, bars, matching: { fees: perShareFees(0.01), participation: 1, initialCash: 100_000, allowShort: true } });
  const c = clientsFor(gw);
  const venue = new OpenApiVenue('embedded-paper', c.api, c.push, ['AAA', 'BBB'], () => gw!.replay.now());
  const engine = await TradingEngine.start({ def, venue, runDir, journal: 'none', risk: RISK });
  // Every SUBSCRIBE (orders, fills, klines) acknowledged before the first step: no push is missed.
  // The client keeps its unacknowledged requests private; a test may look.
  const unacked = () => (c.push as unknown as { pending: Map<number, unknown> }).pending.size;
  await settleUntil(() => unacked() === 0, 'the push subscriptions to be acknowledged');
  const seen: MarketBar[] = [];
  const sub = venue.bars$(['AAA', 'BBB']).subscribe((b) => seen.push({ ...b }));
  const g = gw;
  while (g.advance(1) > 0) {
    const expected = bars.filter((b) => b.time <= g.replay.now()).length;
    await settleUntil(() => seen.length === expected && engine.execution.inFlight === 0, `step at ${g.replay.now()}`);
    await settle();
  }
  sub.unsubscribe();
  await engine.stop();
}

describe('risk limits in a backtest', () => {
  it('refuse exactly the orders the paper path refuses, and the result reports them', async () => {
    const bars = syntheticBars({ symbols: ['AAA', 'BBB'], bars: 80, seed: 7 }) as MarketBar[];
    const { def, runs } = recorder();
    await runPaper(def, bars);
    const bt = await runBacktest({ def, bars, fees: 'per-share:0.01', participation: 1, cash: 100_000, risk: RISK });
    const [paper, backtest] = runs.map((log) => [...log].sort());
    expect(paper!.length).toBeGreaterThan(60);
    expect(backtest).toEqual(paper);

    const refused = backtest!.filter((l) => !l.endsWith(': sent'));
    // Each limit refuses something, and some orders pass.
    expect(refused.some((l) => l.includes('risk: order quantity 80 exceeds max 50'))).toBe(true);
    expect(refused.some((l) => /risk: position in AAA could reach \d+ .*beyond max 100/.test(l))).toBe(true);
    expect(refused.some((l) => l.includes('risk: symbol BBB is not in the allow-list (AAA)'))).toBe(true);
    expect(backtest!.length - refused.length).toBeGreaterThan(10);
    expect(bt.fillCount).toBeGreaterThan(10);

    expect(bt.config.risk).toEqual(RISK);
    expect(bt.rejected.count).toBe(refused.length);
    const tally = new Map<string, number>();
    for (const l of refused) tally.set(l.slice(l.indexOf(': ') + 2), (tally.get(l.slice(l.indexOf(': ') + 2)) ?? 0) + 1);
    expect(new Map(bt.rejected.reasons.map((r) => [r.reason, r.count]))).toEqual(tally);
  }, 60_000);

  it('counts orders the venue refuses too, their reason starting with venue:', async () => {
    const bars = syntheticBars({ symbols: ['AAA'], bars: 60, seed: 3 }) as MarketBar[];
    // 2,000 shares at about 100 need twice the cash.
    const def = defineStrategy({
      name: 'too-big', params: {}, symbols: ['AAA'],
      setup(ctx) {
        let sent = false;
        ctx.bars$().subscribe(() => {
          if (!sent) void ctx.submit({ symbol: 'AAA', side: 'BUY', quantity: 2_000 });
          sent = true;
        });
      },
    });
    const r = await runBacktest({ def, bars, cash: 100_000 });
    expect(r.rejected.count).toBe(1);
    expect(r.rejected.reasons).toEqual([{ reason: expect.stringMatching(/^venue: insufficient buying power/), count: 1 }]);
  });
});
