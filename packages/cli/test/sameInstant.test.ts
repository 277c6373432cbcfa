import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Bar } from '@pounce/core';
import { BacktestVenue } from '@pounce/backtest';
import { perShareFees } from '@pounce/matching';
import { defineStrategy, TradingEngine, type RiskLimits, type StrategyContext, type StrategyDefinition, type Venue } from '@pounce/runtime';
import { startEmbeddedVenue } from '../src/venue/embeddedVenue.ts';

const DAY = 86_400_000;
// A Monday: five bars are five sessions (Monday to Friday), so both venues see every one of them.
const T0 = Date.UTC(2024, 0, 8, 14, 30);
const flat = (symbols: string[], n: number): Bar[] =>
  Array.from({ length: n }, (_, i) => symbols.map((symbol) => ({ symbol, time: T0 + i * DAY, open: 100, high: 100, low: 100, close: 100, volume: 1_000_000 }))).flat();

interface Seen {
  cash: number[];
  statuses: string[];
  halted: string | undefined;
  openAtVenue: number;
}

/** Runs `def` on a backtest venue and on the embedded gateway (lockstep, zero fees); what each saw. */
async function onBoth(setup: (ctx: StrategyContext, seen: Seen) => void, symbols: string[], bars: Bar[], risk: RiskLimits = {}): Promise<{ backtest: Seen; paper: Seen }> {
  const dir = mkdtempSync(join(tmpdir(), 'pounce-instant-'));
  const run = async (venue: Venue, drive: () => Promise<void>, open: () => number): Promise<Seen> => {
    const seen: Seen = { cash: [], statuses: [], halted: undefined, openAtVenue: 0 };
    const def: StrategyDefinition = defineStrategy({ name: 'probe', params: {}, symbols, setup: (ctx) => setup(ctx as StrategyContext, seen) });
    const engine = await TradingEngine.start({ def, venue, runDir: join(dir, venue.kind), journal: 'none', risk, fees: perShareFees(0) });
    engine.execution.orders$.subscribe((o) => seen.statuses.push(o.status));
    await drive();
    seen.openAtVenue = open();
    seen.halted = (await engine.stop()).halted;
    return seen;
  };
  try {
    const bv = new BacktestVenue(bars, { fees: perShareFees(0), initialCash: 100_000 });
    const backtest = await run(bv, () => bv.run(), () => bv.engine.openOrders(bv.account).length);
    const { venue, gateway, replay } = await startEmbeddedVenue({ bars, symbols, stateDir: join(dir, 'gw'), speed: 'max', matching: { fees: perShareFees(0), initialCash: 100_000 } });
    const paper = await run(venue, () => replay.start(), () => gateway.engine.openOrders(gateway.account).length);
    return { backtest, paper };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('backtest and embedded paper agree on what one instant does', () => {
  it('two fills on one bar: cash inside fills$ moves once per fill, and no false daily-loss halt', async () => {
    // Before: the asset figure stamped T already held both fills and the second fill (also T) was
    // added on top: cash 70,000 and "daily loss limit 5000 reached" with nothing lost.
    const r = await onBoth((ctx, seen) => {
      let n = 0;
      ctx.bars$().subscribe(() => {
        if (++n !== 1) return;
        void ctx.submit({ symbol: 'XYZ', side: 'BUY', quantity: 100 });
        void ctx.submit({ symbol: 'XYZ', side: 'BUY', quantity: 100 });
      });
      ctx.fills$.subscribe(() => seen.cash.push(ctx.cash));
    }, ['XYZ'], flat(['XYZ'], 4), { dailyLossLimit: 5000 });
    for (const s of [r.backtest, r.paper]) {
      expect(s.cash).toEqual([90_000, 80_000]);
      expect(s.halted).toBeUndefined();
    }
  }, 60_000);

  it('one fill on each of two symbols at one instant: the same cash on both venues', async () => {
    const r = await onBoth((ctx, seen) => {
      let n = 0;
      ctx.bars$().subscribe(() => {
        if (++n !== 2) return;
        void ctx.submit({ symbol: 'AAA', side: 'BUY', quantity: 100 });
        void ctx.submit({ symbol: 'ZZZ', side: 'BUY', quantity: 100 });
      });
      ctx.fills$.subscribe(() => seen.cash.push(ctx.cash));
    }, ['AAA', 'ZZZ'], flat(['AAA', 'ZZZ'], 3));
    expect(r.backtest.cash).toEqual([90_000, 80_000]);
    expect(r.paper.cash).toEqual(r.backtest.cash);
  }, 60_000);

  it('a DAY order sent on the last bar expires with the last session on both venues', async () => {
    // Before: the gateway expired DAY orders in the same step as the last bar, before the client
    // had seen it, so an order sent in reaction to it stayed open for ever.
    const bars = flat(['XYZ'], 5);
    const last = bars[bars.length - 1]!.time;
    const r = await onBoth((ctx) => {
      ctx.bars$().subscribe((b) => {
        if (b.time === last) void ctx.submit({ symbol: 'XYZ', side: 'BUY', quantity: 1, type: 'limit', limitPrice: 1 });
      });
    }, ['XYZ'], bars);
    expect(r.backtest.statuses).toEqual(['Initial', 'Submitted', 'Cancelled']);
    expect(r.paper.statuses).toEqual(r.backtest.statuses);
    expect(r.paper.openAtVenue).toBe(0);
    expect(r.backtest.openAtVenue).toBe(0);
  }, 60_000);
});
