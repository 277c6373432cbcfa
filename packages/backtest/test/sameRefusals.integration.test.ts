import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiResponseError, type Order, type OrderRequest, type PlacedOrder } from '@pounce/core';
import { syntheticBars, type Gateway } from '@pounce/gateway';
import { perShareFees } from '@pounce/matching';
import { defineStrategy, OpenApiVenue, TradingEngine, type OrderIntent, type StrategyContext, type SubmittedOrder } from '@pounce/runtime';
import { clientsFor, startTestGateway, until } from '../../gateway/test/testGateway.ts';
import { BacktestVenue } from '../src/index.ts';

/**
 * The same orders, refused by the same venue rules, through `ctx.submit` on a backtest and on the
 * local gateway: the strategy must see the same `{rejected}` reasons and Inactive order events.
 */
const BARS = syntheticBars({ symbols: ['AAA', 'BBB'], bars: 40, seed: 11 });
const MATCHING = { fees: perShareFees(0.01, 1), initialCash: 100_000, participation: 1 };

/** Refused on a paper account; sent on the third bar, with 10 AAA held (bought on the first). */
const REFUSED: readonly OrderIntent[] = [
  { symbol: 'AAA', side: 'BUY', quantity: 1.5 },
  { symbol: 'AAA', side: 'BUY', quantity: 1, type: 'market', timeInForce: 'GTC' },
  { symbol: 'AAA', side: 'BUY', quantity: 1, type: 'limit', limitPrice: 50, timeInForce: 'GTC' },
  { symbol: 'ZZZZ', side: 'BUY', quantity: 1 },
  { symbol: 'AAA', side: 'BUY', quantity: 1, type: 'limit', limitPrice: 10.005 },
  { symbol: 'AAA', side: 'BUY', quantity: 1, type: 'stop', stopPrice: 500.001 },
  { symbol: 'AAA', side: 'SELL', quantity: 20 },
];
const EXPECTED = [
  'venue: total_quantity: expected a positive whole number of shares (code 1010)',
  'venue: GTC is not supported for MKT orders (code 1300)',
  'venue: GTC is not supported on a paper account (code 1300)',
  'venue: bad_request:contract ZZZZ is not tradable here (no market data for it) (code 1300)',
  'venue: limit_price 10.005 does not match the tick size 0.01 (code 1300)',
  'venue: aux_price 500.001 does not match the tick size 0.01 (code 1300)',
  'venue: cannot hold long and short positions of AAA at once: selling 20 with 10 held long; close the position first (code 1300)',
];

interface Seen {
  bars: number;
  orders: Order[];
  results: SubmittedOrder[] | undefined;
}

/** Buys 10 AAA on its first bar, sends REFUSED on its third. */
function refusalProbe(seen: Seen) {
  return defineStrategy({
    name: 'refusal-probe', params: {}, symbols: ['AAA'],
    setup(ctx) {
      const c = ctx as StrategyContext;
      c.orders$.subscribe((o) => seen.orders.push(o));
      c.bars$().subscribe(() => {
        seen.bars++;
        if (seen.bars === 1) void c.submit({ symbol: 'AAA', side: 'BUY', quantity: 10 });
        if (seen.bars === 3) void Promise.all(REFUSED.map((i) => c.submit(i))).then((r) => (seen.results = r));
      });
    },
  });
}

