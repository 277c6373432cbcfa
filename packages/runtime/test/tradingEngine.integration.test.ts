import { describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger, OpenApiClient, type ConnectionState, type Fill, type Order } from '@pounce/core';
import { merge, of } from 'rxjs';
import { defineStrategy, OpenApiVenue, OrderJournal, replayJournal, RunDirLock, TradingEngine, type StrategyContext } from '../src/index.ts';
import { clientsFor, startTestGateway, tick, until } from '../../gateway/test/testGateway.ts';
import { startedOnGateway } from './startedOnGateway.ts';

const started = startedOnGateway();

/** A strategy that exposes its context to the test, and records what it is told. */
function probe() {
  const seen = { fills: [] as Fill[], orders: [] as Order[], ctx: undefined as StrategyContext | undefined };
  const def = defineStrategy({
    name: 'probe', params: {}, symbols: ['AAA'],
    setup(ctx) {
      seen.ctx = ctx as StrategyContext;
      ctx.fills$.subscribe((f) => seen.fills.push(f));
      ctx.orders$.subscribe((o) => seen.orders.push(o));
      // Venue streams with no error callback: a failed venue stream must not count as the strategy's error.
      ctx.positions$.subscribe(() => undefined);
      ctx.account$.subscribe(() => undefined);
      ctx.bars$().subscribe(() => undefined);
    },
  });
  return { def, seen };
}

async function run(o: { risk?: ConstructorParameters<typeof Object>[0]; resume?: boolean; runDir?: string } = {}) {
  started.gw ??= await startTestGateway();
  started.gw.advance(5);
  const c = clientsFor(started.gw);
  const venue = new OpenApiVenue('embedded-paper', c.api, c.push, ['AAA'], () => started.gw!.replay.now());
  const p = probe();
  const runDir = o.runDir ?? mkdtempSync(join(tmpdir(), 'pounce-run-'));
  started.engine = await TradingEngine.start({ def: p.def, venue, runDir, risk: o.risk as never, resume: o.resume, logger: process.env.DBG ? createLogger({ level: 'debug', write: (l) => console.log(l) }) : undefined });
  await tick(50);
  return { ...p, runDir, venue, c };
}

/**
 * Holds the venue's open-order list at a point of the reconcile: `before` the request goes out,
 * or `after` its answer came back. `reached` resolves there; `release` lets the reconcile go on.
 */
function holdOpenOrders(venue: OpenApiVenue, at: 'before' | 'after'): { reached: Promise<void>; release: () => void } {
  const realOpenOrders = venue.openOrders.bind(venue);
  let reach!: () => void;
  const reached = new Promise<void>((r) => (reach = r));
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  venue.openOrders = async () => {
    if (at === 'before') {
      reach();
      await gate;
      return realOpenOrders();
    }
    const list = await realOpenOrders();
    reach();
    await gate;
    return list;
  };
  return { reached, release };
}

