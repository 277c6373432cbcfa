import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import {
  BizParamError, CommonParamError, loadConfig, OpenApiClient, PushClient, PushKickedOutError, RateLimitError, ResponseSignatureError, TradeError, type Fill, type Logger, type Order,
} from '@pounce/core';
import type { Gateway } from '../src/index.ts';
import { clientsFor, first, nextN, SAMPLE_CONFIG, startTestGateway, tick, until } from './testGateway.ts';

let gw: Gateway;
let c: ReturnType<typeof clientsFor>;

beforeEach(async () => {
  gw = await startTestGateway();
  gw.advance(40);
  c = clientsFor(gw);
});
afterEach(async () => {
  await c.push.close();
  await gw.stop();
});

describe('signed HTTP, both ways', () => {
  it('answers a signed request and the client verifies the gateway signature', async () => {
    const states = await c.api.marketState('US');
    expect(states[0]).toMatchObject({ market: 'US' });
    const quotes = await c.api.quoteRealTime(['AAA']);
    expect(quotes[0]!.latestPrice).toBe(gw.replay.latest('AAA')!.close);
  });

  it('accepts the documented sample config once its public key is registered', async () => {
    const cfg = loadConfig({ path: SAMPLE_CONFIG, env: {}, overrides: { server_url: gw.httpUrl, server_public_key: readFileSync(`${gw.clientConfigPath}`, 'utf8').match(/server_public_key=(.*)/)![1]!, account: '20150001000000001', license: 'TBUS' } });
    const api = OpenApiClient.fromConfig(cfg);
    expect((await api.assets()).netLiquidation).toBe(100_000);
  });

  it('refuses a request signed with the wrong key (code 1000)', async () => {
    const other = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ format: 'der', type: 'pkcs1' }).toString('base64');
    const bad = clientsFor(gw, { private_key_pk1: other });
    const err = await bad.api.marketState().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CommonParamError);
    expect((err as CommonParamError).code).toBe(1000);
    expect((err as Error).message).toMatch(/failed to verify signature/);
  });

  it('refuses a reply whose signature does not verify with the configured server key', async () => {
    const wrongServerKey = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ format: 'der', type: 'spki' }).toString('base64');
    const bad = clientsFor(gw, { server_public_key: wrongServerKey });
    await expect(bad.api.marketState()).rejects.toBeInstanceOf(ResponseSignatureError);
  });

  it('answers unknown methods with 1000, bad biz with 1010, throttling with code 5', async () => {
    await expect(c.api.http.call('no_such_method', {})).rejects.toMatchObject({ code: 1000, serverMessage: 'the current requested method does not support' });
    await expect(c.api.http.call('kline', { symbols: ['AAA'], period: 'fortnight' })).rejects.toBeInstanceOf(BizParamError);
    await expect(c.api.placeOrder({ symbol: 'AAA', action: 'BUY', orderType: 'LMT', quantity: 10 })).rejects.toMatchObject({ code: 1010, message: expect.stringMatching(/limit_price/) });
    gw.faults.rateLimitNext = 1;
    await expect(c.api.positions()).rejects.toBeInstanceOf(RateLimitError);
  });

  it('serves kline as of the replay clock, paged backwards', async () => {
    const bars = await c.api.kline('AAA', { period: '1min', limit: 15 });
    expect(bars).toHaveLength(40);
    expect(bars.map((b) => b.time)).toEqual(gw.replay.history('AAA').map((b) => b.time));
    expect(bars[bars.length - 1]!.time).toBe(gw.replay.now());
  });
});

