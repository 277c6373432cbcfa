import { describe, expect, it } from 'vitest';
import {
  engineErrorRefusal, MatchingEngine, modifyRefusal, OrderStateError, OrderValidationError, orderRefusal, refusalCode, refusalReasons, tickSizeAt, US_STOCK_TICKS,
  type AccountKind, type RuleContext, type RuleOrder,
} from '../src/index.ts';

const order = (o: Partial<RuleOrder> = {}): RuleOrder => ({ account: 'A', symbol: 'NVDA', action: 'BUY', orderType: 'LMT', quantity: 10, limitPrice: 100, timeInForce: 'DAY', ...o });
const context = (o: { kind?: AccountKind; held?: number; symbols?: string[] } = {}): RuleContext => ({
  accountKind: o.kind ?? 'paper',
  knownSymbol: (s) => (o.symbols ?? ['NVDA', 'PENY']).includes(s),
  position: () => o.held ?? 0,
});
const rule = (o: Partial<RuleOrder>, ctx: RuleContext = context()) => orderRefusal(order(o), ctx)?.rule;

describe('venue order rules', () => {
  it('passes a plain DAY limit order', () => {
    expect(orderRefusal(order(), context())).toBeUndefined();
    expect(orderRefusal(order({ orderType: 'MKT', limitPrice: undefined }), context({ kind: 'live' }))).toBeUndefined();
  });

  it('a malformed order (quantity 1.5) is a bad field, in the engine\'s words', () => {
    expect(orderRefusal(order({ quantity: 1.5 }), context())).toEqual({ rule: 'valid-order', kind: 'param', message: 'total_quantity: expected a positive whole number of shares' });
    expect(rule({ orderType: 'LMT', limitPrice: undefined })).toBe('valid-order');
  });

  it('stocks only', () => {
    expect(orderRefusal(order({ secType: 'OPT' }), context())).toEqual({ rule: 'sec-type', kind: 'trade', message: refusalReasons.secType('OPT') });
    expect(rule({ secType: 'STK' })).toBeUndefined();
  });

  it('an unknown symbol is refused', () => {
    expect(orderRefusal(order({ symbol: 'ZZZZ' }), context())).toEqual({ rule: 'unknown-symbol', kind: 'trade', message: 'bad_request:contract ZZZZ is not tradable here (no market data for it)' });
  });

  it('GTC is refused for market orders, on a live account too', () => {
    expect(orderRefusal(order({ orderType: 'MKT', limitPrice: undefined, timeInForce: 'GTC' }), context({ kind: 'live' }))).toEqual({ rule: 'market-gtc', kind: 'trade', message: 'GTC is not supported for MKT orders' });
  });

  it('GTC is refused for every order on a paper account, allowed for a limit order on a live one', () => {
    expect(rule({ timeInForce: 'GTC' }, context({ kind: 'paper' }))).toBe('paper-gtc');
    expect(rule({ orderType: 'STP', limitPrice: undefined, auxPrice: 90, timeInForce: 'GTC' }, context({ kind: 'paper' }))).toBe('paper-gtc');
    expect(rule({ timeInForce: 'GTC' }, context({ kind: 'live' }))).toBeUndefined();
  });

  it('MKT and STP are refused with outside_rth; limit orders may trade outside regular hours', () => {
    expect(orderRefusal(order({ orderType: 'MKT', limitPrice: undefined, outsideRth: true }), context())?.message).toBe('MKT orders are not allowed with outside_rth=true');
    expect(rule({ orderType: 'STP', limitPrice: undefined, auxPrice: 90, outsideRth: true })).toBe('outside-rth');
    expect(rule({ outsideRth: true })).toBeUndefined();
    expect(rule({ orderType: 'STP_LMT', auxPrice: 90, limitPrice: 89, outsideRth: true })).toBeUndefined();
  });

  it('an order with attached legs must itself be a limit order', () => {
    expect(rule({ attachType: 'BRACKETS' })).toBeUndefined();
    expect(orderRefusal(order({ orderType: 'MKT', limitPrice: undefined, attachType: 'BRACKETS' }), context())).toEqual({ rule: 'attached-parent', kind: 'trade', message: 'attached orders need a LMT parent, not MKT' });
    expect(rule({ orderType: 'STP', limitPrice: undefined, auxPrice: 90, attachType: 'LOSS' })).toBe('attached-parent');
  });

  it('limit and stop prices must be on the tick grid: 0.01 from $1, 0.0001 below', () => {
    expect(orderRefusal(order({ limitPrice: 10.005 }), context())).toEqual({ rule: 'tick-size', kind: 'trade', message: 'limit_price 10.005 does not match the tick size 0.01' });
    expect(rule({ orderType: 'STP', limitPrice: undefined, auxPrice: 99.999 })).toBe('tick-size');
    expect(rule({ orderType: 'STP_LMT', auxPrice: 100.001, limitPrice: 100 })).toBe('tick-size');
    expect(rule({ symbol: 'PENY', limitPrice: 0.1234 })).toBeUndefined();
    expect(rule({ symbol: 'PENY', limitPrice: 0.12345 })).toBe('tick-size');
    expect(rule({ limitPrice: 1.0001 })).toBe('tick-size');
    expect(rule({ limitPrice: 1 })).toBeUndefined();
    // Binary floating point is not a sub-tick price: 0.1 + 0.2 is 30 cents.
    expect(rule({ limitPrice: 0.1 + 0.2 + 100 })).toBeUndefined();
    // A trailing amount is a distance, not a price.
    expect(rule({ orderType: 'TRAIL', limitPrice: undefined, auxPrice: 0.125 })).toBeUndefined();
    expect([tickSizeAt(0.5), tickSizeAt(1), tickSizeAt(250)]).toEqual([0.0001, 0.01, 0.01]);
    expect(US_STOCK_TICKS).toHaveLength(2);
  });

  it('a contract with its own tick table is checked against it', () => {
    const ctx: RuleContext = { ...context(), tickBands: () => [{ begin: 0, end: Infinity, tickSize: 0.05 }] };
    expect(orderRefusal(order({ limitPrice: 100.05 }), ctx)).toBeUndefined();
    expect(orderRefusal(order({ limitPrice: 100.01 }), ctx)?.message).toBe('limit_price 100.01 does not match the tick size 0.05');
  });

  it('no long and short position of one symbol at once: an order may close a position, not cross zero', () => {
    expect(rule({ action: 'SELL', quantity: 10 }, context({ held: 10 }))).toBeUndefined();
    expect(orderRefusal(order({ action: 'SELL', quantity: 15 }), context({ held: 10 }))).toEqual({
      rule: 'long-short', kind: 'trade', message: 'cannot hold long and short positions of NVDA at once: selling 15 with 10 held long; close the position first',
    });
    expect(orderRefusal(order({ action: 'BUY', quantity: 8 }), context({ held: -5 }))?.message).toBe('cannot hold long and short positions of NVDA at once: buying 8 with 5 held short; close the position first');
    expect(rule({ action: 'BUY', quantity: 5 }, context({ held: -5 }))).toBeUndefined();
    // Flat: opening a short or a long is not crossing.
    expect(rule({ action: 'SELL', quantity: 15 }, context({ held: 0 }))).toBeUndefined();
    expect(rule({ action: 'BUY', quantity: 15 }, context({ held: 10 }))).toBeUndefined();
  });

  it('no long and short at once counts working orders on the same side: two sells of a 100-share long, 100 each, do not both pass', () => {
    const held100 = (workingSells: number): RuleContext => ({ ...context({ held: 100 }), working: (_s, action) => (action === 'SELL' ? workingSells : 0) });
    expect(rule({ action: 'SELL', quantity: 100 }, held100(0))).toBeUndefined();
    expect(orderRefusal(order({ action: 'SELL', quantity: 100 }), held100(100))?.message).toBe(
      'cannot hold long and short positions of NVDA at once: selling 100 with 100 held long (100 already being sold); close the position first',
    );
    expect(rule({ action: 'SELL', quantity: 40 }, held100(60))).toBeUndefined();
  });

  it('the engine tells the rule about working orders (the gateway and the backtest pass workingQuantity)', () => {
    const engine = new MatchingEngine({ initialCash: 1e6 });
    const t = Date.UTC(2024, 0, 2, 14, 30);
    engine.onBar({ symbol: 'NVDA', time: t, open: 100, high: 100, low: 100, close: 100, volume: 1e6 });
    engine.submit({ account: 'A', symbol: 'NVDA', action: 'SELL', orderType: 'LMT', quantity: 30, limitPrice: 200 }, t);
    expect(engine.workingQuantity('A', 'NVDA', 'SELL')).toBe(30);
    expect(engine.workingQuantity('A', 'NVDA', 'BUY')).toBe(0);
  });

  it('the first failing rule wins: a bad field before a trade rule, MKT+GTC before paper GTC', () => {
    expect(rule({ symbol: 'ZZZZ', quantity: 1.5 })).toBe('valid-order');
    expect(rule({ orderType: 'MKT', limitPrice: undefined, timeInForce: 'GTC' }, context({ kind: 'paper' }))).toBe('market-gtc');
  });

  it('a modification is checked for fields and tick size', () => {
    expect(modifyRefusal(order({ limitPrice: 10.005 }), context())?.rule).toBe('tick-size');
    expect(modifyRefusal(order({ quantity: 0 }), context())?.rule).toBe('valid-order');
    expect(modifyRefusal(order({ limitPrice: 10.01 }), context())).toBeUndefined();
  });

  it('codes as the service answers: 1010 for a bad field, 1300 paper / 1200 live for a trade rule', () => {
    const bad = orderRefusal(order({ quantity: 1.5 }), context())!;
    const gtc = orderRefusal(order({ orderType: 'MKT', limitPrice: undefined, timeInForce: 'GTC' }), context())!;
    expect([refusalCode(bad, 'paper'), refusalCode(bad, 'live'), refusalCode(gtc, 'paper'), refusalCode(gtc, 'live')]).toEqual([1010, 1010, 1300, 1200]);
  });

  it('engine errors map to the same refusals', () => {
    expect(engineErrorRefusal(new OrderValidationError('total_quantity', 'more'))).toEqual({ rule: 'valid-order', kind: 'param', message: 'total_quantity: expected more' });
    expect(engineErrorRefusal(new OrderStateError('order 1 not found'))).toEqual({ rule: 'order-state', kind: 'trade', message: 'order 1 not found' });
    expect(engineErrorRefusal(new Error('other'))).toBeUndefined();
  });
});
