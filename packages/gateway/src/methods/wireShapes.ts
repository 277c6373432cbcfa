import type { AccountSummary, EngineFill, EngineOrder, PositionState } from '@pounce/matching';
import type { AssetDataMsg, OrderStatusDataMsg, OrderTransactionDataMsg, PositionDataMsg } from '@pounce/core';

const fmtTime = (ms: number) => new Date(ms).toISOString().slice(0, 19).replace('T', ' ');

/**
 * How order statuses are spelled on the wire. `canonical`: the Java/Go enum names. The others
 * send what the official SDKs show the service may send instead: `mixed-case` the Python
 * get_order_status spellings (`New`, `Held`, `PartiallyFilled`, `PendingNew`), `upper-case` the
 * Python enum names (`NEW`, `HELD`, `PARTIALLY_FILLED`, `REJECTED`, `EXPIRED`), `numeric` the
 * codes (Go model/order_status.go: the service mixes them with names), and `unknown-while-open`
 * sends every non-final status as `Suspended`, which no SDK table names.
 */
export type OrderStatusWire = 'canonical' | 'mixed-case' | 'upper-case' | 'numeric' | 'unknown-while-open';
export const ORDER_STATUS_WIRES: readonly OrderStatusWire[] = ['canonical', 'mixed-case', 'upper-case', 'numeric', 'unknown-while-open'];
/** The status `unknown-while-open` sends for an order that is not final. */
export const UNKNOWN_WIRE_STATUS = 'Suspended';

type Status = EngineOrder['status'];
const MIXED: Record<Status, string> = { Initial: 'New', Submitted: 'Held', PendingCancel: 'PendingCancel', Cancelled: 'Cancelled', Filled: 'Filled', Inactive: 'Inactive', Invalid: 'Invalid' };
const UPPER: Record<Status, string> = { Initial: 'NEW', Submitted: 'HELD', PendingCancel: 'PENDING_CANCEL', Cancelled: 'CANCELLED', Filled: 'FILLED', Inactive: 'REJECTED', Invalid: 'EXPIRED' };
const CODES: Record<Status, number> = { Initial: -1, Submitted: 5, PendingCancel: 3, Cancelled: 4, Filled: 6, Inactive: 7, Invalid: -2 };
const FINAL = new Set<string>(['Cancelled', 'Filled', 'Inactive', 'Invalid']);

/** A status as `wire` spells it; `filled` > 0 makes a working order partially filled. */
export function spellOrderStatus(status: Status, filled: number, wire: OrderStatusWire): string | number {
  switch (wire) {
    case 'canonical': return status;
    case 'mixed-case': return status === 'Submitted' && filled > 0 ? 'PartiallyFilled' : MIXED[status];
    case 'upper-case': return status === 'Submitted' && filled > 0 ? 'PARTIALLY_FILLED' : UPPER[status];
    case 'numeric': return CODES[status];
    case 'unknown-while-open': return FINAL.has(status) ? status : UNKNOWN_WIRE_STATUS;
  }
}

const isPlainObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype;

/** Re-spells the status of every order object (as built by orderJson) inside a REST reply. */
export function respellOrderStatuses(data: unknown, wire: OrderStatusWire): unknown {
  if (wire === 'canonical') return data;
  if (Array.isArray(data)) return data.map((d) => respellOrderStatuses(d, wire));
  if (!isPlainObject(data)) return data;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(data)) out[k] = respellOrderStatuses(v, wire);
  if (typeof data.status === 'string' && data.status in CODES && 'orderType' in data && typeof data.filledQuantity === 'number') {
    out.status = spellOrderStatus(data.status as Status, data.filledQuantity, wire);
  }
  return out;
}

/** An engine order as the `orders` family returns it (camelCase, 64-bit id as a JSON number). */
export function orderJson(o: Readonly<EngineOrder>): Record<string, unknown> {
  const open = o.status === 'Submitted' || o.status === 'Initial';
  return {
    id: BigInt(o.id), orderId: o.seq, account: o.account, symbol: o.symbol, market: 'US', secType: 'STK', currency: 'USD',
    action: o.action, orderType: o.orderType, algoStrategy: o.orderType, limitPrice: o.limitPrice, auxPrice: o.auxPrice,
    trailingPercent: o.trailingPercent, totalQuantity: o.quantity, totalQuantityScale: 0, filledQuantity: o.filled,
    filledQuantityScale: 0, avgFillPrice: o.avgFillPrice, timeInForce: o.timeInForce, outsideRth: false, commission: o.commission,
    realizedPnl: o.realizedPnl, status: o.status, remark: o.remark, userMark: o.userMark, canModify: open, canCancel: open,
    isOpen: open, openTime: o.createdAt, updateTime: o.updatedAt, latestTime: o.updatedAt, source: 'OpenApi',
    ...(o.parentId !== undefined ? { parentId: BigInt(o.parentId) } : {}),
  };
}

export function transactionJson(f: EngineFill): Record<string, unknown> {
  return {
    id: BigInt(f.id), accountId: f.account, orderId: BigInt(f.orderId), secType: 'STK', symbol: f.symbol, currency: 'USD', market: 'US',
    action: f.action, filledQuantity: f.quantity, filledQuantityScale: 0, filledPrice: f.price, filledAmount: f.price * f.quantity,
    transactedAt: fmtTime(f.time), transactionTime: f.time,
  };
}

