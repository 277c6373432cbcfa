import type { AccountAssets, Bar, Depth, Fill, Order, OrderAction, OrderType, Position, Tick } from '../api/models.ts';
import { parseOrderStatus, rawStatusText } from '../api/orderStatus.ts';
import { WireFormatError } from '../api/wireFields.ts';
import { scaledQuantity } from '../api/quantityScale.ts';
import type { AssetDataMsg, KlineDataMsg, OrderStatusDataMsg, OrderTransactionDataMsg, PositionDataMsg, QuoteDataMsg, QuoteDepthDataMsg, TradeTickDataMsg } from './pushCodec.ts';

/** A streamed quote. Fields absent from a BASIC or BBO-only update are undefined. */
export interface Quote {
  symbol: string; time: number; latestPrice: number | undefined; bidPrice: number | undefined; askPrice: number | undefined;
  bidSize: number | undefined; askSize: number | undefined; volume: number | undefined; open: number | undefined;
  high: number | undefined; low: number | undefined; preClose: number | undefined;
}

const n = (v: string | undefined): number => (v === undefined ? 0 : Number(v));
const on = (v: string | undefined): number | undefined => (v === undefined ? undefined : Number(v));

export function quoteFromPush(q: QuoteDataMsg): Quote {
  return {
    symbol: q.symbol, time: n(q.latestPriceTimestamp ?? q.timestamp), latestPrice: q.latestPrice, bidPrice: q.bidPrice, askPrice: q.askPrice,
    bidSize: on(q.bidSize), askSize: on(q.askSize), volume: on(q.volume), open: q.open, high: q.high, low: q.low, preClose: q.preClose,
  };
}

export function barFromPush(k: KlineDataMsg): Bar {
  return { symbol: k.symbol, time: n(k.time), open: k.open ?? 0, high: k.high ?? 0, low: k.low ?? 0, close: k.close ?? 0, volume: n(k.volume) };
}

export function depthFromPush(d: QuoteDepthDataMsg): Depth {
  const side = (b: QuoteDepthDataMsg['ask']) => (b?.price ?? []).map((price, i) => ({ price, volume: n(b?.volume?.[i]), count: b?.orderCount?.[i] ?? 0 }));
  return { symbol: d.symbol, time: n(d.timestamp), asks: side(d.ask), bids: side(d.bid) };
}

/** Expands the compressed tick snapshot: time deltas summed, prices rebased (protocol.md 7.3). */
export function ticksFromPush(t: TradeTickDataMsg): Tick[] {
  const times = t.time ?? [];
  const base = n(t.priceBase);
  const scale = 10 ** (t.priceOffset ?? 0);
  const sn = n(t.sn);
  let clock = 0;
  return times.map((dt, i) => {
    clock = i === 0 ? Number(dt) : clock + Number(dt);
    const side = t.type?.[i];
    return {
      symbol: t.symbol, sn: sn + i, time: clock, price: (base + n(t.price?.[i])) / scale, volume: n(t.volume?.[i]),
      side: side === '+' || side === '-' ? side : '*',
    };
  });
}

/** A required push field; absent (proto3 default) or empty means the push is malformed. */
function need<T>(v: T | undefined, field: string, expected: string): T {
  if (v === undefined || v === null || (v as unknown) === '') throw new WireFormatError(field, expected, v);
  return v;
}

function pushId(v: string | undefined, field: string): string {
  const s = need(v, field, 'an integer id');
  if (!/^-?\d+$/.test(s) || /^-?0+$/.test(s)) throw new WireFormatError(field, 'a non-zero integer id', s);
  return s;
}

function pushAction(v: string | undefined): OrderAction {
  if (v !== 'BUY' && v !== 'SELL') throw new WireFormatError('action', 'BUY or SELL', v);
  return v;
}

/**
 * An order status push. Refuses (WireFormatError) what the REST parser refuses: no id, account,
 * symbol, action, order type or quantity. Never invents them; the caller counts and drops the push.
 * A status no SDK table names becomes `'Unknown'` with `rawStatus` kept.
 */
export function orderFromPush(o: OrderStatusDataMsg): Order {
  const status = parseOrderStatus(o.status);
  const order: Order = {
    id: pushId(o.id, 'id'), account: need(o.account, 'account', 'a string'), symbol: need(o.symbol, 'symbol', 'a string'), action: pushAction(o.action),
    orderType: need(o.orderType, 'orderType', 'a string') as OrderType, limitPrice: o.limitPrice || undefined, auxPrice: o.stopPrice || undefined,
    trailingPercent: undefined, totalQuantity: scaledQuantity(Number(need(o.totalQuantity, 'totalQuantity', 'a quantity')), o.totalQuantityScale), filledQuantity: scaledQuantity(n(o.filledQuantity), o.filledQuantityScale),
    avgFillPrice: o.avgFillPrice ?? 0, timeInForce: o.timeInForce ?? 'DAY', status, commission: o.commissionAndFee ?? 0,
    realizedPnl: o.realizedPnl ?? 0, remark: o.errorMsg ?? '', userMark: o.userMark ?? '', openTime: n(o.openTime),
    updateTime: n(o.updateTime ?? o.timestamp),
  };
  if (status === 'Unknown') order.rawStatus = rawStatusText(o.status);
  return order;
}

/** An execution push. Refuses (WireFormatError) a push without ids, symbol, action, price or quantity. */
export function fillFromPush(f: OrderTransactionDataMsg): Fill {
  return {
    id: pushId(f.id, 'id'), orderId: pushId(f.orderId, 'orderId'), account: f.account ?? '', symbol: need(f.symbol, 'symbol', 'a string'),
    action: pushAction(f.action), price: need(f.filledPrice, 'filledPrice', 'a price'), quantity: Number(need(f.filledQuantity, 'filledQuantity', 'a quantity')),
    time: n(f.transactTime ?? f.timestamp),
  };
}

export function positionFromPush(p: PositionDataMsg): Position {
  return {
    account: p.account ?? '', symbol: p.symbol ?? '', quantity: p.positionScale ? scaledQuantity(n(p.position), p.positionScale) : n(p.position), averageCost: p.averageCost ?? 0, latestPrice: p.latestPrice ?? 0,
    marketValue: p.marketValue ?? 0, realizedPnl: 0, unrealizedPnl: p.unrealizedPnl ?? 0,
  };
}

export function assetsFromPush(a: AssetDataMsg): AccountAssets {
  return {
    account: a.account ?? '', currency: a.currency ?? 'USD', cashBalance: a.cashBalance ?? 0, buyingPower: a.buyingPower ?? 0,
    netLiquidation: a.netLiquidation ?? 0, grossPositionValue: a.grossPositionValue ?? 0, realizedPnl: 0, unrealizedPnl: 0, time: n(a.timestamp),
  };
}
