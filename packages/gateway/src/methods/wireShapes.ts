import type { AccountSummary, EngineFill, EngineOrder, PositionState } from '@pounce/matching';
import type { AssetDataMsg, OrderStatusDataMsg, OrderTransactionDataMsg, PositionDataMsg } from '@pounce/core';

const fmtTime = (ms: number) => new Date(ms).toISOString().slice(0, 19).replace('T', ' ');

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
export function orderStatusPush(o: Readonly<EngineOrder>, now: number): OrderStatusDataMsg {
  const open = o.status === 'Submitted' || o.status === 'Initial';
  return {
    id: o.id, account: o.account, symbol: o.symbol, action: o.action, market: 'US', currency: 'USD', secType: 'STK', orderType: o.orderType,
    totalQuantity: String(o.quantity), filledQuantity: String(o.filled), avgFillPrice: o.avgFillPrice, limitPrice: o.limitPrice ?? 0,
    stopPrice: o.orderType === 'TRAIL' ? o.trailStop ?? 0 : o.auxPrice ?? 0, realizedPnl: o.realizedPnl, status: o.status, canModify: open,
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