describe('rate-limit answers (HTTP 429, code 5)', () => {
  /** A client with retries on, and what its transport did: each request sent, each retry. */
  function retryingClient() {
    const sent: string[] = [];
    const retries: Array<{ method: string; attempt: number; delayMs: number; error: string }> = [];
    const logger: Logger = {
      debug: (msg, f) => void (msg === 'request' && sent.push(String(f?.method))),
      info() {},
      warn: (msg, f) => void (msg.startsWith('retrying ') && retries.push({ method: msg.slice(9), attempt: Number(f?.attempt), delayMs: Number(f?.delayMs), error: String(f?.error) })),
      error() {},
    };
    return { api: OpenApiClient.fromConfig(c.cfg, { retry: { maxAttempts: 4, baseDelayMs: 40, maxDelayMs: 400 }, logger }), sent, retries };
  }

  it('a read answered with code 5 is retried with growing back-off and then succeeds', async () => {
    const { api, sent, retries } = retryingClient();
    const expected = await c.api.positions();
    gw.faults.rateLimitNext = 2;
    const t0 = Date.now();
    expect(await api.positions()).toEqual(expected);
    const took = Date.now() - t0;
    expect(gw.faults.rateLimitNext).toBe(0);
    expect(sent).toEqual(['positions', 'positions', 'positions']);
    expect(retries.map((r) => [r.method, r.attempt])).toEqual([['positions', 1], ['positions', 2]]);
    for (const r of retries) expect(r.error).toMatch(/rate limit/);
    // Capped exponential back-off with jitter: [20, 40] ms, then [40, 80] ms, waited in full.
    expect(retries[0]!.delayMs).toBeGreaterThanOrEqual(20);
    expect(retries[0]!.delayMs).toBeLessThanOrEqual(40);
    expect(retries[1]!.delayMs).toBeGreaterThanOrEqual(40);
    expect(retries[1]!.delayMs).toBeLessThanOrEqual(80);
    expect(took).toBeGreaterThanOrEqual(retries[0]!.delayMs + retries[1]!.delayMs);
  });

  it('a place_order answered with code 5 is refused after one request, never re-sent; no order is placed', async () => {
    const { api, sent, retries } = retryingClient();
    gw.faults.rateLimitNext = 1;
    await expect(api.placeOrder({ symbol: 'AAA', action: 'BUY', orderType: 'MKT', quantity: 5 })).rejects.toBeInstanceOf(RateLimitError);
    expect(sent).toEqual(['place_order']);
    expect(retries).toEqual([]);
    expect(gw.engine.ordersOf(gw.account)).toEqual([]);
    // Cancel and modify likewise.
    const placed = await api.placeOrder({ symbol: 'AAA', action: 'BUY', orderType: 'LMT', quantity: 5, limitPrice: 1 });
    gw.faults.rateLimitNext = 2;
    await expect(api.modifyOrder(placed.id, { symbol: 'AAA', action: 'BUY', orderType: 'LMT', quantity: 5, limitPrice: 2 })).rejects.toBeInstanceOf(RateLimitError);
    await expect(api.cancelOrder(placed.id)).rejects.toBeInstanceOf(RateLimitError);
    expect(sent).toEqual(['place_order', 'place_order', 'modify_order', 'cancel_order']);
    expect(retries).toEqual([]);
    expect((await api.order(placed.id)).status).toBe('Submitted');
  });
});