export function positionJson(p: Readonly<PositionState>): Record<string, unknown> {
  return {
    account: p.account, symbol: p.symbol, market: 'US', secType: 'STK', currency: 'USD', multiplier: 1, position: p.quantity,
    positionScale: 0, positionQty: p.quantity, salableQty: Math.max(0, p.quantity), averageCost: p.averageCost, latestPrice: p.lastPrice,
    marketValue: p.quantity * p.lastPrice, realizedPnl: p.realizedPnl, unrealizedPnl: p.quantity * (p.lastPrice - p.averageCost),
  };
}

export function primeAssetsJson(s: AccountSummary, now: number): Record<string, unknown> {
  return {
    accountId: s.account, updateTimestamp: now,
    segments: [{
      capability: 'Cash', category: 'S', currency: 'USD', cashBalance: s.cash, cashAvailableForTrade: s.buyingPower,
      cashAvailableForWithdrawal: Math.max(0, s.cash), grossPositionValue: s.grossPositionValue, equityWithLoan: s.netLiquidation,
      netLiquidation: s.netLiquidation, initMargin: 0, maintainMargin: 0, overnightMargin: 0, unrealizedPL: s.unrealizedPnl,
      realizedPL: s.realizedPnl, totalTodayPL: 0, excessLiquidation: s.buyingPower, overnightLiquidation: s.buyingPower,
      buyingPower: s.buyingPower, leverage: s.netLiquidation > 0 ? s.grossPositionValue / s.netLiquidation : 0, lockedFunds: 0,
      uncollected: 0, consolidatedSegTypes: ['SEC'],
      currencyAssets: [{ currency: 'USD', cashBalance: s.cash, cashAvailableForTrade: s.buyingPower, forexRate: 1, grossPositionValue: s.grossPositionValue, stockMarketValue: s.grossPositionValue, unrealizedPL: s.unrealizedPnl, realizedPL: s.realizedPnl }],
    }],
  };
}

export function globalAssetsJson(s: AccountSummary, now: number): Record<string, unknown> {
  return {
    account: s.account, capability: 'Cash', currency: 'USD', netLiquidation: s.netLiquidation, availableFunds: s.buyingPower,
    buyingPower: s.buyingPower, cashValue: s.cash, equityWithLoan: s.netLiquidation, grossPositionValue: s.grossPositionValue,
    realizedPnL: s.realizedPnl, unrealizedPnL: s.unrealizedPnl, dayTradesRemaining: -1, updateTime: now,
  };
}

// ---- push shapes ----
/** An order status push; `wire` spells the status (the push field is a string, so codes go as digits). */
export function orderStatusPush(o: Readonly<EngineOrder>, now: number, wire: OrderStatusWire = 'canonical'): OrderStatusDataMsg {
  const open = o.status === 'Submitted' || o.status === 'Initial';
  return {
    id: o.id, account: o.account, symbol: o.symbol, action: o.action, market: 'US', currency: 'USD', secType: 'STK', orderType: o.orderType,
    totalQuantity: String(o.quantity), filledQuantity: String(o.filled), avgFillPrice: o.avgFillPrice, limitPrice: o.limitPrice ?? 0,
    stopPrice: o.orderType === 'TRAIL' ? o.trailStop ?? 0 : o.auxPrice ?? 0, realizedPnl: o.realizedPnl, status: String(spellOrderStatus(o.status, o.filled, wire)), canModify: open,
    canCancel: open, errorMsg: o.remark, commissionAndFee: o.commission, openTime: String(o.createdAt), timestamp: String(now),
    userMark: o.userMark, timeInForce: o.timeInForce, updateTime: String(o.updatedAt),
  };
}

export function transactionPush(f: EngineFill, now: number): OrderTransactionDataMsg {
  return {
    id: f.id, orderId: f.orderId, account: f.account, symbol: f.symbol, action: f.action, market: 'US', currency: 'USD', secType: 'STK',
    filledPrice: f.price, filledQuantity: String(f.quantity), createTime: String(f.time), updateTime: String(f.time), transactTime: String(f.time), timestamp: String(now),
  };
}

export function positionPush(p: Readonly<PositionState>, now: number): PositionDataMsg {
  return {
    account: p.account, symbol: p.symbol, market: 'US', currency: 'USD', secType: 'STK', position: String(p.quantity), averageCost: p.averageCost,
    latestPrice: p.lastPrice, marketValue: p.quantity * p.lastPrice, unrealizedPnl: p.quantity * (p.lastPrice - p.averageCost), timestamp: String(now), positionQty: p.quantity,
  };
}

export function assetPush(s: AccountSummary, now: number): AssetDataMsg {
  return {
    account: s.account, currency: 'USD', segType: 'S', availableFunds: s.buyingPower, netLiquidation: s.netLiquidation, equityWithLoan: s.netLiquidation,
    buyingPower: s.buyingPower, cashBalance: s.cash, grossPositionValue: s.grossPositionValue, timestamp: String(now),
  };
}
