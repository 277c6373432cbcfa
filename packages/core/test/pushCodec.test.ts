import { describe, expect, it } from 'vitest';
import {
  Command, DataType, decodeRequest, decodeResponse, encodeRequest, encodeResponse, fillFromPush, orderFromPush, PushDecodeError, quoteFromPush, ticksFromPush,
} from '../src/index.ts';

describe('push protobuf codec', () => {
  it('round-trips a CONNECT request with the documented field numbers', () => {
    const bytes = encodeRequest({ command: Command.CONNECT, id: 7, connect: { tigerId: '20150001', sign: 's', sdkVersion: 'pounce/0.1', acceptVersion: '3', sendInterval: 10000, receiveInterval: 10000 } });
    // field 1 varint CONNECT=1, field 2 varint 7, field 4 (connect) length-delimited.
    expect([...bytes.subarray(0, 5)]).toEqual([0x08, 0x01, 0x10, 0x07, 0x22]);
    expect(decodeRequest(bytes)).toMatchObject({ command: Command.CONNECT, id: 7, connect: { tigerId: '20150001', acceptVersion: '3', sendInterval: 10000 } });
  });

  it('decodes fills and order status with 64-bit ids intact (sint64, above 2^53)', () => {
    const id = '40132638459956225';
    const bytes = encodeResponse({
      command: Command.MESSAGE,
      body: { dataType: DataType.OrderTransaction, orderTransactionData: { id: '9007199254740993', orderId: id, account: '1234567', symbol: 'NVDA', action: 'BUY', filledPrice: 12.5, filledQuantity: '100', transactTime: '1700000000000' } },
    });
    const r = decodeResponse(bytes);
    expect(r.command).toBe(Command.MESSAGE);
    const fill = fillFromPush(r.body!.orderTransactionData!);
    expect(fill).toEqual({ id: '9007199254740993', orderId: id, account: '1234567', symbol: 'NVDA', action: 'BUY', price: 12.5, quantity: 100, time: 1700000000000 });
    const st = decodeResponse(encodeResponse({ command: Command.MESSAGE, body: { dataType: DataType.OrderStatus, orderStatusData: { id: '-5', account: '1234567', symbol: 'NVDA', status: 'Submitted', totalQuantity: '10', filledQuantity: '4', action: 'SELL', orderType: 'LMT', limitPrice: 3 } } }));
    expect(orderFromPush(st.body!.orderStatusData!)).toMatchObject({ id: '-5', status: 'Submitted', totalQuantity: 10, filledQuantity: 4, limitPrice: 3 });
  });

  it('decodes quotes and the compressed tick snapshot (time deltas, rebased prices)', () => {
    const q = decodeResponse(encodeResponse({ command: Command.MESSAGE, body: { dataType: DataType.Quote, quoteData: { symbol: 'AAPL', type: 3, timestamp: '5', latestPrice: 101.5, bidPrice: 101.4, askPrice: 101.6, bidSize: '3', askSize: '4', volume: '1000' } } }));
    expect(quoteFromPush(q.body!.quoteData!)).toMatchObject({ symbol: 'AAPL', time: 5, latestPrice: 101.5, bidSize: 3, askSize: 4, volume: 1000 });
    const t = decodeResponse(encodeResponse({ command: Command.MESSAGE, body: { dataType: DataType.TradeTick, tradeTickData: { symbol: 'AAPL', type: '+-*', sn: '100', priceBase: '10000', priceOffset: 2, time: ['1000', '5', '7'], price: ['1', '0', '-2'], volume: ['10', '20', '30'] } } }));
    expect(ticksFromPush(t.body!.tradeTickData!)).toEqual([
      { symbol: 'AAPL', sn: 100, time: 1000, price: 100.01, volume: 10, side: '+' },
      { symbol: 'AAPL', sn: 101, time: 1005, price: 100, volume: 20, side: '-' },
      { symbol: 'AAPL', sn: 102, time: 1012, price: 99.98, volume: 30, side: '*' },
    ]);
  });

  it('rejects garbage and truncated messages with a typed error', () => {
    const good = encodeResponse({ command: Command.MESSAGE, body: { dataType: DataType.Quote, quoteData: { symbol: 'AAPL', latestPrice: 1 } } });
    expect(() => decodeResponse(good.subarray(0, good.length - 3))).toThrow(PushDecodeError);
    expect(() => decodeResponse(Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]))).toThrow(PushDecodeError);
  });
});