describe('orders, pushes, positions and assets', () => {
  it('a market order fills on the next bar; order, fill, position and asset pushes agree with the REST views', async () => {
    await c.push.connect();
    const fills: Fill[] = [];
    const orders: Order[] = [];
    const subs = [c.push.fills$(c.cfg.account).subscribe((f) => fills.push(f)), c.push.orders$(c.cfg.account).subscribe((o) => orders.push(o))];
    const positions = nextN(c.push.positions$(c.cfg.account), 1);
    const assets = nextN(c.push.assets$(c.cfg.account), 1);
    await tick(50);
    const placed = await c.api.placeOrder({ symbol: 'AAA', action: 'BUY', orderType: 'MKT', quantity: 100 });
    expect(BigInt(placed.id)).toBeGreaterThan(2n ** 53n);
    expect(placed.order?.status).toBe('Submitted');
    gw.advance(1);
    const [pos] = await positions;
    const [asset] = await assets;
    await until(() => fills.length === 1 && orders.some((o) => o.status === 'Filled'));
    const open = gw.replay.latest('AAA')!.open;
    expect(fills[0]).toMatchObject({ orderId: placed.id, symbol: 'AAA', action: 'BUY', quantity: 100, price: open });
    expect(orders.map((o) => o.status)).toEqual(['Initial', 'Submitted', 'Filled']);
    expect(pos).toMatchObject({ symbol: 'AAA', quantity: 100, averageCost: open });
    const rest = await c.api.positions();
    expect(rest).toEqual([expect.objectContaining({ symbol: 'AAA', quantity: 100, averageCost: open })]);
    const restAssets = await c.api.assets();
    expect(restAssets.cashBalance).toBeCloseTo(100_000 - 100 * open - 1, 6);
    expect(asset!.cashBalance).toBeCloseTo(restAssets.cashBalance, 6);
    const tx = await c.api.orderTransactions({ orderId: placed.id });
    expect(tx.map((t) => t.id)).toEqual(fills.map((f) => f.id));
    expect((await c.api.order(placed.id)).status).toBe('Filled');
    subs.forEach((s) => s.unsubscribe());
  });

  it('partial fills by volume participation: Submitted with filledQuantity > 0, then Filled', async () => {
    await gw.stop();
    gw = await startTestGateway({ matching: { participation: 0.001 } });
    gw.advance(5);
    c = clientsFor(gw);
    await c.push.connect();
    const fills: Fill[] = [];
    const orders: Order[] = [];
    c.push.fills$().subscribe((f) => fills.push(f));
    c.push.orders$().subscribe((o) => orders.push(o));
    await tick(50);
    const placed = await c.api.placeOrder({ symbol: 'BBB', action: 'BUY', orderType: 'MKT', quantity: 150 });
    for (let i = 0; i < 10 && fills.reduce((s, f) => s + f.quantity, 0) < 150; i++) {
      gw.advance(1);
      await tick(20);
    }
    await until(() => orders.some((o) => o.status === 'Filled'));
    expect(fills.length).toBeGreaterThan(1);
    expect(fills.reduce((s, f) => s + f.quantity, 0)).toBe(150);
    expect(orders.some((o) => o.status === 'Submitted' && o.filledQuantity > 0 && o.filledQuantity < 150)).toBe(true);
    const final = await c.api.order(placed.id);
    expect(final).toMatchObject({ status: 'Filled', filledQuantity: 150 });
    expect(final.avgFillPrice).toBeCloseTo(fills.reduce((s, f) => s + f.price * f.quantity, 0) / 150, 6);
  });

  it('cancel and modify: a cancelled order cannot be modified, a filled one cannot be cancelled, a modified one fills at its new price', async () => {
    const px = gw.replay.latest('AAA')!.close;
    // Limit prices on the cent grid: the venue refuses others (tick size).
    const half = Math.round(px * 50) / 100;
    const a = await c.api.placeOrder({ symbol: 'AAA', action: 'BUY', orderType: 'LMT', quantity: 10, limitPrice: half });
    await c.api.cancelOrder(a.id);
    expect((await c.api.order(a.id)).status).toBe('Cancelled');
    await expect(c.api.modifyOrder(a.id, { symbol: 'AAA', action: 'BUY', orderType: 'LMT', quantity: 10, limitPrice: px })).rejects.toBeInstanceOf(TradeError);
    await expect(c.api.cancelOrder(a.id)).rejects.toMatchObject({ code: 1300 });

    const b = await c.api.placeOrder({ symbol: 'AAA', action: 'BUY', orderType: 'LMT', quantity: 10, limitPrice: half });
    await c.api.modifyOrder(b.id, { symbol: 'AAA', action: 'BUY', orderType: 'LMT', quantity: 20, limitPrice: Math.round(px * 200) / 100 });
    gw.advance(1);
    const filled = await c.api.order(b.id);
    expect(filled).toMatchObject({ status: 'Filled', filledQuantity: 20 });
    await expect(c.api.cancelOrder(b.id)).rejects.toMatchObject({ message: expect.stringMatching(/it is Filled/) });
    expect((await c.api.activeOrders()).map((o) => o.id)).toEqual([]);
    expect((await c.api.inactiveOrders()).map((o) => o.id)).toEqual([a.id]);
    expect((await c.api.filledOrders()).map((o) => o.id)).toEqual([b.id]);
  });

  it('a cancel racing the fill: whichever the engine sees first wins, and the books agree', async () => {
    await c.push.connect();
    const fills: Fill[] = [];
    c.push.fills$().subscribe((f) => fills.push(f));
    await tick(50);
    const o = await c.api.placeOrder({ symbol: 'AAA', action: 'BUY', orderType: 'MKT', quantity: 5 });
    gw.advance(1);
    const cancel = await c.api.cancelOrder(o.id).then(() => 'cancelled', (e: Error) => e.message);
    expect(cancel).toMatch(/it is Filled/);
    await until(() => fills.length === 1);
    expect((await c.api.positions())[0]!.quantity).toBe(5);
  });
});