const dirs: string[] = [];
let gw: Gateway | undefined;
let engine: TradingEngine | undefined;
const runDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'pounce-refusals-'));
  dirs.push(d);
  return d;
};
afterEach(async () => {
  await engine?.stop().catch(() => undefined);
  await gw?.stop();
  engine = undefined;
  gw = undefined;
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function onBacktest(): Promise<Seen> {
  const seen: Seen = { bars: 0, orders: [], results: undefined };
  const venue = new BacktestVenue(BARS, MATCHING);
  engine = await TradingEngine.start({ def: refusalProbe(seen), venue, runDir: runDir(), journal: 'none' });
  await venue.run();
  return seen;
}

async function onGateway(): Promise<Seen> {
  const seen: Seen = { bars: 0, orders: [], results: undefined };
  gw = await startTestGateway({ bars: BARS, stateDir: runDir() });
  const c = clientsFor(gw);
  const venue = new OpenApiVenue('embedded-paper', c.api, c.push, ['AAA'], () => gw!.replay.now());
  engine = await TradingEngine.start({ def: refusalProbe(seen), venue, runDir: runDir() });
  // One time slice at a time: the strategy has seen it and every call it made is answered.
  for (let step = 1; step <= 3; step++) {
    gw.advance(1);
    await until(() => seen.bars === step && engine!.execution.inFlight === 0);
    if (step === 1) await until(() => seen.orders.some((o) => o.status === 'Submitted'));
    if (step === 2) await until(() => seen.orders.some((o) => o.status === 'Filled'));
  }
  await until(() => seen.results !== undefined);
  return seen;
}

const inactive = (s: Seen) => s.orders.filter((o) => o.status === 'Inactive').map((o) => ({ id: o.id, remark: o.remark, userMark: o.userMark }));
const buyStatuses = (s: Seen) => s.orders.filter((o) => o.id !== '' && o.action === 'BUY').map((o) => o.status);

describe('one set of venue rules: the same refusals in a backtest and on the gateway', () => {
  it('ctx.submit resolves {rejected} with the same reasons, and an Inactive order, on both', async () => {
    const bt = await onBacktest();
    await engine!.stop();
    engine = undefined;
    const paper = await onGateway();
    for (const seen of [bt, paper]) {
      expect(seen.results!.map((r) => r.rejected)).toEqual(EXPECTED);
      expect(seen.results!.every((r) => r.orderId === undefined)).toBe(true);
      expect(inactive(seen)).toEqual(seen.results!.map((r) => ({ id: '', remark: r.rejected, userMark: r.clientOrderId })));
      // The accepted order: Initial before Submitted, as the service reports it.
      expect(buyStatuses(seen)).toEqual(['Initial', 'Submitted', 'Filled']);
    }
  });
});

describe('venue calls: the same errors for modify and cancel, and the account kind', () => {
  /** What the OpenAPI client raises for a call: class, code, the venue's words. */
  const failure = (p: Promise<unknown>) => p.then(
    () => 'resolved',
    (e: unknown) => (e instanceof ApiResponseError ? { error: e.name, code: e.code, message: e.serverMessage } : String(e)),
  );

  it('modify off the tick grid, modify and cancel of an unknown order: same error class, code and words', async () => {
    gw = await startTestGateway({ bars: BARS, stateDir: runDir() });
    gw.advance(1);
    const c = clientsFor(gw);
    const paper = new OpenApiVenue('embedded-paper', c.api, c.push, ['AAA'], () => gw!.replay.now());
    const bt = new BacktestVenue(BARS, MATCHING);
    const limit: OrderRequest = { symbol: 'AAA', action: 'BUY', orderType: 'LMT', quantity: 1, limitPrice: 1 };
    const seen = [];
    for (const venue of [bt, paper]) {
      const placed = await venue.placeOrder(limit);
      seen.push([
        await failure(venue.modifyOrder(placed.id, { ...limit, limitPrice: 1.005 })),
        await failure(venue.modifyOrder(placed.id, { ...limit, quantity: 2.5 })),
        await failure(venue.cancelOrder('40132638459999999')),
      ]);
    }
    expect(seen[0]).toEqual([
      { error: 'TradeError', code: 1300, message: 'limit_price 1.005 does not match the tick size 0.01' },
      { error: 'BizParamError', code: 1010, message: 'total_quantity: expected a positive whole number of shares' },
      { error: 'TradeError', code: 1300, message: 'order 40132638459999999 not found' },
    ]);
    expect(seen[1]).toEqual(seen[0]);
    // The gateway's contract reply states the tick grid its rules enforce.
    const contract = (await c.api.http.call('contract', { account: c.cfg.account, symbol: 'AAA' })) as { tickSizes: unknown };
    expect(contract.tickSizes).toEqual([{ begin: '0', end: '1', tickSize: 0.0001, type: 'CLOSED_OPEN' }, { begin: '1', end: 'Infinity', tickSize: 0.01, type: 'CLOSED_OPEN' }]);
  });

  it('the backtest predicts a paper account unless told otherwise: GTC limit orders only on a live one', async () => {
    const gtc: OrderRequest = { symbol: 'AAA', action: 'BUY', orderType: 'LMT', quantity: 1, limitPrice: 1, timeInForce: 'GTC' };
    expect(await failure(new BacktestVenue(BARS, MATCHING).placeOrder(gtc))).toEqual({ error: 'TradeError', code: 1300, message: 'GTC is not supported on a paper account' });
    const live = new BacktestVenue(BARS, MATCHING, { accountKind: 'live' });
    expect((await live.placeOrder(gtc)).order).toMatchObject({ status: 'Submitted', timeInForce: 'GTC' });
    expect(await failure(live.placeOrder({ ...gtc, orderType: 'MKT', limitPrice: undefined }))).toEqual({ error: 'TradeError', code: 1200, message: 'GTC is not supported for MKT orders' });
  });
});

/** A venue whose next placeOrder fails with an error that is not the venue's answer. */
class FlakyVenue extends BacktestVenue {
  fail: 'before-sending' | 'after-placing' | undefined;
  override async placeOrder(req: OrderRequest): Promise<PlacedOrder> {
    const how = this.fail;
    this.fail = undefined;
    if (how === 'before-sending') throw new Error('socket hang up (test)');
    const placed = await super.placeOrder(req);
    if (how === 'after-placing') throw new Error('reply lost (test)');
    return placed;
  }
}

describe('submit never rejects for an unexpected venue error: unknown outcome, looked up by client id', () => {
  async function start() {
    const venue = new FlakyVenue(BARS, MATCHING);
    let ctx: StrategyContext | undefined;
    const orders: Order[] = [];
    const def = defineStrategy({ name: 'flaky-probe', params: {}, symbols: ['AAA'], setup: (c) => { ctx = c as StrategyContext; c.orders$.subscribe((o) => orders.push(o)); } });
    engine = await TradingEngine.start({ def, venue, runDir: runDir(), journal: 'none', unknownOutcomeWindowMs: 100 });
    return { venue, ctx: ctx!, orders };
  }

  it('an order the venue never recorded resolves {rejected} "not received", with an Inactive order', async () => {
    const { venue, ctx, orders } = await start();
    venue.fail = 'before-sending';
    const r = await ctx.submit({ symbol: 'AAA', side: 'BUY', quantity: 5 });
    expect(r).toEqual({ clientOrderId: r.clientOrderId, orderId: undefined, rejected: 'not received by the venue (socket hang up (test)); looked up by client id over 100 ms and not found, not re-sent' });
    expect(orders.filter((o) => o.status === 'Inactive')).toEqual([expect.objectContaining({ remark: r.rejected, userMark: r.clientOrderId })]);
    expect(venue.engine.ordersOf(venue.account)).toHaveLength(0);
  });

  it('an order the venue did record is found by its client id and not sent again', async () => {
    const { venue, ctx } = await start();
    venue.fail = 'after-placing';
    const r = await ctx.submit({ symbol: 'AAA', side: 'BUY', quantity: 5 });
    const atVenue = venue.engine.ordersOf(venue.account);
    expect(atVenue).toHaveLength(1);
    expect(r).toEqual({ clientOrderId: r.clientOrderId, orderId: atVenue[0]!.id });
    expect(atVenue[0]!.userMark).toBe(r.clientOrderId);
  });
});
