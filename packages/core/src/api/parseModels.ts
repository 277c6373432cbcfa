import type { AccountAssets, Bar, Contract, Depth, DepthLevel, Fill, KlinePage, MarketState, Order, OrderAction, OrderPreview, OrderType, Position, QuoteBrief, Tick, TradingDay } from './models.ts';
import { parseOrderStatus, rawStatusText } from './orderStatus.ts';
import { scaledQuantity } from './quantityScale.ts';
import { asArray, asObject, id, num, optNum, optStr, str, WireFormatError, type WireObject } from './wireFields.ts';

function action(o: WireObject): OrderAction {
  const a = str(o, 'action');
  if (a !== 'BUY' && a !== 'SELL') throw new WireFormatError('action', 'BUY or SELL', a);
  return a;
}

export function parseMarketState(v: unknown): MarketState {
  const o = asObject(v, 'market_state item');
  return { market: str(o, 'market'), status: str(o, 'status'), marketStatus: str(o, 'marketStatus', ''), openTime: str(o, 'openTime', '') };
}

export function parseQuoteBrief(v: unknown): QuoteBrief {
  const o = asObject(v, 'quote_real_time item');
  return {
    symbol: str(o, 'symbol'), open: num(o, 'open', 0), high: num(o, 'high', 0), low: num(o, 'low', 0), close: num(o, 'close', 0),
    preClose: num(o, 'preClose', 0), latestPrice: num(o, 'latestPrice'), latestTime: num(o, 'latestTime', 0),
    askPrice: num(o, 'askPrice', 0), askSize: num(o, 'askSize', 0), bidPrice: num(o, 'bidPrice', 0), bidSize: num(o, 'bidSize', 0),
    volume: num(o, 'volume', 0), status: str(o, 'status', 'NORMAL'),
  };
}

export function parseKlinePage(v: unknown): KlinePage {
  const o = asObject(v, 'kline item');
  const symbol = str(o, 'symbol');
  const bars: Bar[] = asArray(o.items ?? [], 'items').map((b) => {
    const x = asObject(b, 'kline bar');
    return { symbol, time: num(x, 'time'), open: num(x, 'open'), high: num(x, 'high'), low: num(x, 'low'), close: num(x, 'close'), volume: num(x, 'volume', 0) };
  });
  return { symbol, period: str(o, 'period', ''), bars, nextPageToken: optStr(o, 'nextPageToken') || undefined };
}

/** One day of the `trading_calendar` reply: `{date: 'yyyy-MM-dd', type: 'TRADING' | 'NON_TRADING'}`. */
export function parseTradingDay(v: unknown): TradingDay {
  const o = asObject(v, 'trading_calendar item');
  const date = str(o, 'date');
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) throw new WireFormatError('trading_calendar date', 'yyyy-MM-dd', date);
  const type = str(o, 'type');
  if (type !== 'TRADING' && type !== 'NON_TRADING') throw new WireFormatError('trading_calendar type', 'TRADING or NON_TRADING', type);
  return { date, trading: type === 'TRADING' };
}

function levels(v: unknown, field: string): DepthLevel[] {
  return asArray(v ?? [], field).map((l) => {
    const x = asObject(l, field);
    return { price: num(x, 'price'), volume: num(x, 'volume', 0), count: num(x, 'count', 0) };
  });
}

export function parseDepth(v: unknown): Depth {
  const o = asObject(v, 'quote_depth item');
  return { symbol: str(o, 'symbol'), time: num(o, 'timestamp', 0), asks: levels(o.asks, 'asks'), bids: levels(o.bids, 'bids') };
}

export function parseTradeTicks(v: unknown): Tick[] {
  const o = asObject(v, 'trade_tick item');
  const symbol = str(o, 'symbol', '');
  const begin = num(o, 'beginIndex', 0);
  return asArray(o.items ?? [], 'items').map((t, i) => {
    const x = asObject(t, 'tick');
    const side = str(x, 'type', '*');
    return { symbol, sn: begin + i, time: num(x, 'time'), price: num(x, 'price'), volume: num(x, 'volume'), side: side === '+' || side === '-' ? side : '*' };
  });
}

export function parseContract(v: unknown): Contract {
  const o = asObject(v, 'contract');
  return {
    symbol: str(o, 'symbol'), secType: str(o, 'secType', 'STK'), currency: str(o, 'currency', 'USD'), market: str(o, 'market', 'US'),
    name: str(o, 'name', ''), lotSize: num(o, 'lotSize', 1), minTick: num(o, 'minTick', 0.01), multiplier: num(o, 'multiplier', 1),
    tradeable: o.tradeable !== false, shortable: o.shortable !== false,
  };
}

