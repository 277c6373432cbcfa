import { describe, expect, it } from 'vitest';
import { Subject } from 'rxjs';
import { ApiResponseError, silentLogger, type AccountAssets, type Fill, type Order, type OrderRequest } from '@pounce/core';
import { tieredFees } from '@pounce/matching';
import { AccountRisk, StrategyVenue, VenueRouter, type AccountLimits, type RoutableVenue } from '../src/index.ts';

const assets: AccountAssets = { account: 'A', currency: 'USD', cashBalance: 1e6, buyingPower: 1e6, netLiquidation: 1e6, grossPositionValue: 0, realizedPnl: 0, unrealizedPnl: 0, time: 0 };
const order = (id: string, userMark: string, over: Partial<Order> = {}): Order => ({ id, account: 'A', symbol: 'NVDA', action: 'BUY', orderType: 'MKT', totalQuantity: 10, filledQuantity: 0, status: 'Submitted', userMark, commission: 0, updateTime: 1, timeInForce: 'DAY', ...over }) as Order;
const fill = (id: string, orderId: string, over: Partial<Fill> = {}): Fill => ({ id, orderId, account: 'A', symbol: 'NVDA', action: 'BUY', price: 100, quantity: 10, time: 1, ...over });

/** A shared venue whose streams the test drives; REST answers from arrays. */
function fakeVenue() {
  const orders$ = new Subject<Order>();
  const fills$ = new Subject<Fill>();
  const placed: OrderRequest[] = [];
  const rest = { fills: [] as Fill[], open: [] as Order[], byId: new Map<string, Order>() };
  let next = 100;
  const venue: RoutableVenue = {
    kind: 'paper', account: 'A', now: () => 0, runStartTime: () => 0, start: async () => {}, stop: async () => {},
    clock: { now: () => 0, sleep: async () => {} }, barKind: 'complete',
    bars$: () => new Subject(), quotes$: () => new Subject(), orders$, fills$, positions$: new Subject(), assets$: new Subject(), connection$: new Subject(),
    placeOrder: async (r) => (placed.push(r), { id: String(next++), orderId: next, order: undefined }),
    placeOcaOrders: async (rs) => rs.map(() => ({ id: String(next++), orderId: next, order: undefined })),
    cancelOrder: async () => {}, modifyOrder: async () => {}, findOrderByUserMark: async () => undefined,
    openOrders: async () => rest.open, fills: async () => rest.fills, positions: async () => [], assets: async () => assets,
    orderById: async (id) => rest.byId.get(id),
  };
  return { venue, orders$, fills$, placed, rest };
}

function twoStrategies(limits: AccountLimits = {}) {
  const f = fakeVenue();
  const router = new VenueRouter(f.venue, silentLogger);
  const prices = new Map<string, number>([['NVDA', 100], ['ORCL', 50]]);
  const views: StrategyVenue[] = [];
  const risk = new AccountRisk(limits, { grossExposure: () => views.reduce((g, v) => g + v.book.grossExposure(), 0), equity: () => 1e6, price: (s) => prices.get(s), now: () => 0, day: () => 1 });
  const mk = (tag: string) => new StrategyVenue(f.venue, router, { tag, capital: 50_000, fees: tieredFees(), accountRisk: risk, onPrice: () => {} });
  const a = mk('a');
  const b = mk('b');
  views.push(a, b);
  router.start();
  const seen = { a: [] as Fill[], b: [] as Fill[], aOrders: [] as Order[], bOrders: [] as Order[] };
  a.fills$.subscribe((x) => seen.a.push(x));
  b.fills$.subscribe((x) => seen.b.push(x));
  a.orders$.subscribe((x) => seen.aOrders.push(x));
  b.orders$.subscribe((x) => seen.bOrders.push(x));
  return { ...f, router, a, b, seen };
}

