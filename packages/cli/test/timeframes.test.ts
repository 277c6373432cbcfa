import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DateTime } from 'luxon';
import { usEquities } from '@pounce/calendar';
import type { Fill } from '@pounce/core';
import { feeModel, runBacktest } from '@pounce/backtest';
import { DEFAULT_DATA, loadBarFiles } from '@pounce/gateway';
import type { MarketBar } from '@pounce/matching';
import { defineStrategy, loadStrategy, TradingEngine, type StrategyDefinition } from '@pounce/runtime';
import { STRATEGIES_DIR } from '../src/commands/strategiesDir.ts';
import { startEmbeddedVenue } from '../src/venue/embeddedVenue.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** NVDA's first `n` daily bars (stamped at the session open). */
function dailyBars(n: number): MarketBar[] {
  return loadBarFiles([`NVDA=${DEFAULT_DATA.NVDA}`]).slice(0, n);
}

/**
 * Minute bars whose regular-hours aggregation is exactly the daily bar: the open at 09:30, the
 * high at 11:00, the low at 13:00, the close in the session's last minute, or (every fifth day)
 * at 15:30 so the daily bar can only be emitted by the clock passing the close.
 */
function minutesOf(daily: readonly MarketBar[]): MarketBar[] {
  return daily.flatMap((d, i) => {
    const s = usEquities.session(usEquities.dateOf(d.time))!;
    const at = (hhmm: string) => DateTime.fromISO(`${s.date}T${hhmm}`, { zone: 'America/New_York' }).toMillis();
    const lastMinute = i % 5 === 4 ? Math.min(at('15:30'), s.close - 60_000) : s.close - 60_000;
    const flat = (time: number, px: number, volume: number): MarketBar => ({ symbol: d.symbol, time, open: px, high: px, low: px, close: px, volume });
    const q = Math.floor(d.volume / 4);
    return [flat(s.open, d.open, q), flat(at('11:00'), d.high, q), flat(at('13:00'), d.low, q), flat(lastMinute, d.close, d.volume - 3 * q)];
  });
}

const MATCHING = { fees: feeModel('tradeup'), initialCash: 100_000, participation: 0.1, slippageBps: 0, allowShort: true };
const decision = (f: Fill) => `${usEquities.dateOf(f.time)} ${f.action} ${f.quantity} @ ${f.price}`;

async function paperFills(def: StrategyDefinition, bars: readonly MarketBar[], rawParams: Record<string, number> = {}, before?: (advance: (n: number) => void) => void): Promise<Fill[]> {
  const dir = mkdtempSync(join(tmpdir(), 'pounce-tf-'));
  dirs.push(dir);
  const { venue, gateway, replay } = await startEmbeddedVenue({ bars, symbols: def.symbols, stateDir: join(dir, 'gateway'), speed: 'max', matching: MATCHING });
  try {
    before?.((n) => gateway.advance(n));
    const fills: Fill[] = [];
    const engine = await TradingEngine.start({ def, rawParams, venue, runDir: join(dir, 'run'), journal: 'none' });
    engine.execution.fills$.subscribe((f) => fills.push(f));
    await replay.start();
    expect(replay.stalls).toBe(0);
    await engine.stop();
    return fills.sort((a, b) => a.time - b.time);
  } finally {
    await venue.stop().catch(() => undefined);
  }
}

describe('a daily strategy on minute data decides as its daily backtest', () => {
  it('sma-cross (1d) on the embedded gateway replaying minutes makes the daily backtest\'s decisions, by day, side and quantity', async () => {
    const { def } = await loadStrategy('sma-cross', STRATEGIES_DIR);
    const daily = dailyBars(150);
    const bt = await runBacktest({ def, bars: daily, cash: 100_000, fees: 'tradeup', participation: 0.1 });
    expect(bt.fills.length).toBeGreaterThan(2);
    const paper = await paperFills(def, minutesOf(daily));
    // Decided at a session's close, filled at the next session's open: the same day and price in both.
    expect(paper.map(decision)).toEqual(bt.fills.map((f) => decision({ ...f, id: f.orderId, account: '' } as unknown as Fill)));
    for (const f of paper) expect(f.time).toBe(usEquities.session(usEquities.dateOf(f.time))!.open);
  }, 120_000);
});

/** Buys 1 share on every bar; records what each bar saw. */
function everyBar(warmUp: number) {
  const seen: Array<{ time: number; warmingUp: boolean; rejected: string | undefined; history: number[] }> = [];
  const def = defineStrategy({
    name: 'every-bar', params: {}, symbols: ['NVDA'], timeframe: '1d', warmUp,
    setup(ctx) {
      ctx.bars$().subscribe((bar) => {
        const entry = { time: bar.time, warmingUp: ctx.warmingUp, rejected: undefined as string | undefined, history: ctx.history('NVDA', 3).map((b) => b.time) };
        seen.push(entry);
        void ctx.submit({ symbol: 'NVDA', side: 'BUY', quantity: 1 }).then((r) => (entry.rejected = r.rejected));
      });
    },
  });
  return { def, seen };
}

describe('warm-up', () => {
  it('in a backtest: the first bars prime the strategy, no order is possible; the first decision is on the first bar after', async () => {
    const daily = dailyBars(8);
    const { def, seen } = everyBar(3);
    const r = await runBacktest({ def, bars: daily });
    expect(seen.map((s) => s.warmingUp)).toEqual([true, true, true, false, false, false, false, false]);
    expect(seen.slice(0, 3).map((s) => s.rejected)).toEqual(['warm-up', 'warm-up', 'warm-up']);
    expect(seen.slice(3).every((s) => s.rejected === undefined)).toBe(true);
    // The first order, decided on bar 4, fills at bar 5's open; history never holds a later bar than the one seen.
    expect(r.fills[0]!.time).toBe(daily[4]!.time);
    for (const s of seen) expect(s.history[s.history.length - 1]).toBe(s.time);
    expect(seen[5]!.history).toEqual([daily[3]!.time, daily[4]!.time, daily[5]!.time]);
  });

  it('on the embedded gateway: warm-up bars come from its kline history; the first live bar is the first decision', async () => {
    const daily = dailyBars(10);
    const { def, seen } = everyBar(3);
    // Replayed up to session 5's open before the run starts: sessions 1-4 have closed, their daily bars are history.
    const fills = await paperFills(def, daily, {}, (advance) => advance(5));
    expect(seen.slice(0, 3).map((s) => [s.time, s.warmingUp])).toEqual([[daily[1]!.time, true], [daily[2]!.time, true], [daily[3]!.time, true]]);
    expect(seen.slice(0, 3).every((s) => s.rejected === 'warm-up')).toBe(true);
    // The first live bar is session 5's, at its close (not before); its order fills at session 6's open.
    expect(seen[3]).toMatchObject({ time: daily[4]!.time, warmingUp: false, rejected: undefined });
    expect(fills[0]!.time).toBe(daily[5]!.time);
  }, 60_000);
});