describe('push stream', () => {
  it('streams bars and quotes for subscribed symbols only; the last unsubscribe sends UNSUBSCRIBE', async () => {
    await c.push.connect();
    const bars = nextN(c.push.bars$(['AAA']), 3);
    const quotes = nextN(c.push.quotes$(['BBB']), 2);
    await tick(50);
    for (let i = 0; i < 3; i++) gw.advance(1);
    expect((await bars).map((b) => b.symbol)).toEqual(['AAA', 'AAA', 'AAA']);
    expect((await quotes).every((q) => q.symbol === 'BBB' && q.latestPrice! > 0)).toBe(true);
    await until(() => [...c.push.subscriptions().values()].every((m) => m.size === 0));
  });

  it('streams depth and tick pushes from the replay', async () => {
    await c.push.connect();
    const depth = nextN(c.push.depth$(['AAA']), 1);
    const ticks = nextN(c.push.ticks$(['AAA']), 1);
    await tick(50);
    gw.advance(1);
    const [d] = await depth;
    const [t] = await ticks;
    const bar = gw.replay.latest('AAA')!;
    expect(d!.asks).toHaveLength(5);
    expect(d!.bids[0]!.price).toBeLessThan(d!.asks[0]!.price);
    expect(d!.asks[0]!.price).toBeGreaterThan(bar.close);
    expect(t).toMatchObject({ symbol: 'AAA', time: bar.time, volume: bar.volume });
    expect(t!.price).toBeCloseTo(bar.close, 4);
  });

  it('kicks out the older connection of the same tiger_id with 4001, surfaced as fatal', async () => {
    await c.push.connect();
    const err = c.push.quotes$(['AAA']).toPromise().catch((e: unknown) => e);
    await tick(50);
    const second = clientsFor(gw).push;
    await second.connect();
    expect(await err).toBeInstanceOf(PushKickedOutError);
    expect(c.push.connection$.value.state).toBe('kicked-out');
    await tick(100);
    expect(c.push.connection$.value.state).toBe('kicked-out'); // no blind reconnect
    expect(gw.pushConnections).toBe(1);
    await second.close();
  });

  it('reconnects after a dropped connection and replays subscriptions', async () => {
    await c.push.connect();
    const seen: string[] = [];
    c.push.quotes$(['AAA']).subscribe((q) => seen.push(String(q.time)));
    await tick(50);
    gw.advance(1);
    await until(() => seen.length === 1);
    expect(gw.dropPushConnections()).toBe(1);
    await until(() => c.push.connection$.value.sessions === 2 && c.push.connection$.value.state === 'connected');
    await tick(50);
    gw.advance(1);
    await until(() => seen.length === 2);
    expect(seen[1]).toBe(String(gw.replay.now()));
  });

  it('refuses a CONNECT signed with the wrong key', async () => {
    const other = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey;
    const cfg = loadConfig({ path: gw.clientConfigPath, env: {} });
    const bad = new PushClient({ tigerId: cfg.tigerId, privateKey: other, host: '127.0.0.1', port: gw.pushPort, caPem: cfg.push.caPem, connectTimeoutMs: 2000 });
    await expect(bad.connect()).rejects.toThrow(/signature check failed|closed before CONNECTED/);
    await bad.close();
  });
});

describe('restart', () => {
  it('recovers orders, fills, positions and cash from its command log, identical field by field', async () => {
    const placed = await c.api.placeOrder({ symbol: 'AAA', action: 'BUY', orderType: 'MKT', quantity: 30 });
    const resting = await c.api.placeOrder({ symbol: 'BBB', action: 'BUY', orderType: 'LMT', quantity: 7, limitPrice: 1 });
    gw.advance(3);
    const before = { pos: await c.api.positions(), assets: await c.api.assets(), orders: await c.api.orders(), fills: await c.api.orderTransactions() };
    expect(before.fills.length).toBeGreaterThan(0);
    const dir = (gw as unknown as { o: { stateDir: string; bars: never } }).o;
    await gw.stop();
    gw = await startTestGateway({ stateDir: dir.stateDir, bars: dir.bars, resume: true });
    c = clientsFor(gw);
    expect(await c.api.positions()).toEqual(before.pos);
    expect(await c.api.assets()).toEqual(before.assets);
    expect(await c.api.orders()).toEqual(before.orders);
    expect(await c.api.orderTransactions()).toEqual(before.fills);
    expect((await c.api.order(resting.id)).status).toBe('Submitted');
    expect((await c.api.order(placed.id)).status).toBe('Filled');
  });
});
