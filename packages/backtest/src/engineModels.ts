import type { AccountAssets, Fill, Order, OrderLegs, Position } from '@pounce/core';
import type { AccountSummary, AttachedLegs, AttachType, EngineFill, EngineOrder, PositionState } from '@pounce/matching';

/* Engine state as the models the runtime gets from any venue (the gateway sends the same over the wire). */

/**
 * An order request's attached legs as the engine takes them: the same mapping the gateway applies
 * to the wire's `attach_type` / `profit_taker_*` / `stop_loss_*` fields.
 */
export function engineLegs(l: OrderLegs): { attachType: AttachType; legs: AttachedLegs } {
  const legs: AttachedLegs = {};
  if (l.profit) legs.profit = { limitPrice: l.profit.price, timeInForce: l.profit.timeInForce ?? 'DAY' };
  if (l.loss) legs.loss = { stopPrice: l.loss.price, limitPrice: l.loss.limitPrice, trailingPercent: l.loss.trailingPercent, trailingAmount: l.loss.trailingAmount, timeInForce: l.loss.timeInForce ?? 'DAY' };
  return { attachType: l.profit && l.loss ? 'BRACKETS' : l.profit ? 'PROFIT' : 'LOSS', legs };
}

export function orderModel(o: Readonly<EngineOrder>): Order {
  const m: Order = {
    id: o.id, account: o.account, symbol: o.symbol, action: o.action, orderType: o.orderType, limitPrice: o.limitPrice, auxPrice: o.auxPrice,
    trailingPercent: o.trailingPercent, totalQuantity: o.quantity, filledQuantity: o.filled, avgFillPrice: o.avgFillPrice, timeInForce: o.timeInForce,
    status: o.status, commission: o.commission, realizedPnl: o.realizedPnl, remark: o.remark, userMark: o.userMark, openTime: o.createdAt, updateTime: o.updatedAt,
  };
  // Assigned only when set (as the wire has it); a conditional spread here cost more than the rest.
  if (o.parentId !== undefined) m.parentId = o.parentId;
  return m;
}

export function fillModel(f: EngineFill): Fill {
  return { id: f.id, orderId: f.orderId, account: f.account, symbol: f.symbol, action: f.action, price: f.price, quantity: f.quantity, time: f.time, commission: f.commission };
}

export function positionModel(p: Readonly<PositionState>): Position {
  return {
    account: p.account, symbol: p.symbol, quantity: p.quantity, averageCost: p.averageCost, latestPrice: p.lastPrice, marketValue: p.quantity * p.lastPrice,
    realizedPnl: p.realizedPnl, unrealizedPnl: p.quantity * (p.lastPrice - p.averageCost),
  };
}

export function assetsModel(s: AccountSummary, time: number): AccountAssets {
  return {
    account: s.account, currency: 'USD', cashBalance: s.cash, buyingPower: s.buyingPower, netLiquidation: s.netLiquidation,
    grossPositionValue: s.grossPositionValue, realizedPnl: s.realizedPnl, unrealizedPnl: s.unrealizedPnl, time,
  };
}