describe('TradingEngine against the local gateway', () => {
  it('an order whose status arrives as an unknown value stays open, and the run goes on (gateway orderStatusWire unknown-while-open)', async () => {
    started.gw = await startTestGateway();
    started.gw.faults.orderStatusWire = 'unknown-while-open';
    const { seen } = await run();
    const r = await seen.ctx!.submit({ symbol: 'AAA', side: 'BUY', quantity: 5, type: 'limit', limitPrice: 0.01 });
    expect(r.orderId).toBeDefined();
    await until(() => seen.orders.some((o) => o.id === r.orderId));
    // Initial and Submitted both arrive as 'Suspended'; the repeat is dropped as a duplicate.
    expect(seen.orders.filter((o) => o.id === r.orderId).map((o) => [o.status, o.rawStatus])).toEqual([['Unknown', 'Suspended']]);
    expect(started.engine!.status().openOrders).toBe(1);
  });

  it('orders that end while the push stream is down (a cancel, a fill-out) reach the strategy with their final status after the reconnect, once, and leave the open list; a failed lookup is asked again', async () => {
    const { seen } = await run();
    const gw = started.gw!;
    const resting = await seen.ctx!.submit({ symbol: 'AAA', side: 'BUY', quantity: 5, type: 'limit', limitPrice: 0.01 });
    const market = await seen.ctx!.submit({ symbol: 'AAA', side: 'BUY', quantity: 7 });
    await until(() => seen.orders.some((o) => o.id === resting.orderId && o.status === 'Submitted') && seen.orders.some((o) => o.id === market.orderId));
    gw.faults.refusePush = true;
    gw.dropPushConnections();
    await seen.ctx!.cancel(resting.orderId!);
    gw.advance(1); // the market order fills while no push can reach the run
    await until(() => gw.engine.ordersOf(gw.account).some((o) => o.id === resting.orderId && o.status === 'Cancelled'));
    await until(() => gw.engine.ordersOf(gw.account).some((o) => o.id === market.orderId && o.status === 'Filled'));
    const finals = (id: string | undefined) => seen.orders.filter((o) => o.id === id && (o.status === 'Cancelled' || o.status === 'Filled')).map((o) => o.status);
    // Before: the reconcile after the reconnect replaced the open list and recovered the fill, but
    // the two final statuses never reached the strategy, its handles or its fee entries.
    // The first order lookup of the reconcile after the reconnect loses its reply: that order
    // stays working and the engine reconciles again a second later.
    gw.faults.loseReplyOf.add('orders');
    gw.faults.refusePush = false;
    await until(() => finals(resting.orderId).length > 0 && finals(market.orderId).length > 0, 20_000);
    expect(gw.faults.loseReplyOf.has('orders')).toBe(false);
    await started.engine!.execution.reconcile();
    expect(finals(resting.orderId)).toEqual(['Cancelled']);
    expect(finals(market.orderId)).toEqual(['Filled']);
    expect(seen.fills.filter((f) => f.orderId === market.orderId).reduce((n, f) => n + f.quantity, 0)).toBe(7);
    expect(started.engine!.status().openOrders).toBe(0);
    expect(started.engine!.portfolio.feeEntriesWorking).toBe(0);
  });

  it('an order placed while the reconcile waits for the venue\'s open-order list stays open and counted (the list is older than it)', async () => {
    const { seen, venue } = await run();
    const hold = holdOpenOrders(venue, 'after');
    const reconciled = started.engine!.execution.reconcile();
    await hold.reached;
    const r = await seen.ctx!.submit({ symbol: 'AAA', side: 'BUY', quantity: 5, type: 'limit', limitPrice: 0.01 });
    await until(() => seen.orders.some((o) => o.id === r.orderId && o.status === 'Submitted'));
    hold.release();
    await reconciled;
    // Before: the list taken before the order existed replaced the open list, and the order was counted nowhere.
    expect(started.engine!.execution.openOrders.map((o) => o.id)).toEqual([r.orderId]);
    expect(started.engine!.execution.workingOrders().map((w) => w.remaining)).toEqual([5]);
  });

  it('an order whose place reply lands while the reconcile asks for the list, and which the list names, is counted once', async () => {
    const { seen, venue } = await run();
    const gw = started.gw!;
    gw.faults.refusePush = true;
    gw.dropPushConnections();
    const hold = holdOpenOrders(venue, 'before');
    const reconciled = started.engine!.execution.reconcile();
    await hold.reached;
    const r = await seen.ctx!.submit({ symbol: 'AAA', side: 'BUY', quantity: 5, type: 'limit', limitPrice: 0.01 });
    expect(r.orderId).toBeDefined();
    hold.release();
    await reconciled;
    // Before: listed as open and still awaiting its first push: [5, 5].
    expect(started.engine!.execution.workingOrders().map((w) => w.remaining)).toEqual([5]);
  });

  it('an order cancelled while the reconcile waits for the list is not brought back by the older list', async () => {
    const { seen, venue } = await run();
    const r = await seen.ctx!.submit({ symbol: 'AAA', side: 'BUY', quantity: 5, type: 'limit', limitPrice: 0.01 });
    await until(() => seen.orders.some((o) => o.id === r.orderId && o.status === 'Submitted'));
    const hold = holdOpenOrders(venue, 'after');
    const reconciled = started.engine!.execution.reconcile();
    await hold.reached;
    await seen.ctx!.cancel(r.orderId!);
    await until(() => seen.orders.some((o) => o.id === r.orderId && o.status === 'Cancelled'));
    hold.release();
    await reconciled;
    // Before: the list, taken before the cancel, put the order back as Submitted and counted it.
    expect(started.engine!.execution.openOrders).toEqual([]);
    expect(started.engine!.execution.workingOrders()).toEqual([]);
  });

  it('an engine started on a connection that had reconnected before makes no reconcile for that old reconnect', async () => {
    started.gw ??= await startTestGateway();
    started.gw.advance(5);
    const c = clientsFor(started.gw);
    const venue = new OpenApiVenue('embedded-paper', c.api, c.push, ['AAA'], () => started.gw!.replay.now());
    // As a node's shared push tells a strategy started after a reconnect: connected, third session.
    Object.defineProperty(venue, 'connection$', { value: merge(of<ConnectionState>({ state: 'connected', sessions: 3 }), venue.connection$) });
    let passes = 0;
    const fills = venue.fills.bind(venue);
    venue.fills = async (since) => {
      passes++;
      return fills(since);
    };
    const p = probe();
    started.engine = await TradingEngine.start({ def: p.def, venue, runDir: mkdtempSync(join(tmpdir(), 'pounce-run-')) });
    // Long enough for a reconcile the start had deferred (a 0 ms timer once it is done) to have run.
    await tick(300);
    // Before: 2, the start's own and one for the reconnect it had already covered.
    expect(passes).toBe(1);
  });

  it('reconciles asked for at once run one after the other, each a whole pass', async () => {
    const { venue } = await run();
    const calls: string[] = [];
    for (const name of ['fills', 'openOrders', 'positions', 'assets'] as const) {
      const real = (venue[name] as (...a: unknown[]) => Promise<unknown>).bind(venue);
      Object.assign(venue, { [name]: async (...a: unknown[]) => {
        calls.push(name);
        return real(...a);
      } });
    }
    await Promise.all([started.engine!.execution.reconcile(), started.engine!.execution.reconcile(), started.engine!.execution.reconcile()]);
    // Without dea5560's chain of passes they interleaved (fills, fills, fills, openOrders, ...), each on the others' half-done state.
    expect(calls).toEqual(Array.from({ length: 3 }, () => ['fills', 'openOrders', 'positions', 'assets']).flat());
  });

  it('a partial fill pushed while the reconcile waits for the list is not undone by the older list', async () => {
    // 0.01% of a synthetic bar's volume (10k-100k): a few shares fill per bar.
    started.gw = await startTestGateway({ matching: { participation: 0.0001 } });
    const { seen, venue } = await run();
    const gw = started.gw;
    const r = await seen.ctx!.submit({ symbol: 'AAA', side: 'BUY', quantity: 1000 });
    await until(() => seen.orders.some((o) => o.id === r.orderId && o.status === 'Submitted'));
    const hold = holdOpenOrders(venue, 'after');
    const reconciled = started.engine!.execution.reconcile();
    await hold.reached;
    gw.advance(1);
    await until(() => seen.orders.some((o) => o.id === r.orderId && o.filledQuantity > 0));
    const pushed = seen.orders.filter((o) => o.id === r.orderId).at(-1)!;
    expect(pushed.filledQuantity).toBeLessThan(1000);
    hold.release();
    await reconciled;
    // Before: the list, taken before the fill, replaced the run's copy of the order (0 filled) until its next push.
    expect(started.engine!.execution.openOrders.map((o) => [o.id, o.filledQuantity])).toEqual([[r.orderId, pushed.filledQuantity]]);
  });

  it('a working order the list leaves out stays counted by the risk limits while its own lookup is under way, and after it fails', async () => {
    const { seen, venue } = await run();
    const r = await seen.ctx!.submit({ symbol: 'AAA', side: 'BUY', quantity: 5, type: 'limit', limitPrice: 0.01 });
    await until(() => seen.orders.some((o) => o.id === r.orderId && o.status === 'Submitted'));
    // The list lags (it leaves the order out); the order's own lookup is held, then fails.
    const realOpenOrders = venue.openOrders.bind(venue);
    venue.openOrders = async () => (await realOpenOrders()).filter((o) => o.id !== r.orderId);
    let reach!: () => void;
    const reached = new Promise<void>((res) => (reach = res));
    let fail!: () => void;
    const failed = new Promise<void>((res) => (fail = res));
    venue.orderById = async () => {
      reach();
      await failed;
      throw new Error('lookup failed (test)');
    };
    const reconciled = started.engine!.execution.reconcile();
    await reached;
    try {
      // Before: dropped from the open list while its fate was unknown, so the limits let more through.
      expect(started.engine!.execution.workingOrders().map((w) => w.remaining)).toEqual([5]);
      expect(started.engine!.status().openOrders).toBe(1);
    } finally {
      // Also when a check failed: the held lookup must not hold the run's stop.
      fail();
    }
    expect((await reconciled).unresolved).toBe(1);
    expect(started.engine!.execution.workingOrders().map((w) => w.remaining)).toEqual([5]);
  });

  it('an order awaiting its first push whose lookup fails stays counted by the risk limits (unresolved: the engine reconciles again)', async () => {
    const { seen, venue } = await run();
    const gw = started.gw!;
    gw.faults.refusePush = true;
    gw.dropPushConnections();
    const r = await seen.ctx!.submit({ symbol: 'AAA', side: 'BUY', quantity: 5, type: 'limit', limitPrice: 0.01 });
    expect(r.orderId).toBeDefined();
    // The list lags (it leaves the order out) and the order's own lookup fails.
    const realOpenOrders = venue.openOrders.bind(venue);
    venue.openOrders = async () => (await realOpenOrders()).filter((o) => o.id !== r.orderId);
    venue.orderById = async () => {
      throw new Error('lookup failed (test)');
    };
    const result = await started.engine!.execution.reconcile();
    expect(result.unresolved).toBe(1);
    // Before: dropped from the orders awaiting a push and counted nowhere while it rests at the venue.
    expect(started.engine!.execution.workingOrders().map((w) => w.remaining)).toEqual([5]);
  });

  it('an accepted order no push has named, cancelled while the push is down, reaches the strategy as cancelled after the reconnect', async () => {
    const { seen } = await run();
    const gw = started.gw!;
    gw.faults.refusePush = true;
    gw.dropPushConnections();
    const r = await seen.ctx!.submit({ symbol: 'AAA', side: 'BUY', quantity: 5, type: 'limit', limitPrice: 0.01 });
    expect(r.orderId).toBeDefined();
    await clientsFor(gw).api.cancelOrder(r.orderId!);
    await until(() => gw.engine.ordersOf(gw.account).some((o) => o.id === r.orderId && o.status === 'Cancelled'));
    gw.faults.refusePush = false;
    // Before: the reconcile after the reconnect dropped it from the orders awaiting a push without asking about it.
    await until(() => seen.orders.some((o) => o.id === r.orderId && o.status === 'Cancelled'), 20_000);
    expect(seen.orders.filter((o) => o.id === r.orderId).map((o) => o.status)).toEqual(['Cancelled']);
    expect(started.engine!.execution.workingOrders()).toEqual([]);
  });

  it('a risk refusal reaches the strategy as a rejected order with the reason, and nothing is sent', async () => {
    const { seen } = await run({ risk: { maxOrderQuantity: 10 } });
    const r = await seen.ctx!.submit({ symbol: 'AAA', side: 'BUY', quantity: 50 });
    expect(r.rejected).toBe('risk: order quantity 50 exceeds max 10');
    expect(seen.orders).toEqual([expect.objectContaining({ status: 'Inactive', remark: 'risk: order quantity 50 exceeds max 10', userMark: r.clientOrderId })]);
    expect(started.gw!.engine.ordersOf(started.gw!.account)).toHaveLength(0);
  });

  it('delivers each fill once and keeps positions equal to the gateway', async () => {
    const { seen } = await run();
    for (let i = 0; i < 3; i++) {
      await seen.ctx!.submit({ symbol: 'AAA', side: 'BUY', quantity: 10 });
      started.gw!.advance(1);
    }
    await until(() => seen.fills.length === 3);
    await until(() => seen.ctx!.position('AAA').quantity === 30);
    expect(new Set(seen.fills.map((f) => f.id)).size).toBe(3);
    expect(started.gw!.engine.position(started.gw!.account, 'AAA').quantity).toBe(30);
  });

  it('reconciles fills that happened while the push stream was down: each exactly once', async () => {
    const { seen } = await run();
    await seen.ctx!.submit({ symbol: 'AAA', side: 'BUY', quantity: 10 });
    started.gw!.advance(1);
    await until(() => seen.fills.length === 1);
    // Take the push stream away, trade during the gap, then let the client back in.
    started.gw!.faults.refusePush = true;
    started.gw!.dropPushConnections();
    await seen.ctx!.submit({ symbol: 'AAA', side: 'BUY', quantity: 7 });
    await seen.ctx!.submit({ symbol: 'AAA', side: 'SELL', quantity: 3 });
    started.gw!.advance(1);
    await tick(150);
    expect(seen.fills).toHaveLength(1);
    started.gw!.faults.refusePush = false;
    await until(() => seen.fills.length === 3, 8000);
    await tick(200);
    expect(seen.fills.map((f) => f.quantity).sort()).toEqual([10, 3, 7].sort());
    expect(started.engine!.status().fills).toBe(3);
    expect(seen.ctx!.position('AAA').quantity).toBe(14);
    const journal = replayJournal(OrderJournal.read(started.engine!.journal.dir));
    expect(journal.fills.size).toBe(3);
    expect(started.gw!.engine.fillsOf(started.gw!.account).map((f) => f.id).sort()).toEqual([...journal.fills.keys()].sort());
  });

  it('duplicate and out-of-order pushes: each fill once, no order goes backwards, positions right', async () => {
    const { seen } = await run();
    started.gw!.faults.duplicateTradePushes = true;
    started.gw!.faults.reorderTradePushes = true;
    for (let i = 0; i < 6; i++) {
      await seen.ctx!.submit({ symbol: 'AAA', side: i % 3 === 2 ? 'SELL' : 'BUY', quantity: 10 + i });
      started.gw!.advance(1);
      await tick(20);
    }
    await until(() => seen.fills.length === 6);
    await tick(200);
    expect(seen.fills).toHaveLength(6);
    expect(new Set(seen.fills.map((f) => f.id)).size).toBe(6);
    const expected = started.gw!.engine.position(started.gw!.account, 'AAA').quantity;
    expect(seen.ctx!.position('AAA').quantity).toBe(expected);
    // Per order, the statuses the strategy saw only move forward (as does the filled quantity) and end Filled.
    const rank: Record<string, number> = { Initial: 0, PendingSubmit: 0, Submitted: 1, PendingCancel: 2, Filled: 3, Cancelled: 3, Inactive: 3, Invalid: 3 };
    const byId = new Map<string, Order[]>();
    for (const o of seen.orders) byId.set(o.id, [...(byId.get(o.id) ?? []), o]);
    expect(byId.size).toBe(6);
    for (const seq of byId.values()) {
      const statuses = seq.map((o) => o.status);
      expect(statuses[statuses.length - 1]).toBe('Filled');
      expect(statuses.filter((s) => s === 'Filled')).toHaveLength(1);
      for (let i = 1; i < seq.length; i++) {
        expect(rank[seq[i]!.status], `${statuses.join(' -> ')}`).toBeGreaterThanOrEqual(rank[seq[i - 1]!.status]!);
        expect(seq[i]!.filledQuantity).toBeGreaterThanOrEqual(seq[i - 1]!.filledQuantity);
      }
    }
  });

  it('a place_order whose reply is lost is looked up by client id, not sent twice', async () => {
    const { seen } = await run();
    started.gw!.faults.loseReplyOf.add('place_order');
    const r = await seen.ctx!.submit({ symbol: 'AAA', side: 'BUY', quantity: 4 });
    expect(r.orderId).toBeDefined();
    const atGateway = started.gw!.engine.ordersOf(started.gw!.account);
    expect(atGateway).toHaveLength(1);
    expect(atGateway[0]!.id).toBe(r.orderId);
    expect(atGateway[0]!.userMark).toBe(r.clientOrderId);
    started.gw!.advance(1);
    await until(() => seen.fills.length === 1);
    const journal = OrderJournal.read(started.engine!.journal.dir);
    expect(journal.filter((e) => e.e === 'intent')).toHaveLength(1);
    expect(journal.filter((e) => e.e === 'accepted')).toEqual([expect.objectContaining({ cid: r.clientOrderId, orderId: r.orderId })]);
  });

  it('a rate-limit answer (code 5) to place_order reaches the strategy as rejected; it is not re-sent, though reads are retried', async () => {
    started.gw = await startTestGateway();
    started.gw.advance(5);
    const c = clientsFor(started.gw);
    // Retries on (the test clients have them off): only reads may use them.
    const api = OpenApiClient.fromConfig(c.cfg, { retry: { maxAttempts: 4, baseDelayMs: 5, maxDelayMs: 20 } });
    const p = probe();
    started.engine = await TradingEngine.start({ def: p.def, venue: new OpenApiVenue('embedded-paper', api, c.push, ['AAA'], () => started.gw!.replay.now()), runDir: mkdtempSync(join(tmpdir(), 'pounce-run-')) });
    started.gw.faults.rateLimitNext = 1;
    const r = await p.seen.ctx!.submit({ symbol: 'AAA', side: 'BUY', quantity: 3 });
    expect(r.rejected).toMatch(/^venue: rate limit error.*\(code 5\)$/);
    expect(p.seen.orders).toEqual([expect.objectContaining({ status: 'Inactive', userMark: r.clientOrderId, remark: r.rejected })]);
    // A re-send would have found the limit lifted and placed the order.
    expect(started.gw.faults.rateLimitNext).toBe(0);
    expect(started.gw.engine.ordersOf(started.gw.account)).toEqual([]);
    // The same answer to a read: retried, so a reconcile goes through.
    started.gw.faults.rateLimitNext = 1;
    await expect(started.engine.execution.reconcile()).resolves.toEqual({ missedFills: 0, unresolved: 0 });
    expect(started.gw.faults.rateLimitNext).toBe(0);
  });

  it('the kill switch cancels open orders and halts new ones; flatten still closes positions', async () => {
    const { seen } = await run();
    await seen.ctx!.submit({ symbol: 'AAA', side: 'BUY', quantity: 10 });
    started.gw!.advance(1);
    await until(() => seen.ctx!.position('AAA').quantity === 10);
    await seen.ctx!.submit({ symbol: 'AAA', side: 'BUY', quantity: 5, type: 'limit', limitPrice: 1 });
    await until(() => started.engine!.execution.openOrders.length === 1);
    expect(await started.engine!.kill('test')).toBe(1);
    expect(started.engine!.status()).toMatchObject({ halted: 'test', haltCause: 'kill-switch' });
    await until(() => started.gw!.engine.openOrders(started.gw!.account).length === 0);
    expect((await seen.ctx!.submit({ symbol: 'AAA', side: 'BUY', quantity: 1 })).rejected).toBe('risk: trading halted: test');
    await seen.ctx!.flatten('AAA');
    started.gw!.advance(1);
    await until(() => seen.ctx!.position('AAA').quantity === 0);
  });

  it('a kick-out (4001: the same tiger_id logged in elsewhere) halts new orders in the runtime', async () => {
    const { seen, runDir } = await run();
    expect((await seen.ctx!.submit({ symbol: 'AAA', side: 'BUY', quantity: 1 })).orderId).toBeDefined();
    const second = clientsFor(started.gw!).push;
    await second.connect();
    await until(() => started.engine!.status().halted !== undefined);
    expect(started.engine!.status().halted).toMatch(/^venue: .*kick/i);
    const r = await seen.ctx!.submit({ symbol: 'AAA', side: 'BUY', quantity: 1 });
    expect(r.rejected).toMatch(/^risk: trading halted: venue: /);
    expect(started.gw!.engine.ordersOf(started.gw!.account)).toHaveLength(1); // the refused order never reached the venue
    expect(OrderJournal.read(runDir).some((e) => e.e === 'note' && e.text.startsWith('venue stream failed'))).toBe(true);
    // The venue's failure is the venue's: no strategy error is counted or journaled for it.
    expect(started.engine!.status().strategyErrors).toBe(0);
    expect(OrderJournal.read(runDir).some((e) => e.e === 'strategy-error')).toBe(false);
    await second.close();
  });

  it('refuses a run folder held by another live process; takes over a crashed one only on resume', async () => {

    const dir = mkdtempSync(join(tmpdir(), 'pounce-lock-'));
    const { writeFileSync, rmSync } = await import('node:fs');
    try {
      writeFileSync(join(dir, 'LOCK'), String(process.ppid)); // a live process that is not us
      expect(() => RunDirLock.acquire(dir, { takeOverStale: true })).toThrow(`is in use by process ${process.ppid}`);
      writeFileSync(join(dir, 'LOCK'), '999999999'); // a crashed one
      expect(() => RunDirLock.acquire(dir, { takeOverStale: false })).toThrow(/left locked by process 999999999.*--resume/);
      OrderJournal.open(RunDirLock.acquire(dir, { takeOverStale: true })).close();
      // A LOCK left empty by a crash between its create and its write: taken over on resume only.
      const { utimesSync } = await import('node:fs');
      writeFileSync(join(dir, 'LOCK'), '');
      expect(() => RunDirLock.acquire(dir, { takeOverStale: true })).toThrow(/has no pid yet/); // may be being written now
      utimesSync(join(dir, 'LOCK'), new Date(Date.now() - 60_000), new Date(Date.now() - 60_000));
      expect(() => RunDirLock.acquire(dir, { takeOverStale: false })).toThrow(/crashed while taking it.*--resume/);
      RunDirLock.acquire(dir, { takeOverStale: true }).release();
      // Another resumer mid-takeover: refused rather than both holding the folder.
      writeFileSync(join(dir, 'LOCK'), '999999999');
      writeFileSync(join(dir, 'LOCK.takeover'), String(process.ppid));
      expect(() => RunDirLock.acquire(dir, { takeOverStale: true })).toThrow(/being taken over/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('persisted strategy state survives into a resumed run', async () => {
    const first = await run();
    first.seen.ctx!.state.set('entries', 3);
    await started.engine!.stop();
    started.engine = undefined;
    const second = await run({ resume: true, runDir: first.runDir });
    expect(second.seen.ctx!.state.get<number>('entries')).toBe(3);
  });
});