describe('a node routes the shared venue by the tag in the userMark', () => {
  it('each strategy sees only its own orders and fills; its book holds only its own position', () => {
    const t = twoStrategies();
    t.orders$.next(order('1', 'pc1.abcdefghij.a.1'));
    t.orders$.next(order('2', 'pc1.abcdefghij.b.1', { symbol: 'ORCL' }));
    t.fills$.next(fill('f1', '1'));
    t.fills$.next(fill('f2', '2', { symbol: 'ORCL', quantity: 4, action: 'SELL' }));
    expect(t.seen.aOrders.map((o) => o.id)).toEqual(['1']);
    expect(t.seen.bOrders.map((o) => o.id)).toEqual(['2']);
    expect(t.seen.a.map((f) => f.id)).toEqual(['f1']);
    expect(t.seen.b.map((f) => f.id)).toEqual(['f2']);
    expect(t.a.book.positions()).toEqual([{ symbol: 'NVDA', quantity: 10 }]);
    expect(t.b.book.positions()).toEqual([{ symbol: 'ORCL', quantity: -4 }]);
  });

  it('a fill that overtakes its order is held until the place reply names the order, then delivered once', async () => {
    const t = twoStrategies();
    t.fills$.next(fill('f1', '100'));
    expect(t.seen.a).toEqual([]);
    expect(t.router.heldFills).toBe(1);
    await t.a.placeOrder({ symbol: 'NVDA', action: 'BUY', orderType: 'MKT', quantity: 10, userMark: 'pc1.abcdefghij.a.1' } as OrderRequest);
    expect(t.seen.a.map((f) => f.id)).toEqual(['f1']);
    expect(t.seen.b).toEqual([]);
    expect(t.router.heldFills).toBe(0);
  });

  it('a place reply that comes after its order\'s final push keeps no tag as working; one before it does until the final push', async () => {
    const t = twoStrategies();
    // The fake venue names its next order '100': its Filled push beats the reply.
    t.orders$.next(order('100', 'pc1.abcdefghij.a.1', { status: 'Filled', filledQuantity: 10 }));
    await t.a.placeOrder({ symbol: 'NVDA', action: 'BUY', orderType: 'MKT', quantity: 10, userMark: 'pc1.abcdefghij.a.1' } as OrderRequest);
    expect(t.router.knownTag('100')).toBe('a');
    expect(t.router.workingTags).toBe(0);
    await t.a.placeOrder({ symbol: 'NVDA', action: 'BUY', orderType: 'MKT', quantity: 10, userMark: 'pc1.abcdefghij.a.2' } as OrderRequest);
    expect(t.router.workingTags).toBe(1);
    t.orders$.next(order('101', 'pc1.abcdefghij.a.2', { status: 'Filled', filledQuantity: 10 }));
    expect(t.router.workingTags).toBe(0);
  });

  it('remembers the tags of its newest orders only (a node runs for weeks); an older order\'s tag is asked of the venue', async () => {
    const t = twoStrategies();
    const first = order('1', 'pc1.abcdefghij.a.1', { status: 'Filled', filledQuantity: 10 });
    t.rest.byId.set('1', first);
    for (let k = 1; k <= 25_000; k++) t.orders$.next(order(String(k), `pc1.abcdefghij.${k % 2 ? 'a' : 'b'}.${k}`, { status: 'Cancelled' }));
    expect(t.router.knownTag('25000')).toBe('b');
    expect(t.router.knownTag('1')).toBeUndefined();
    // Another strategy cannot cancel it once forgotten either: the venue is asked whose it is.
    await expect(t.b.cancelOrder('1')).rejects.toThrow(/not this strategy's/);
    expect(await t.router.resolve('1')).toBe('a');
    // A late fill of a recent order still goes to its strategy.
    t.fills$.next(fill('late', '24999'));
    expect(t.seen.a.map((f) => f.id)).toEqual(['late']);
  });

  it('orders placed outside Pounce are listed, never routed to a strategy', async () => {
    const t = twoStrategies();
    t.orders$.next(order('9', 'by hand'));
    t.fills$.next(fill('f9', '9'));
    t.rest.open = [order('9', 'by hand'), order('1', 'pc1.abcdefghij.a.1')];
    expect(await t.a.openOrders()).toEqual([order('1', 'pc1.abcdefghij.a.1')]);
    expect(await t.b.openOrders()).toEqual([]);
    expect([...t.router.externalOrders.keys()]).toEqual(['9']);
    expect(t.seen.a).toEqual([]);
    expect(t.seen.b).toEqual([]);
  });

  it('an attached leg (no Pounce id of its own) goes to its parent\'s strategy: the exit closes that strategy\'s position', () => {
    const t = twoStrategies();
    t.orders$.next(order('1', 'pc1.abcdefghij.a.1', { orderType: 'LMT', limitPrice: 100 }));
    t.fills$.next(fill('f1', '1'));
    t.orders$.next(order('2', '', { action: 'SELL', orderType: 'LMT', limitPrice: 110, parentId: '1' }));
    t.fills$.next(fill('f2', '2', { action: 'SELL', price: 110 }));
    expect(t.seen.aOrders.map((o) => o.id)).toEqual(['1', '2']);
    expect(t.seen.a.map((f) => f.id)).toEqual(['f1', 'f2']);
    expect(t.seen.b).toEqual([]);
    expect(t.a.book.positions()).toEqual([]);
    expect([...t.router.externalOrders.keys()]).toEqual([]);
  });

  it('a working leg keeps its parent\'s strategy however many orders come after (a bracket working for weeks)', () => {
    const t = twoStrategies();
    t.orders$.next(order('P', 'pc1.abcdefghij.a.1', { status: 'Filled', filledQuantity: 10 }));
    t.fills$.next(fill('pf', 'P'));
    const leg = order('L', '', { action: 'SELL', orderType: 'STP', parentId: 'P' });
    t.orders$.next(leg);
    // 25,000 orders of the other strategy: the parent's tag is long forgotten.
    for (let k = 1; k <= 25_000; k++) t.orders$.next(order(`c${k}`, `pc1.abcdefghij.b.${k}`, { status: 'Cancelled' }));
    expect(t.router.knownTag('P')).toBeUndefined();
    t.orders$.next({ ...leg, status: 'Filled', filledQuantity: 10 });
    t.fills$.next(fill('lf', 'L', { action: 'SELL', price: 90 }));
    expect(t.seen.a.map((f) => f.id)).toEqual(['pf', 'lf']);
    expect(t.a.book.position('NVDA')).toBe(0);
    expect([...t.router.externalOrders.keys()]).toEqual([]);
  });

  it('an order without a Pounce id whose parent is not a Pounce order stays outside Pounce', () => {
    const t = twoStrategies();
    t.orders$.next(order('8', 'by hand', { orderType: 'LMT', limitPrice: 100 }));
    t.orders$.next(order('9', '', { action: 'SELL', parentId: '8' }));
    expect([...t.router.externalOrders.keys()]).toEqual(['8', '9']);
    expect(t.seen.aOrders).toEqual([]);
  });

  it('reconciliation: fills(since) keeps the strategy\'s own, attributing unknown orders by asking the venue; positions come from its own fills', async () => {
    const t = twoStrategies();
    t.rest.byId.set('7', order('7', 'pc1.abcdefghij.b.3', { symbol: 'ORCL' }));
    t.rest.byId.set('8', order('8', 'pc1.abcdefghij.a.2'));
    t.rest.fills = [fill('r1', '7', { symbol: 'ORCL' }), fill('r2', '8', { quantity: 3 })];
    expect((await t.a.fills(0)).map((f) => f.id)).toEqual(['r2']);
    expect((await t.b.fills(0)).map((f) => f.id)).toEqual(['r1']);
    // Asked twice (reconcile repeats): the book counts each fill once.
    await t.a.fills(0);
    expect(await t.a.positions()).toMatchObject([{ symbol: 'NVDA', quantity: 3, averageCost: 100 }]);
    expect(await t.b.positions()).toMatchObject([{ symbol: 'ORCL', quantity: 10 }]);
    // Its cash: its capital less its own buys (and the estimated fee).
    expect((await t.a.assets()).cashBalance).toBeLessThan(50_000 - 300 + 0.001);
    expect((await t.a.assets()).cashBalance).toBeGreaterThan(50_000 - 300 - 5);
  });

  it('a final status learned by a lookup (the reconcile after a push gap) settles the strategy\'s book like a push; another strategy\'s order is not answered', async () => {
    const t = twoStrategies();
    t.orders$.next(order('1', 'pc1.abcdefghij.a.1'));
    t.fills$.next(fill('f1', '1', { quantity: 4 }));
    t.orders$.next(order('1', 'pc1.abcdefghij.a.1', { filledQuantity: 4, commission: 0.5 }));
    // A partly filled order's fee entry works until its final status names the whole commission.
    expect(t.a.book.feeEntriesWorking).toBe(1);
    t.rest.byId.set('1', order('1', 'pc1.abcdefghij.a.1', { status: 'Filled', filledQuantity: 10, commission: 1.5 }));
    t.rest.fills = [fill('f1', '1', { quantity: 4 }), fill('f2', '1', { quantity: 6 })];
    await t.a.fills(0);
    expect(await t.a.orderById('1')).toMatchObject({ id: '1', status: 'Filled' });
    // Before: only a pushed status reached the book, so the entry stayed working after the gap.
    expect(t.a.book.feeEntriesWorking).toBe(0);
    t.rest.byId.set('2', order('2', 'pc1.abcdefghij.b.1'));
    expect(await t.a.orderById('2')).toBeUndefined();
    expect(await t.b.orderById('2')).toMatchObject({ id: '2' });
  });

  it('a strategy cannot cancel another strategy\'s order', async () => {
    const t = twoStrategies();
    t.orders$.next(order('2', 'pc1.abcdefghij.b.1'));
    await expect(t.a.cancelOrder('2')).rejects.toThrow(/order 2 is not this strategy's/);
  });
});

describe('account-wide risk in front of every strategy', () => {
  const req = (over: Partial<OrderRequest> = {}) => ({ symbol: 'NVDA', action: 'BUY', orderType: 'MKT', quantity: 10, ...over }) as OrderRequest;

  it('the order-rate cap is shared: the strategies together send at most the limit per minute', async () => {
    const t = twoStrategies({ maxOrdersPerMinute: 3 });
    await t.a.placeOrder(req());
    await t.b.placeOrder(req({ symbol: 'ORCL' }));
    await t.a.placeOrder(req());
    const refused = await t.b.placeOrder(req({ symbol: 'ORCL' })).then(() => undefined, (e: unknown) => e);
    expect(refused).toBeInstanceOf(ApiResponseError);
    expect((refused as Error).message).toMatch(/account risk: account order rate: 3 orders in the last minute, limit 3/);
    expect(t.placed).toHaveLength(3);
  });

  it('gross exposure counts every strategy\'s book; an order that reduces its own position passes', async () => {
    const t = twoStrategies({ maxGrossExposure: 1500 });
    t.orders$.next(order('1', 'pc1.abcdefghij.a.1'));
    t.fills$.next(fill('f1', '1')); // a: 10 NVDA at 100 = 1000
    await expect(t.b.placeOrder(req({ symbol: 'ORCL', quantity: 20 }))).rejects.toThrow(/account gross exposure 2000.00 would exceed 1500/);
    await t.b.placeOrder(req({ symbol: 'ORCL', quantity: 10 }));
    await t.a.placeOrder(req({ action: 'SELL', quantity: 10 }));
    expect(t.placed.map((r) => r.symbol)).toEqual(['ORCL', 'NVDA']);
  });

  it('the account daily loss halts new exposure for every strategy', () => {
    let equity = 1e6;
    const risk = new AccountRisk({ dailyLossLimit: 1000 }, { grossExposure: () => 0, equity: () => equity, price: () => 100, now: () => 0, day: () => 1 });
    expect(risk.check(req(), false)).toBeUndefined();
    equity -= 1000;
    expect(risk.check(req(), false)).toMatch(/account halted: account daily loss 1000.00 reached the limit 1000/);
    expect(risk.check(req({ action: 'SELL' }), true)).toBeUndefined();
  });
});

describe('two strategies on one symbol', () => {
  it('each sees its own quantity, not the account\'s', () => {
    const t = twoStrategies();
    t.orders$.next(order('1', 'pc1.abcdefghij.a.1'));
    t.orders$.next(order('2', 'pc1.abcdefghij.b.1', { action: 'SELL' }));
    t.fills$.next(fill('f1', '1', { quantity: 30 }));
    t.fills$.next(fill('f2', '2', { action: 'SELL', quantity: 5 }));
    expect(t.a.book.positions()).toEqual([{ symbol: 'NVDA', quantity: 30 }]);
    expect(t.b.book.positions()).toEqual([{ symbol: 'NVDA', quantity: -5 }]);
  });
});
