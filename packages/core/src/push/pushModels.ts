import type { AccountAssets, Bar, Depth, Fill, Order, OrderAction, OrderType, Position, Tick } from '../api/models.ts';
import { parseOrderStatus } from '../api/orderStatus.ts';
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

export function orderFromPush(o: OrderStatusDataMsg): Order {
  return {
    id: o.id ?? '0', account: o.account ?? '', symbol: o.symbol ?? '', action: (o.action ?? 'BUY') as OrderAction,
    orderType: (o.orderType ?? 'MKT') as OrderType, limitPrice: o.limitPrice || undefined, auxPrice: o.stopPrice || undefined,
    trailingPercent: undefined, totalQuantity: n(o.totalQuantity), filledQuantity: n(o.filledQuantity), avgFillPrice: o.avgFillPrice ?? 0,
    timeInForce: o.timeInForce ?? 'DAY', status: parseOrderStatus(o.status ?? 'Initial'), commission: o.commissionAndFee ?? 0,
    realizedPnl: o.realizedPnl ?? 0, remark: o.errorMsg ?? '', userMark: o.userMark ?? '', openTime: n(o.openTime),
    updateTime: n(o.updateTime ?? o.timestamp),
  };
}

export function fillFromPush(f: OrderTransactionDataMsg): Fill {
  return {
    id: f.id ?? '0', orderId: f.orderId ?? '0', account: f.account ?? '', symbol: f.symbol ?? '', action: (f.action ?? 'BUY') as OrderAction,
    price: f.filledPrice ?? 0, quantity: n(f.filledQuantity), time: n(f.transactTime ?? f.timestamp),
  };
}

export function positionFromPush(p: PositionDataMsg): Position {
  return {
    account: p.account ?? '', symbol: p.symbol ?? '', quantity: n(p.position), averageCost: p.averageCost ?? 0, latestPrice: p.latestPrice ?? 0,
    marketValue: p.marketValue ?? 0, realizedPnl: 0, unrealizedPnl: p.unrealizedPnl ?? 0,
  };
}

export function assetsFromPush(a: AssetDataMsg): AccountAssets {
  return {
    account: a.account ?? '', currency: a.currency ?? 'USD', cashBalance: a.cashBalance ?? 0, buyingPower: a.buyingPower ?? 0,
    netLiquidation: a.netLiquidation ?? 0, grossPositionValue: a.grossPositionValue ?? 0, realizedPnl: 0, unrealizedPnl: 0, time: n(a.timestamp),
  };
}
