import { describe, expect, it } from 'vitest';
import { isTerminal, parseOrderStatus, parseOrder, orderFromPush, fillFromPush, WireFormatError, type OrderStatus } from '../src/index.ts';

// Expectations from the official SDKs' own sources:
// - python tigeropen/common/util/order_utils.py get_order_status: the value tuples per state;
// - python tigeropen/common/consts/__init__.py OrderStatus: the enum names and values;
// - go model/order_status_test.go TestOrderStatus_IntToString / TestOrderStatus_StringPassthrough
//   and java struct/enums/OrderStatus.java: the codes -2..8.
describe('parseOrderStatus: the SDKs\' tables', () => {
  it('reads every value of python get_order_status', () => {
    const python: Array<[unknown[], OrderStatus]> = [
      [[-1, 'Initial', 'NEW', 'New'], 'Initial'],
      [[2, 5, 'Submitted', 'HELD', 'Held'], 'Submitted'],
      [[8, 'PendingSubmit'], 'PendingSubmit'],
      [[3, 'PendingCancel', 'PENDING_CANCEL'], 'PendingCancel'],
      [[4, 'Cancelled', 'CANCELLED'], 'Cancelled'],
      [[6, 'Filled', 'FILLED'], 'Filled'],
      [[7, 'Inactive', 'REJECTED'], 'Inactive'],
      [[-2, 'Invalid', 'EXPIRED'], 'Invalid'],
    ];
    for (const [values, want] of python) for (const v of values) expect([v, parseOrderStatus(v)]).toEqual([v, want]);
  });

  it('reads the python OrderStatus enum names and values (PendingNew, PartiallyFilled ...)', () => {
    // PENDING_NEW = 'PendingNew', PARTIALLY_FILLED = 'PartiallyFilled' (a held order with fills).
    expect(['PendingNew', 'PENDING_NEW'].map(parseOrderStatus)).toEqual(['PendingSubmit', 'PendingSubmit']);
    expect(['PartiallyFilled', 'PARTIALLY_FILLED'].map(parseOrderStatus)).toEqual(['Submitted', 'Submitted']);
  });

  it('reads the go/java codes, as numbers and as digit strings (the push status field is a string)', () => {
    const go: Array<[number, OrderStatus]> = [[-2, 'Invalid'], [-1, 'Initial'], [3, 'PendingCancel'], [4, 'Cancelled'], [5, 'Submitted'], [6, 'Filled'], [7, 'Inactive'], [8, 'PendingSubmit']];
    for (const [code, want] of go) {
      expect(parseOrderStatus(code)).toBe(want);
      expect(parseOrderStatus(String(code))).toBe(want);
      expect(parseOrderStatus(want)).toBe(want); // go TestOrderStatus_StringPassthrough
    }
  });

  it('turns anything else into Unknown, never an exception, and Unknown is not final', () => {
    for (const v of ['Suspended', '', undefined, null, 0, 1, 99, 'Canceled ', {}]) expect(parseOrderStatus(v)).toBe('Unknown');
    expect(isTerminal('Unknown')).toBe(false);
  });
});

describe('orders with an unknown status keep the raw text', () => {
  const rest = { id: 40132638459956224n, account: '123123', symbol: 'AAPL', action: 'BUY', orderType: 'LMT', totalQuantity: 2 };
  it('REST: parseOrder does not throw (placeOrder must not fail after the order was accepted)', () => {
    expect(parseOrder({ ...rest, status: 'Held' }).status).toBe('Submitted');
    const o = parseOrder({ ...rest, status: 'Suspended' });
    expect([o.status, o.rawStatus]).toEqual(['Unknown', 'Suspended']);
    expect(parseOrder({ ...rest }).rawStatus).toBe('(missing)');
  });
  it('push: orderFromPush reads Held and keeps an unknown status raw', () => {
    const push = { id: '40132638459956224', account: '123123', symbol: 'AAPL', action: 'BUY', orderType: 'LMT', totalQuantity: '2' };
    expect(orderFromPush({ ...push, status: 'Held' }).status).toBe('Submitted');
    expect(orderFromPush({ ...push, status: 'Suspended' })).toMatchObject({ status: 'Unknown', rawStatus: 'Suspended' });
  });
});

describe('push decoders refuse what the REST parsers refuse (never invent id 0, BUY or MKT)', () => {
  const order = { id: '7', account: '123123', symbol: 'AAPL', action: 'SELL', orderType: 'LMT', totalQuantity: '2', status: 'Submitted' };
  const fill = { id: '9', orderId: '7', account: '123123', symbol: 'AAPL', action: 'SELL', filledPrice: 10.5, filledQuantity: '2' };
  it('accepts a complete order and fill push', () => {
    expect(orderFromPush(order)).toMatchObject({ id: '7', action: 'SELL', orderType: 'LMT', totalQuantity: 2 });
    expect(fillFromPush(fill)).toMatchObject({ id: '9', orderId: '7', action: 'SELL', price: 10.5, quantity: 2 });
  });
  it.each(['id', 'account', 'symbol', 'action', 'orderType', 'totalQuantity'])('order push without %s', (field) => {
    expect(() => orderFromPush({ ...order, [field]: undefined })).toThrow(WireFormatError);
  });
  it.each(['id', 'orderId', 'symbol', 'action', 'filledPrice', 'filledQuantity'])('fill push without %s', (field) => {
    expect(() => fillFromPush({ ...fill, [field]: undefined })).toThrow(WireFormatError);
  });
  it('an order push with action HOLD or id 0', () => {
    expect(() => orderFromPush({ ...order, action: 'HOLD' })).toThrow(/action: expected BUY or SELL/);
    expect(() => orderFromPush({ ...order, id: '0' })).toThrow(/id: expected a non-zero integer id/);
  });
});
