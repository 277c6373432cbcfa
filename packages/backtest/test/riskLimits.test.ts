import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Bar, Fill, Order } from '@pounce/core';
import { perShareFees, tieredFees } from '@pounce/matching';
import { defineStrategy, TradingEngine, type RiskLimits, type StrategyContext, type SubmittedOrder } from '@pounce/runtime';
import { BACKTEST_ACCOUNT, BacktestVenue } from '../src/index.ts';

const DAY = 86_400_000;
const T0 = Date.UTC(2024, 0, 2, 14, 30);
const dailyBars = (closes: number[]): Bar[] =>
  closes.map((c, i) => ({ symbol: 'XYZ', time: T0 + i * DAY, open: c, high: c, low: c, close: c, volume: 1_000_000 }));

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** Runs `onBar` (with the bar's index) on a backtest of `bars` through the real TradingEngine. */
async function backtest(bars: Bar[], risk: RiskLimits, onBar: (ctx: StrategyContext, i: number, engine: TradingEngine) => void, fees = perShareFees(0)) {
  const venue = new BacktestVenue(bars, { fees, initialCash: 100_000, participation: 1, allowShort: true });
  const runDir = mkdtempSync(join(tmpdir(), 'pounce-risk-'));
  dirs.push(runDir);
  const orders: Order[] = [];
  let engine: TradingEngine | undefined;
  const def = defineStrategy({
    name: 'probe', params: {}, symbols: ['XYZ'],
    setup(ctx) {
      let i = 0;
      ctx.orders$.subscribe((o) => orders.push(o));
      ctx.bars$().subscribe(() => onBar(ctx as StrategyContext, i++, engine!));
    },
  });
  engine = await TradingEngine.start({ def, venue, runDir, journal: 'none', risk });
  await venue.run();
  await engine.stop();
  return { venue, engine, orders };
}

describe('risk limits through the TradingEngine on a BacktestVenue', () => {
  it('five 100-share buys on one bar under maxPositionPerSymbol 100 buy 100, not 500', async () => {
    const results: Array<Promise<SubmittedOrder>> = [];
    const { venue, engine } = await backtest(dailyBars([10, 10, 10]), { maxPositionPerSymbol: 100 }, (ctx, i) => {
      if (i === 0) for (let k = 0; k < 5; k++) results.push(ctx.submit({ symbol: 'XYZ', side: 'BUY', quantity: 100 }));
    });
    const settled = await Promise.all(results);
    expect(settled.filter((r) => r.rejected === undefined)).toHaveLength(1);
    expect(settled.filter((r) => r.rejected !== undefined).map((r) => r.rejected)).toEqual(
      Array(4).fill('risk: position in XYZ could reach 200 (0 held, 100 in working buys, 100 in this order), beyond max 100'),
    );
    expect(venue.engine.position(BACKTEST_ACCOUNT, 'XYZ').quantity).toBe(100);
    expect(engine.status().positions).toEqual([{ symbol: 'XYZ', quantity: 100 }]);
  });

  it('working sells count against the short side; a filled order stops counting as working', async () => {
    const seen: Array<string | undefined> = [];
    const { engine } = await backtest(dailyBars([10, 10, 10, 10]), { maxPositionPerSymbol: 100 }, (ctx, i) => {
      const send = (k: number, quantity: number) => void ctx.submit({ symbol: 'XYZ', side: 'SELL', quantity }).then((r) => (seen[k] = r.rejected));
      if (i === 0) send(0, 60);
      if (i === 0) send(1, 50);
      if (i === 2) send(2, 40); // filled -60 and this 40: at the limit, not beyond it
    });
    expect(seen).toEqual([undefined, 'risk: position in XYZ could reach -110 (0 held, 60 in working sells, 50 in this order), beyond max 100', undefined]);
    expect(engine.status().positions).toEqual([{ symbol: 'XYZ', quantity: -100 }]);
  });

  it('daily loss on daily bars: one bar\'s drop past the limit halts before the next order; reduce-only orders still pass', async () => {
    const results = new Map<string, SubmittedOrder>();
    const send = (ctx: StrategyContext, i: number, side: 'BUY' | 'SELL', quantity: number) =>
      void ctx.submit({ symbol: 'XYZ', side, quantity }).then((r) => results.set(`bar ${i} ${side} ${quantity}`, r));
    let haltedAt: number | undefined;
    // 200 shares bought at 100 on day 2; day 4 closes at 96: -800 from day 3's close, under a 500 limit.
    const { engine } = await backtest(dailyBars([100, 100, 100, 96, 96, 96]), { dailyLossLimit: 500 }, (ctx, i, e) => {
      if (i === 0) send(ctx, i, 'BUY', 200);
      if (haltedAt === undefined && e.status().halted) haltedAt = i;
      if (i === 3) {
        send(ctx, i, 'BUY', 1);
        send(ctx, i, 'SELL', 150);
      }
    });
    expect(haltedAt).toBe(3);
    expect(engine.status().haltCause).toBe('daily-loss');
    expect(engine.status().halted).toBe('daily loss limit 500 reached (equity 99200.00 from 100000.00 at the day\'s start)');
    expect(Object.fromEntries([...results].map(([k, r]) => [k, r.rejected]))).toEqual({
      'bar 0 BUY 200': undefined,
      'bar 3 BUY 1': 'risk: trading halted: daily loss limit 500 reached (equity 99200.00 from 100000.00 at the day\'s start)',
      'bar 3 SELL 150': undefined,
    });
    expect(engine.status().positions).toEqual([{ symbol: 'XYZ', quantity: 50 }]);
  });

  it('price band refuses a fat-fingered limit price', async () => {
    const seen: Array<string | undefined> = [];
    await backtest(dailyBars([10, 10, 10]), { priceBandPercent: 5 }, (ctx, i) => {
      if (i === 0) void ctx.submit({ symbol: 'XYZ', side: 'BUY', quantity: 10, type: 'limit', limitPrice: 100 }).then((r) => (seen[0] = r.rejected));
      if (i === 0) void ctx.submit({ symbol: 'XYZ', side: 'BUY', quantity: 10, type: 'limit', limitPrice: 10.4 }).then((r) => (seen[1] = r.rejected));
    });
    expect(seen).toEqual(['risk: price 100 is 900.00% from the last price 10, beyond the 5% band', undefined]);
  });

  it('max open orders counts open and in-flight orders; a cancelled one frees its slot', async () => {
    const seen: Array<string | undefined> = [];
    const ids: string[] = [];
    await backtest(dailyBars([10, 10, 10, 10]), { maxOpenOrders: 2 }, (ctx, i) => {
      const limitBuy = (k: number) => ctx.submit({ symbol: 'XYZ', side: 'BUY', quantity: 1, type: 'limit', limitPrice: 5 }).then((r) => {
        seen[k] = r.rejected;
        if (r.orderId) ids[k] = r.orderId;
      });
      if (i === 0) for (let k = 0; k < 3; k++) void limitBuy(k);
      if (i === 1) void ctx.cancel(ids[0]!);
      if (i === 2) void limitBuy(3);
    });
    expect(seen).toEqual([undefined, undefined, 'risk: open orders would be 3, beyond max 2', undefined]);
  });
});

describe('rate and operator halt on the BacktestVenue', () => {
  it('the order rate cap counts minutes of venue time: one order per daily bar passes under 1/min', async () => {
    const seen: Array<string | undefined> = [];
    await backtest(dailyBars([10, 10, 10, 10]), { maxOrdersPerMinute: 1 }, (ctx, i) => {
      if (i < 3) void ctx.submit({ symbol: 'XYZ', side: 'BUY', quantity: 1 }).then((r) => (seen[i] = r.rejected));
      if (i === 2) void ctx.submit({ symbol: 'XYZ', side: 'BUY', quantity: 1 }).then((r) => (seen[3] = r.rejected));
    });
    expect(seen).toEqual([undefined, undefined, undefined, 'risk: order rate cap 1/min reached']);
  });

  it('an operator halt refuses new exposure and lets reduce-only orders through', async () => {
    const seen: Array<string | undefined> = [];
    const { engine } = await backtest(dailyBars([10, 10, 10, 10]), {}, (ctx, i, e) => {
      if (i === 0) void ctx.submit({ symbol: 'XYZ', side: 'BUY', quantity: 10 });
      if (i === 2) {
        e.halt('paused by the operator');
        void ctx.submit({ symbol: 'XYZ', side: 'BUY', quantity: 1 }).then((r) => (seen[0] = r.rejected));
        void ctx.submit({ symbol: 'XYZ', side: 'SELL', quantity: 10 }).then((r) => (seen[1] = r.rejected));
      }
    });
    expect(seen).toEqual(['risk: trading halted: paused by the operator', undefined]);
    expect(engine.status()).toMatchObject({ halted: 'paused by the operator', haltCause: 'operator', positions: [] });
  });
});

describe('cash on the BacktestVenue', () => {
  it('inside fills$ the strategy sees cash already moved by the notional and the fee; the venue\'s figure then agrees', async () => {
    const inFills: Array<{ fill: Fill; cash: number; position: number }> = [];
    let ctxRef: StrategyContext | undefined;
    const { venue } = await backtest(dailyBars([10, 11, 12, 13]), {}, (ctx, i) => {
      if (!ctxRef) {
        ctxRef = ctx;
        ctx.fills$.subscribe((fill) => inFills.push({ fill, cash: ctx.cash, position: ctx.position('XYZ').quantity }));
      }
      if (i === 0) void ctx.submit({ symbol: 'XYZ', side: 'BUY', quantity: 100 });
      if (i === 2) void ctx.submit({ symbol: 'XYZ', side: 'SELL', quantity: 40 });
    }, tieredFees());
    const [buy, sell] = inFills;
    const [buyFee, sellFee] = venue.engine.ordersOf(BACKTEST_ACCOUNT).map((o) => o.commission);
    expect(buyFee).toBeGreaterThan(0);
    expect(buy!.cash).toBeCloseTo(100_000 - 100 * 11 - buyFee!, 6);
    expect(sell!.cash).toBeCloseTo(buy!.cash + 40 * 13 - sellFee!, 6);
    expect(sell!.position).toBe(60);
    expect([buy!.fill.commission, sell!.fill.commission]).toEqual([buyFee, sellFee]);
    expect(ctxRef!.cash).toBeCloseTo(venue.engine.summary(BACKTEST_ACCOUNT).cash, 6);
  });
});
