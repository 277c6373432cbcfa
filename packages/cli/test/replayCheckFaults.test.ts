import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger, type Logger } from '@pounce/core';
import { loadData } from '@pounce/backtest';
import { DEFAULT_DATA, type Gateway } from '@pounce/gateway';
import { DEFAULT_STARTING_CASH, tieredFees } from '@pounce/matching';
import { loadStrategy, TradingEngine, type OpenApiVenue, type RiskLimits } from '@pounce/runtime';
import { STRATEGIES_DIR } from '../src/commands/strategiesDir.ts';
import { runReplayCheck, type ReplayCheckReport } from '../src/replayCheck/runReplayCheck.ts';
import { startEmbeddedVenue } from '../src/venue/embeddedVenue.ts';
import type { LockstepReplay } from '../src/venue/LockstepReplay.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

interface Hooks {
  gateway: Gateway;
  venue: OpenApiVenue;
  replay: LockstepReplay;
  engine: TradingEngine;
}

/**
 * An sma-cross paper run on the embedded gateway over the first 200 lines of the NVDA data, with
 * the journal the strategy command writes; `inject` arms a fault once the strategy is set up.
 */
async function paperRun(o: { strategy?: string; data?: Record<string, string[]>; stallMs?: number; risk?: RiskLimits; logger?: (hooks: () => Hooks | undefined) => Logger; inject?: (h: Hooks) => void }): Promise<ReplayCheckReport> {
  const dir = mkdtempSync(join(tmpdir(), 'pounce-replay-check-'));
  dirs.push(dir);
  const specs = Object.entries(o.data ?? { NVDA: firstLines('NVDA', 200) }).map(([symbol, lines]) => {
    writeFileSync(join(dir, `${symbol}.csv`), lines.join('\n') + '\n');
    return `${symbol}=${join(dir, `${symbol}.csv`)}`;
  });
  let hooks: Hooks | undefined;
  const { def } = await loadStrategy(o.strategy ?? 'sma-cross', STRATEGIES_DIR);
  const model = { fees: 'tradeup', participation: 0.1, slippageBps: 0, cash: DEFAULT_STARTING_CASH, data: specs };
  const { venue, gateway, replay } = await startEmbeddedVenue({
    bars: loadData(specs).bars, symbols: def.symbols, stateDir: join(dir, 'run', 'gateway'), speed: 'max', stallMs: o.stallMs,
    matching: { fees: tieredFees(), participation: model.participation, initialCash: model.cash, slippageBps: 0, allowShort: true },
    logger: o.logger?.(() => hooks) ?? silentLogger,
  });
  const engine = await TradingEngine.start({ def, venue, runDir: join(dir, 'run'), risk: o.risk, venueModel: model });
  hooks = { gateway, venue, replay, engine };
  o.inject?.(hooks);
  await replay.start();
  gateway.faults.replyDelayMs = 0;
  gateway.faults.refusePush = false;
  await engine.stop();
  return runReplayCheck({ runDir: join(dir, 'run'), loadStrategy: async (n) => (await loadStrategy(n, STRATEGIES_DIR)).def });
}

/** The header and the first `n - 1` rows of a shipped data file. */
const firstLines = (symbol: string, n: number) => readFileSync(DEFAULT_DATA[symbol]!, 'utf8').split('\n').slice(0, n);

/** Causes of the differences that have a cause of their own (not following from an earlier one). */
const rootCauses = (r: ReplayCheckReport) => [...new Set(r.differences.filter((d) => d.follows === undefined).map((d) => d.cause))];

