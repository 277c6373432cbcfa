import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogger, OpenApiClient, PushClient, RateLimitError, ResponseSignatureError, TradeError, BizParamError, type Order } from '@pounce/core';
import { INNER_REFUSAL } from '../src/http/GatewayHttpServer.ts';
import { UNKNOWN_WIRE_STATUS, type OrderStatusWire } from '../src/methods/wireShapes.ts';
import type { Gateway } from '../src/index.ts';
import { clientsFor, startTestGateway, tick, until } from './testGateway.ts';

// The client against the gateway behaving as the official SDKs show the service may behave.
let gw: Gateway;
let c: ReturnType<typeof clientsFor>;
let lines: string[];
let api: OpenApiClient;
let push: PushClient;

beforeEach(async () => {
  gw = await startTestGateway();
  gw.advance(40);
  c = clientsFor(gw);
  lines = [];
  const logger = createLogger({ level: 'warn', write: (l) => lines.push(l) });
  api = OpenApiClient.fromConfig(c.cfg, { retry: { maxAttempts: 1, baseDelayMs: 1, maxDelayMs: 1 }, logger });
  push = new PushClient({ tigerId: c.cfg.tigerId, privateKey: c.cfg.privateKey, host: c.cfg.push.host, port: c.cfg.push.port, caPem: c.cfg.push.caPem, heartbeatMs: 1000, logger });
});
afterEach(async () => {
  await push.close();
  await c.push.close();
  await gw.stop();
});

describe('order status spellings (python order_utils.py get_order_status, go model/order_status.go)', () => {
  const cases: Array<[OrderStatusWire, string[]]> = [
    ['mixed-case', ['Initial', 'Submitted', 'Filled']],
    ['upper-case', ['Initial', 'Submitted', 'Filled']],
    ['numeric', ['Initial', 'Submitted', 'Filled']],
    ['unknown-while-open', ['Unknown', 'Unknown', 'Filled']],
  ];
  it.each(cases)('%s: REST replies and order pushes parse, nothing is thrown, the order ends Filled', async (wire, want) => {
    gw.faults.orderStatusWire = wire;
    await push.connect();
    const orders: Order[] = [];
    const errors: Error[] = [];
    push.orders$().subscribe({ next: (o) => orders.push(o), error: (e: Error) => errors.push(e) });
    await tick(50);
    const placed = await api.placeOrder({ symbol: 'AAA', action: 'BUY', orderType: 'MKT', quantity: 100 });
    expect(placed.order?.status).toBe(want[1]);
    gw.advance(1);
    await until(() => orders.some((o) => o.status === 'Filled'));
    expect(orders.map((o) => o.status)).toEqual(want);
    expect((await api.order(placed.id)).status).toBe('Filled');
    expect((await api.orders()).map((o) => o.status)).toEqual(['Filled']);
    expect(errors).toEqual([]);
    expect(push.malformedPushes).toBe(0);
    if (wire === 'unknown-while-open') {
      expect(orders[0]!.rawStatus).toBe(UNKNOWN_WIRE_STATUS);
      expect(placed.order?.rawStatus).toBe(UNKNOWN_WIRE_STATUS);
      // Two pushes and one REST reply carried the unknown value: logged once by each client.
      expect(lines.filter((l) => l.includes('unknown status'))).toHaveLength(2);
    } else {
      expect(lines.filter((l) => l.includes('unknown status'))).toEqual([]);
    }
  });
});

describe('replies without sign (python tiger_open_client.py, java TigerHttpClient.java, go http_client.go)', () => {
  it('an unsigned error reply surfaces as its typed error with the broker message, logged once per method', async () => {
    gw.faults.unsignedReplies = 'errors';
    for (let i = 0; i < 2; i++) {
      await expect(api.http.call('kline', { symbols: ['AAA'], period: 'fortnight' })).rejects.toBeInstanceOf(BizParamError);
      await expect(api.http.call('no_such_method', {})).rejects.toMatchObject({ code: 1000, serverMessage: 'the current requested method does not support' });
    }
    gw.faults.rateLimitNext = 1;
    await expect(api.positions()).rejects.toBeInstanceOf(RateLimitError);
    expect(lines.filter((l) => l.includes('without sign')).map((l) => /"method":"(\w+)"/.exec(l)?.[1])).toEqual(['kline', 'no_such_method', 'positions']);
    // Signed success replies still flow in this mode.
    expect((await api.assets()).netLiquidation).toBe(100_000);
  });

  it('an unsigned success reply is still refused', async () => {
    gw.faults.unsignedReplies = 'all';
    await expect(api.marketState()).rejects.toBeInstanceOf(ResponseSignatureError);
    await expect(api.http.call('no_such_method', {})).rejects.toMatchObject({ code: 1000 });
  });
});

describe('order replies (python trade/response/order_id_response.py)', () => {
  it('a non-zero inner data.code in a code-0 reply is the broker refusing: a TradeError, no order', async () => {
    gw.faults.refuseOrdersInside = 1;
    const err = await api.placeOrder({ symbol: 'AAA', action: 'BUY', orderType: 'MKT', quantity: 1 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TradeError);
    expect(err).toMatchObject({ code: Number(INNER_REFUSAL.code), serverMessage: INNER_REFUSAL.message });
    expect(gw.engine.ordersOf(c.cfg.account)).toHaveLength(0);
  });

  it('reads the order number under orderId or order_id', async () => {
    const a = await api.placeOrder({ symbol: 'AAA', action: 'BUY', orderType: 'MKT', quantity: 1 });
    gw.faults.placeOrderIdKey = 'orderId';
    const b = await api.placeOrder({ symbol: 'AAA', action: 'BUY', orderType: 'MKT', quantity: 1 });
    const seqs = gw.engine.ordersOf(c.cfg.account).map((o) => o.seq);
    expect([a.orderId, b.orderId].sort()).toEqual(seqs.sort());
    expect(b.orderId).toBeGreaterThan(0);
  });
});

describe('device_id', () => {
  it('a configured device_id is signed with the request and the gateway verifies it', async () => {
    const d = clientsFor(gw, { device_id: 'aa:bb:cc:dd:ee:ff' });
    expect(d.cfg.deviceId).toBe('aa:bb:cc:dd:ee:ff');
    expect((await d.api.marketState('US'))[0]).toMatchObject({ market: 'US' });
  });
});

describe('account numbers (java util/AccountUtil.java: any all-digit account under 17 digits is standard)', () => {
  it('a trade request for a 12-digit account is not refused as malformed', async () => {
    gw.grantAccount(c.cfg.tigerId, '123456789012');
    await expect(api.http.call('positions', { account: '123456789012', sec_type: 'ALL', currency: 'ALL', market: 'ALL' })).resolves.toBeDefined();
    await expect(api.http.call('positions', { account: 'acct-12', sec_type: 'ALL' })).rejects.toBeInstanceOf(BizParamError);
  });
});
