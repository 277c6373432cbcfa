import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BizParamError, TradeError } from '@pounce/core';
import type { Gateway } from '../src/index.ts';
import { clientsFor, startTestGateway } from './testGateway.ts';

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

const cents = (x: number) => Math.round(x * 100) / 100;

describe('place_order with attached legs, as the SDKs send order_legs', () => {
  it('a BRACKETS biz (attach_type, profit_taker_*, stop_loss_*) on a limit parent: the legs appear with its fill, naming it as parentId', async () => {
    const px = gw.replay.latest('AAA')!.close;
    // The fields the Python SDK writes for limit_order_with_legs(order_legs=[order_leg('PROFIT', ..), order_leg('LOSS', ..)]).
    const biz = {
      account: c.cfg.account, symbol: 'AAA', sec_type: 'STK', currency: 'USD', action: 'BUY', order_type: 'LMT', total_quantity: 10, limit_price: cents(px * 1.5),
      time_in_force: 'DAY', outside_rth: false, attach_type: 'BRACKETS', profit_taker_price: cents(px * 3), profit_taker_tif: 'DAY', stop_loss_price: cents(px * 0.2), stop_loss_tif: 'DAY',
    };
    const reply = (await c.api.http.call('place_order', biz)) as { id: bigint };
    gw.advance(1);
    const orders = await c.api.orders();
    const legs = orders.filter((o) => o.parentId === String(reply.id));
    expect(legs.map((o) => [o.orderType, o.action, o.totalQuantity]).sort()).toEqual([['LMT', 'SELL', 10], ['STP', 'SELL', 10]]);
  });

  it('the client sends OrderRequest.legs as those fields (round trip through the gateway)', async () => {
    const px = gw.replay.latest('AAA')!.close;
    const placed = await c.api.placeOrder({ symbol: 'AAA', action: 'BUY', orderType: 'LMT', quantity: 5, limitPrice: cents(px * 1.5), legs: { profit: { price: cents(px * 3) }, loss: { price: cents(px * 0.2), limitPrice: cents(px * 0.19) } } });
    gw.advance(1);
    const legs = (await c.api.orders()).filter((o) => o.parentId === placed.id);
    expect(legs.map((o) => o.orderType).sort()).toEqual(['LMT', 'STP_LMT']);
  });

  it('refuses legs on a market order (the broker wants a limit parent) and names a missing leg price', async () => {
    const base = { account: c.cfg.account, symbol: 'AAA', sec_type: 'STK', currency: 'USD', action: 'BUY', total_quantity: 1, time_in_force: 'DAY' };
    await expect(c.api.http.call('place_order', { ...base, order_type: 'MKT', attach_type: 'LOSS', stop_loss_price: 1 })).rejects.toBeInstanceOf(TradeError);
    await expect(c.api.http.call('place_order', { ...base, order_type: 'LMT', limit_price: 1, attach_type: 'PROFIT' })).rejects.toThrow(/profit_taker_price/);
    await expect(c.api.http.call('place_order', { ...base, order_type: 'LMT', limit_price: 1, attach_type: 'BOTH' })).rejects.toBeInstanceOf(BizParamError);
  });
});

describe('place_order with order_type OCA (oca_orders)', () => {
  it('places each order, answers all their ids, and a fill of one cancels the other', async () => {
    const px = gw.replay.latest('AAA')!.close;
    const placed = await c.api.placeOcaOrders([
      { symbol: 'AAA', action: 'BUY', orderType: 'LMT', quantity: 3, limitPrice: cents(px * 1.5), userMark: 'oca-a' },
      { symbol: 'AAA', action: 'BUY', orderType: 'LMT', quantity: 3, limitPrice: cents(px * 0.2), userMark: 'oca-b' },
    ]);
    expect(placed.map((p) => p.order?.userMark)).toEqual(['oca-a', 'oca-b']);
    gw.advance(1);
    const [a, b] = await Promise.all(placed.map((p) => c.api.order(p.id)));
    expect([a!.status, b!.status]).toEqual(['Filled', 'Cancelled']);
  });

  it('refuses an OCA request without at least two orders, naming oca_orders', async () => {
    await expect(c.api.http.call('place_order', { account: c.cfg.account, symbol: 'AAA', action: 'BUY', order_type: 'OCA', oca_orders: [] })).rejects.toThrow(/oca_orders/);
  });
});
