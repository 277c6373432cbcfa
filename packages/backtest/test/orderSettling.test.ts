import { describe, expect, it } from 'vitest';
import type { Bar } from '@pounce/core';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineStrategy, TradingEngine } from '@pounce/runtime';
import { perShareFees, type MarketBar } from '@pounce/matching';
import { BacktestVenue, runBacktest } from '../src/index.ts';
import { IMMEDIATE_BATCH, nextImmediate } from '../src/immediateTurns.ts';

const DAY = 86_400_000;
const T0 = Date.UTC(2024, 0, 2, 14, 30);
const STEPS = 40;
const bars: MarketBar[] = Array.from({ length: STEPS }, (_, i) => ({ symbol: 'XYZ', time: T0 + i * DAY, open: 10 + (i % 3), high: 11 + (i % 3), low: 9 + (i % 3), close: 10.5 + (i % 3), volume: 1_000_000 }));

/**
 * Counts event-loop iterations until stopped. Its immediates are unref'd: a ref'd one pending would
 * be code of its own due, which nextImmediate lets run first at the cost of a whole iteration.
 */
function turnCounter(): { stop: () => number } {
  let turns = 0;
  let running = true;
  const tick = () => {
    if (!running) return;
    turns++;
    setImmediate(tick).unref();
  };
  setImmediate(tick).unref();
  return { stop: () => ((running = false), turns) };
}

/** A chain of `hops` promise continuations, each one its own microtask. */
async function hops(n: number): Promise<void> {
  for (let i = 0; i < n; i++) await Promise.resolve();
}