describe('replay-check names the injected fault as the cause', () => {
  it('no fault, with a risk flag that refuses orders: the replay applies the same flag, zero differences', async () => {
    const r = await paperRun({ risk: { maxOrderQuantity: 50 } });
    expect(r.decisions.run).toBeGreaterThan(0);
    expect(r.fills.run).toBe(0);
    expect(r.differences).toEqual([]);
  }, 60_000);

  it('no fault, two symbols (momentum-rotation): zero differences', async () => {
    const nvda = firstLines('NVDA', 200);
    const [from, to] = [nvda[1]!.slice(0, 10), nvda[199]!.slice(0, 10)];
    const orcl = firstLines('ORCL', 100_000).filter((l, i) => i === 0 || (l.slice(0, 10) >= from && l.slice(0, 10) <= to));
    const r = await paperRun({ strategy: 'momentum-rotation', data: { NVDA: nvda, ORCL: orcl } });
    expect(r.symbols).toEqual(['NVDA', 'ORCL']);
    expect(r.fills.run).toBeGreaterThan(0);
    expect(r.differences).toEqual([]);
  }, 60_000);

  it('reply delay past a bar: the order reaches the venue bars later -> latency', async () => {
    // In lockstep the replay waits for requests in flight, so a slow reply shows only once it
    // outlasts the stall limit: then the market moves on, as it does on a real account, and the
    // delayed place_order is matched from a later bar.
    // Only place_order is slowed: the daily bars come by REST, and a slow kline reply would show as a late bar instead.
    const r = await paperRun({ stallMs: 50, inject: (h) => ((h.gateway.faults.faultMethods = new Set(['place_order'])), (h.gateway.faults.replyDelayMs = 400)) });
    expect(r.differences.length).toBeGreaterThan(0);
    // While the order waits, the market moves on: the next daily bar may reach the strategy late too.
    expect(rootCauses(r)).toContain('latency');
    expect(rootCauses(r).every((c) => c === 'latency' || c === 'late-bar')).toBe(true);
    expect(r.differences.find((d) => d.cause === 'latency')!.what).toMatch(/reached the venue \d+ bars? later/);
  }, 60_000);

  it('rejection: the venue refuses an order the backtest filled -> rejection, with the venue reason', async () => {
    const r = await paperRun({ inject: (h) => ((h.gateway.faults.faultMethods = new Set(['place_order'])), (h.gateway.faults.rateLimitNext = 1)) });
    expect(rootCauses(r)).toEqual(['rejection']);
    expect(r.differences[0]!.why).toMatch(/rejection: venue: rate limit error.*\(code 5\)/);
    // Without the first buy the position is off by 100 from then on: later decisions follow from it.
    expect(r.differences.slice(1).every((d) => d.follows === 1)).toBe(true);
  }, 60_000);

  it('push drop: a daily strategy loses no bar (its bars come by REST after each close); the run still matches', async () => {
    let quotes = 0;
    let stalls = 0;
    const r = await paperRun({
      stallMs: 50,
      // Push stays refused until the replay has moved on without the client 5 times (5 bars).
      logger: (hooks) => ({
        ...silentLogger,
        warn: (msg: string) => {
          if (msg.startsWith('replay moved on') && ++stalls === 5) hooks()!.gateway.faults.refusePush = false;
        },
      }),
      inject: (h) => h.venue.quotes$(['NVDA']).subscribe(() => {
        if (++quotes !== 60) return;
        h.gateway.faults.refusePush = true;
        h.gateway.dropPushConnections();
      }),
    });
    expect(stalls).toBeGreaterThanOrEqual(5);
    expect(r.market.missed).toBe(0);
    expect(rootCauses(r)).not.toContain('missed-bar');
  }, 60_000);

  it('an order placed on the account outside the run -> outside-order', async () => {
    const r = await paperRun({
      inject: (h) => {
        let n = 0;
        h.venue.quotes$(['NVDA']).subscribe(() => {
          if (++n === 5) void h.venue.placeOrder({ symbol: 'NVDA', action: 'BUY', orderType: 'MKT', quantity: 10, timeInForce: 'DAY' });
        });
      },
    });
    expect(rootCauses(r)).toContain('outside-order');
    expect(r.differences.find((d) => d.cause === 'outside-order')!.what).toMatch(/BUY 10 NVDA MKT\) with 10 @ [\d.]+ at .* no decision of this run placed it/);
  }, 60_000);
});