/** An order; a status no SDK table names becomes `'Unknown'` with `rawStatus` kept, never an error. */
export function parseOrder(v: unknown): Order {
  const o = asObject(v, 'order');
  const status = parseOrderStatus(o.status);
  const order: Order = {
    id: id(o, 'id'), account: str(o, 'account'), symbol: str(o, 'symbol'), action: action(o),
    orderType: str(o, 'orderType') as OrderType, limitPrice: optNum(o, 'limitPrice'), auxPrice: optNum(o, 'auxPrice'),
    trailingPercent: optNum(o, 'trailingPercent'), totalQuantity: scaledQuantity(num(o, 'totalQuantity'), optNum(o, 'totalQuantityScale')), filledQuantity: scaledQuantity(num(o, 'filledQuantity', 0), optNum(o, 'filledQuantityScale')),
    avgFillPrice: num(o, 'avgFillPrice', 0), timeInForce: str(o, 'timeInForce', 'DAY'), status,
    commission: num(o, 'commission', 0), realizedPnl: num(o, 'realizedPnl', 0), remark: str(o, 'remark', ''), userMark: str(o, 'userMark', ''),
    openTime: num(o, 'openTime', 0), updateTime: num(o, 'updateTime', 0),
  };
  if (status === 'Unknown') order.rawStatus = rawStatusText(o.status);
  // Attached legs name their parent; 0 or absent means none.
  if (o.parentId !== undefined && o.parentId !== null && String(o.parentId) !== '0') order.parentId = id(o, 'parentId');
  return order;
}

export function parseFill(v: unknown): Fill {
  const o = asObject(v, 'transaction');
  return {
    id: id(o, 'id'), orderId: id(o, 'orderId'), account: str(o, 'accountId', str(o, 'account', '')), symbol: str(o, 'symbol'),
    action: action(o), price: num(o, 'filledPrice'), quantity: scaledQuantity(num(o, 'filledQuantity'), optNum(o, 'filledQuantityScale')), time: num(o, 'transactionTime', 0),
  };
}

export function parsePosition(v: unknown): Position {
  const o = asObject(v, 'position');
  return {
    account: str(o, 'account', ''), symbol: str(o, 'symbol'), quantity: scaledQuantity(num(o, 'position'), optNum(o, 'positionScale')), averageCost: num(o, 'averageCost', 0),
    latestPrice: num(o, 'latestPrice', 0), marketValue: num(o, 'marketValue', 0), realizedPnl: num(o, 'realizedPnl', 0),
    unrealizedPnl: num(o, 'unrealizedPnl', 0),
  };
}

/** `prime_assets` data: the securities segment of a prime or paper account. */
export function parsePrimeAssets(v: unknown): AccountAssets {
  const o = asObject(v, 'prime_assets');
  const segs = asArray(o.segments ?? [], 'segments').map((s) => asObject(s, 'segment'));
  const s = segs.find((x) => x.category === 'S') ?? segs[0];
  if (!s) throw new WireFormatError('segments', 'at least one segment', undefined);
  return {
    account: str(o, 'accountId'), currency: str(s, 'currency', 'USD'), cashBalance: num(s, 'cashBalance'), buyingPower: num(s, 'buyingPower'),
    netLiquidation: num(s, 'netLiquidation'), grossPositionValue: num(s, 'grossPositionValue', 0), realizedPnl: num(s, 'realizedPL', 0),
    unrealizedPnl: num(s, 'unrealizedPL', 0), time: num(o, 'updateTimestamp', 0),
  };
}

/** `assets` item (global accounts). */
export function parseGlobalAssets(v: unknown): AccountAssets {
  const o = asObject(v, 'assets item');
  return {
    account: str(o, 'account'), currency: str(o, 'currency', 'USD'), cashBalance: num(o, 'cashValue', 0), buyingPower: num(o, 'buyingPower', 0),
    netLiquidation: num(o, 'netLiquidation'), grossPositionValue: num(o, 'grossPositionValue', 0), realizedPnl: num(o, 'realizedPnL', 0),
    unrealizedPnl: num(o, 'unrealizedPnL', 0), time: num(o, 'updateTime', 0),
  };
}

export function parseOrderPreview(v: unknown): OrderPreview {
  const o = asObject(v, 'preview_order');
  return { account: str(o, 'account', ''), isPass: o.isPass === true, message: str(o, 'message', ''), commission: num(o, 'commission', 0), initMargin: num(o, 'initMargin', 0) };
}