describe('BacktestVenue settles each step with order activity before the next bar', () => {
  it('runs every continuation of a step with orders before the next bar, however long the chain, with one event-loop iteration per batch of such steps', async () => {
    const v = new BacktestVenue(bars, { fees: perShareFees(0), initialCash: 1e6 });
    // Per bar: an order, then a chain of 50 hops after its reply, then another venue call; each chain records the clock it ended at.
    const endedAt: number[] = [];
    v.bars$(['XYZ']).subscribe((b) => {
      void (async () => {
        await v.placeOrder({ symbol: 'XYZ', action: b.time % (2 * DAY) === T0 % (2 * DAY) ? 'BUY' : 'SELL', orderType: 'MKT', quantity: 10 });
        await hops(50);
        await v.positions();
        await hops(50);
        endedAt.push(v.now());
      })();
    });
    const turns = turnCounter();
    await v.run();
    // Every step has activity, yet the loop went round about once per IMMEDIATE_BATCH (64) of them, not once each
    // (a fixed number of setImmediate hops would not wait for these 100-hop chains either).
    expect(turns.stop()).toBeLessThanOrEqual(Math.ceil(STEPS / IMMEDIATE_BATCH) + 2);
    expect(endedAt).toEqual(bars.map((b) => b.time));
    expect(v.engine.fillsOf(v.account)).toHaveLength(STEPS - 1);
  });

  it('lets a strategy that awaits each submit see its reply before the next bar (through the TradingEngine)', async () => {
    const seen: Array<{ bar: number; replyAt: number; working: number }> = [];
    const awaiting = defineStrategy({
      name: 'awaits-submit', params: {}, symbols: ['XYZ'],
      setup(ctx) {
        ctx.bars$().subscribe((b: Bar) => {
          void (async () => {
            const h = await ctx.submit({ symbol: b.symbol, side: 'BUY', quantity: 1 });
            await hops(20);
            seen.push({ bar: b.time, replyAt: ctx.now(), working: h.orderId === undefined ? -1 : ctx.workingOrders(b.symbol) });
          })();
        });
      },
    });
    const turns = turnCounter();
    const r = await runBacktest({ def: awaiting, bars, fees: 'zero' });
    turns.stop();
    expect(seen.map((s) => s.replyAt)).toEqual(bars.map((b) => b.time));
    // Each order is still working when its reply has been handled (it fills at the next bar's open).
    expect(seen.every((s) => s.working === 1)).toBe(true);
    expect(r.fills).toHaveLength(STEPS - 1);
  });

  it('a strategy\'s unhandled rejection halts the run before the next bar, as on paper (not after the replay)', async () => {
    const results: Array<{ bar: number; rejected: string | undefined }> = [];
    let n = 0;
    const buggy = defineStrategy({
      name: 'throws-after-submit', params: {}, symbols: ['XYZ'],
      setup(ctx) {
        ctx.bars$().subscribe(() => {
          const bar = ++n;
          void (async () => {
            const r = await ctx.submit({ symbol: 'XYZ', side: 'BUY', quantity: 1 });
            results.push({ bar, rejected: r.rejected });
            if (bar === 3) throw new Error('bug after submit on bar 3');
          })();
        });
      },
    });
    // The engine takes the process's unhandled rejections, as `npm run strategy` does; vitest's own handler is set aside meanwhile.
    const others = process.listeners('unhandledRejection');
    process.removeAllListeners('unhandledRejection');
    const dir = mkdtempSync(join(tmpdir(), 'pounce-settle-'));
    try {
      const venue = new BacktestVenue(bars.slice(0, 12), { fees: perShareFees(0), initialCash: 1e6 });
      const engine = await TradingEngine.start({ def: buggy, venue, runDir: dir, captureProcessErrors: true });
      await venue.run();
      const status = engine.status();
      await engine.stop();
      expect(status.strategyErrors).toBe(1);
      expect(status.halted).toMatch(/bug after submit on bar 3/);
      // Bars 1-3 traded; from bar 4 on every order is refused (before the fix all 12 went through).
      expect(results.filter((r) => r.rejected === undefined).map((r) => r.bar)).toEqual([1, 2, 3]);
      expect(results.filter((r) => r.rejected !== undefined)).toHaveLength(9);
    } finally {
      for (const l of others) process.on('unhandledRejection', l);
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('nextImmediate resolves waits in order, each after the rejections of what ran before it were reported, in fewer loop iterations than waits', async () => {
    const log: string[] = [];
    const onRejection = (e: unknown) => log.push(`unhandled ${(e as Error).message}`);
    const others = process.listeners('unhandledRejection');
    process.removeAllListeners('unhandledRejection');
    process.on('unhandledRejection', onRejection);
    const turns = turnCounter();
    try {
      const waits = 3 * IMMEDIATE_BATCH;
      for (let i = 0; i < waits; i++) {
        void Promise.resolve().then(() => {
          throw new Error(`step ${i}`);
        });
        await nextImmediate();
        log.push(`resumed ${i}`);
      }
      expect(log).toEqual(Array.from({ length: waits }, (_, i) => [`unhandled step ${i}`, `resumed ${i}`]).flat());
      // Two replays waiting at once are served first come first served.
      const order: string[] = [];
      await Promise.all(['a', 'b', 'c'].map(async (name) => {
        await nextImmediate();
        order.push(name);
      }));
      expect(order).toEqual(['a', 'b', 'c']);
      expect(turns.stop()).toBeLessThan(waits / 8);
    } finally {
      process.off('unhandledRejection', onRejection);
      for (const l of others) process.on('unhandledRejection', l);
    }
  });

  it('a strategy that yields with its own setImmediate after an order resumes before the next bar, in every run alike', async () => {
    const lagsOfRun = async (): Promise<number[]> => {
      const v = new BacktestVenue(bars, { fees: perShareFees(0), initialCash: 1e6 });
      const lags: number[] = [];
      v.bars$(['XYZ']).subscribe((b) => {
        void (async () => {
          await v.placeOrder({ symbol: 'XYZ', action: 'BUY', orderType: 'MKT', quantity: 1 });
          await new Promise((r) => setImmediate(r));
          lags.push((v.now() - b.time) / DAY);
        })();
      });
      await v.run();
      return lags;
    };
    const first = await lagsOfRun();
    const second = await lagsOfRun();
    // Before: behind the rest of a batch of 64, it resumed 0 to 63 bars late, by where the previous run left the batch.
    expect(first).toEqual(bars.map(() => 0));
    expect(second).toEqual(first);
  });

  it('an immediate of other code costs the waits beside it a fresh immediate once, not the batching for good', async () => {
    const turns = turnCounter();
    setImmediate(() => undefined); // other code's, once
    const waits = 4 * IMMEDIATE_BATCH;
    // Two replays waiting side by side: each fresh wait must not count as other code for the next.
    await Promise.all([0, 1].map(async () => {
      for (let i = 0; i < waits; i++) await nextImmediate();
    }));
    expect(turns.stop()).toBeLessThan(waits / 8);
  });
});
