import { describe, expect, it } from 'vitest';
import type { Fill } from '@pounce/core';
import { perShareFees, type FeeModel } from '@pounce/matching';
import { defineStrategy, OpenApiVenue, TradingEngine, type RiskLimits, type StrategyContext } from '../src/index.ts';
import { clientsFor, startTestGateway, tempDirs, until } from '../../gateway/test/testGateway.ts';
import { startedOnGateway } from './startedOnGateway.ts';

const tempDir = tempDirs();
const started = startedOnGateway();

/** A run on the test gateway (fees 0.01/share, minimum 1) whose strategy records cash as each fill arrives. */
async function run(o: { risk?: RiskLimits; fees?: FeeModel } = {}) {
  started.gw = await startTestGateway();
  started.gw.advance(5);
  const c = clientsFor(started.gw);
  const venue = new OpenApiVenue('embedded-paper', c.api, c.push, ['AAA'], () => started.gw!.replay.now());
  const inFills: Array<{ fill: Fill; cash: number }> = [];
  let ctx: StrategyContext | undefined;
  const def = defineStrategy({
    name: 'probe', params: {}, symbols: ['AAA'],
    setup(x) {
      ctx = x as StrategyContext;
      x.fills$.subscribe((fill) => inFills.push({ fill, cash: x.cash }));
    },
  });
  const runDir = tempDir('pounce-run-');
  started.engine = await TradingEngine.start({ def, venue, runDir, risk: o.risk, fees: o.fees });
  return { ctx: ctx!, inFills, gw: started.gw };
}

describe('risk and cash against the local gateway', () => {
  it('five buys sent at once under maxPositionPerSymbol 100: in-flight orders count, one is sent', async () => {
    const { ctx, gw } = await run({ risk: { maxPositionPerSymbol: 100 } });
    const results = await Promise.all(Array.from({ length: 5 }, () => ctx.submit({ symbol: 'AAA', side: 'BUY', quantity: 100 })));
    expect(results.filter((r) => r.orderId !== undefined)).toHaveLength(1);
    expect(results.filter((r) => r.rejected !== undefined)).toHaveLength(4);
    gw.advance(1);
    await until(() => ctx.position('AAA').quantity === 100);
    expect(gw.engine.ordersOf(gw.account)).toHaveLength(1);
    // The order is filled and gone from the working set: the limit has room for sells only.
    await until(() => started.engine!.execution.workingOrders().length === 0);
    expect((await ctx.submit({ symbol: 'AAA', side: 'BUY', quantity: 1 })).rejected).toMatch(/could reach 101/);
  });

  it('inside fills$ cash has already moved by the notional and the fee; the venue\'s asset figure then agrees', async () => {
    const { ctx, inFills, gw } = await run({ fees: perShareFees(0.01, 1) });
    const start = ctx.cash;
    expect(start).toBe(100_000);
    await ctx.submit({ symbol: 'AAA', side: 'BUY', quantity: 10 });
    gw.advance(1);
    await until(() => inFills.length === 1);
    const order = gw.engine.ordersOf(gw.account)[0]!;
    const { fill, cash } = inFills[0]!;
    expect(order.commission).toBe(1);
    expect(cash).toBeCloseTo(start - fill.quantity * fill.price - order.commission, 6);
    await until(() => Math.abs(ctx.cash - gw.engine.summary(gw.account).cash) < 1e-6);
  });

  it('a fee estimate that differs from the venue\'s is corrected by the venue\'s figures', async () => {
    // The default estimate is the TradeUP-like schedule (1.99 for this order); the gateway charges 1.00.
    const { ctx, inFills, gw } = await run();
    await ctx.submit({ symbol: 'AAA', side: 'BUY', quantity: 10 });
    gw.advance(1);
    await until(() => inFills.length === 1);
    const { fill, cash } = inFills[0]!;
    expect(cash).toBeCloseTo(100_000 - fill.quantity * fill.price - 1.99, 6);
    await until(() => Math.abs(ctx.cash - (100_000 - fill.quantity * fill.price - 1)) < 1e-6);
  });
});
